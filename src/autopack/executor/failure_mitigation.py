"""The executor's use of failure hardening: one call of `autopack.failure_hardening`'s detector for
a failed attempt, and what a mitigated known pattern does to the phase's retry counter.

Named apart from the collaborator `autopack.failure_hardening` (the pattern detector itself): this
module is only the call pattern around it. Reads `workspace` from the executor; advances the
counter through `state_persistence.persist_attempt_update`.
"""

from __future__ import annotations

import logging
from typing import Any

from autopack.executor import state_persistence

logger = logging.getLogger(__name__)


def mitigate_known_failure(
    *, executor: Any, phase_id: str, status: str, error_text: str, retry_attempt: int
) -> bool:
    """Ask failure hardening (`autopack.failure_hardening`) whether the failure is a known pattern
    it mitigated; if so, log its actions, advance the retry counter with the pattern as the reason,
    and return True. A raising detector is logged and counts as not mitigated."""
    from autopack.failure_hardening import detect_and_mitigate_failure

    try:
        hardening = detect_and_mitigate_failure(
            error_text,
            {"workspace": str(executor.workspace), "phase_id": phase_id, "status": status},
        )
    except Exception as exc:
        logger.warning("Failure hardening raised for %s: %s", phase_id, exc)
        hardening = None
    if hardening is not None and hardening.mitigated:
        logger.info(
            "Phase %s failure mitigated by %s: %s",
            phase_id,
            hardening.pattern_id,
            "; ".join(hardening.actions),
        )
        state_persistence.persist_attempt_update(
            executor=executor,
            phase_id=phase_id,
            next_retry_attempt=retry_attempt + 1,
            reason=f"HARDENING_MITIGATED: {hardening.pattern_id}",
        )
        return True
    return False
