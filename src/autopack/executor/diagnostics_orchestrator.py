"""Diagnostics orchestration after a failed attempt: what the failure calls for, and the evidence the
diagnostics agent collects about it.

Reads from the executor: `diagnostics_agent`, the `_last_ci_result_by_phase` and
`_last_files_changed_by_phase` dicts.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def run_diagnostics(
    executor,
    phase: dict[str, Any],
    attempt_index: int,
    failure_class: str,
    status: str,
    error_text: str,
) -> Any:
    """Have the diagnostics agent collect evidence about a failure; None when it fails."""
    phase_id = phase["phase_id"]
    ci_result = executor._last_ci_result_by_phase.get(phase_id)
    context = {
        "attempt_index": attempt_index,
        "status": status,
        "error": error_text[:2000],
        "ci_status": ci_result.get("status") if ci_result else None,
        "ci_tests_failed": ci_result.get("tests_failed") if ci_result else None,
        "files_changed": list(executor._last_files_changed_by_phase.get(phase_id, [])),
    }
    try:
        outcome = executor.diagnostics_agent.run_diagnostics(
            phase_id=phase_id, failure_class=failure_class, context=context
        )
    except Exception as exc:
        logger.warning("Diagnostics failed for %s: %s: %s", phase_id, type(exc).__name__, exc)
        return None
    logger.info(
        "Diagnostics for %s attempt %d (%s): %s",
        phase_id,
        attempt_index + 1,
        failure_class,
        getattr(outcome, "summary", outcome),
    )
    return outcome
