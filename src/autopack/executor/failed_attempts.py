"""What `execute_phase` does after an attempt that raised or failed: record it, consult failure
hardening, diagnostics and the Doctor, and count the attempt (the phase is marked FAILED when it
has none left). `after_exception` and `after_failure` take the phase's counters as read before
the attempt (a `PhaseRuntimeState`); the attempt's index is its `retry_attempt`.

Reads from the executor: `enable_failure_hardening`, `_last_error_by_phase` (the error of an
exception is written there) and `_run_total_failures` (incremented); calls its
`_record_phase_error`, `_record_learning_hint` and `_mark_phase_failed_in_db`.
"""

from __future__ import annotations

import logging
from typing import Any

from autopack.executor import diagnostics_orchestrator, failure_mitigation, state_persistence
from autopack.executor.retry_policy import MAX_RETRY_ATTEMPTS
from autopack.executor.state_persistence import PhaseRuntimeState

logger = logging.getLogger(__name__)


def after_exception(
    executor, phase: dict[str, Any], exc: Exception, *, state: PhaseRuntimeState
) -> tuple[bool, str]:
    """The attempt run from the phase's counters `state` raised `exc`: an infra error for
    diagnostics and the Doctor; returns the attempt's outcome (`EXCEPTION_OCCURRED`, `FAILED` when
    no attempt is left, or the Doctor's)."""
    phase_id = phase["phase_id"]
    attempt_index = state.retry_attempt
    error_type = type(exc).__name__
    logger.error("Phase %s attempt %d raised %s: %s", phase_id, attempt_index + 1, error_type, exc)
    executor._run_total_failures += 1
    error_text = f"{error_type}: {exc}"
    executor._last_error_by_phase[phase_id] = error_text
    executor._record_phase_error(
        phase, attempt_index, "EXCEPTION_OCCURRED", error_text, error_type=error_type
    )
    handled = diagnostics_orchestrator.consult_on_failure(
        executor,
        phase,
        attempt_index=attempt_index,
        category="infra_error",
        status="EXCEPTION_OCCURRED",
        error_text=error_text,
        is_infra=True,
        retry_attempt=state.retry_attempt,
        revision_epoch=state.revision_epoch,
    )
    if handled is not None:
        return handled
    attempt_state = state_persistence.advance_retry(
        executor=executor,
        phase_id=phase_id,
        retry_attempt=state.retry_attempt,
        reason=f"EXCEPTION: {error_type}",
    )
    if attempt_state.exhausted:
        executor._mark_phase_failed_in_db(phase_id, "MAX_ATTEMPTS_EXHAUSTED")
        return False, "FAILED"
    return False, "EXCEPTION_OCCURRED"


def after_failure(
    executor, phase: dict[str, Any], status: str, *, state: PhaseRuntimeState
) -> tuple[bool, str]:
    """The attempt run from the phase's counters `state` ended with the failed `status`; returns
    the attempt's outcome (`status`, `FAILED` when no attempt is left or hardening gives up, or
    the Doctor's)."""
    phase_id = phase["phase_id"]
    attempt_index = state.retry_attempt
    decision = diagnostics_orchestrator.decide_failure_handling(status)
    failure_outcome = decision.failure_outcome

    if decision.skip_diagnostics:
        state_persistence.persist_attempt_update(
            executor=executor,
            phase_id=phase_id,
            next_retry_attempt=state.retry_attempt + 1,
            reason=status,
        )
        logger.info(
            "Phase %s escalated its token budget to %s; next attempt %d",
            phase_id,
            phase.get("_escalated_tokens"),
            state.retry_attempt + 2,
        )
        return False, status

    executor._run_total_failures += 1
    error_text = executor._last_error_by_phase.get(phase_id) or status
    executor._record_phase_error(phase, attempt_index, status, error_text)
    executor._record_learning_hint(
        phase,
        failure_outcome,
        f"Attempt {attempt_index + 1} of {phase_id} failed with {status}: {error_text[:300]}",
    )

    if executor.enable_failure_hardening and failure_mitigation.mitigate_known_failure(
        executor=executor,
        phase_id=phase_id,
        status=status,
        error_text=error_text,
        retry_attempt=state.retry_attempt,
    ):
        return False, "FAILED"

    handled = diagnostics_orchestrator.consult_on_failure(
        executor,
        phase,
        attempt_index=attempt_index,
        category=decision.category,
        status=status,
        error_text=error_text,
        is_infra=decision.is_infra,
        retry_attempt=state.retry_attempt,
        revision_epoch=state.revision_epoch,
    )
    if handled is not None:
        return handled

    attempt_state = state_persistence.advance_retry(
        executor=executor, phase_id=phase_id, retry_attempt=state.retry_attempt, reason=status
    )
    if attempt_state.exhausted:
        logger.error(
            "Phase %s failed %d times (last status %s); giving up",
            phase_id,
            attempt_state.next_retry_attempt,
            status,
        )
        executor._mark_phase_failed_in_db(phase_id, "MAX_ATTEMPTS_EXHAUSTED")
        return False, "FAILED"
    logger.warning(
        "Phase %s attempt %d failed with %s (%s); %d attempt(s) left",
        phase_id,
        attempt_index + 1,
        status,
        failure_outcome,
        MAX_RETRY_ATTEMPTS - attempt_state.next_retry_attempt,
    )
    return False, status
