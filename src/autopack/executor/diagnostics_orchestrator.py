"""Diagnostics orchestration after a failed attempt: what the failure calls for, the evidence the
diagnostics agent collects about it, and the Doctor's say on it.

Reads from the executor: `diagnostics_agent`, the `_last_ci_result_by_phase` and
`_last_files_changed_by_phase` dicts; calls its `_run_diagnostics`, `_should_invoke_doctor`,
`_invoke_doctor` and `_handle_doctor_action`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailureDecision:
    """What a failed attempt's status calls for.

    `failure_outcome` is the learning-hint category of the status; `skip_diagnostics` is True for a
    token-budget escalation, which only advances the retry counter (no error record, no hint, no
    hardening, diagnostics or Doctor); `is_infra` marks an infra error, which the diagnostics and
    the Doctor see as `infra_error` (`category`) and for which the Doctor needs no builder
    attempts first.
    """

    failure_outcome: str
    skip_diagnostics: bool
    is_infra: bool

    @property
    def category(self) -> str:
        """The failure class the diagnostics agent and the Doctor are told."""
        return "infra_error" if self.is_infra else self.failure_outcome


def decide_failure_handling(status: str) -> FailureDecision:
    """The decision for a failed attempt's `status`; the policy is the executor's as it stands."""
    if status in ("FAILED", "BLOCKED") or status.startswith("BLOCKED"):
        failure_outcome = "auditor_reject"
    elif status == "PATCH_FAILED":
        failure_outcome = "patch_apply_error"
    elif status == "CI_FAILED":
        failure_outcome = "ci_fail"
    elif status == "DELIVERABLES_VALIDATION_FAILED":
        failure_outcome = "deliverables_validation_failed"
    else:
        failure_outcome = "auditor_reject"
    return FailureDecision(
        failure_outcome=failure_outcome,
        skip_diagnostics=status == "TOKEN_ESCALATION",
        is_infra=status == "INFRA_RETRY",
    )


def consult_on_failure(
    executor,
    phase: dict[str, Any],
    *,
    attempt_index: int,
    category: str,
    status: str,
    error_text: str,
    is_infra: bool,
    retry_attempt: int,
    revision_epoch: int,
) -> tuple[bool, str] | None:
    """Collect diagnostics about a failed attempt, then consult the Doctor when it is due.

    Returns the attempt's outcome when the Doctor's action settles it; None when the Doctor is not
    due, gives no answer, or leaves the outcome to the retry counter.
    """
    diagnostics = executor._run_diagnostics(phase, attempt_index, category, status, error_text)
    if not executor._should_invoke_doctor(phase["phase_id"], attempt_index + 1, is_infra=is_infra):
        return None
    response = executor._invoke_doctor(
        phase,
        attempt_index=attempt_index,
        error_category=category,
        error_text=error_text,
        diagnostics=diagnostics,
    )
    if response is None:
        return None
    return executor._handle_doctor_action(
        phase,
        response,
        status=status,
        retry_attempt=retry_attempt,
        revision_epoch=revision_epoch,
    )


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
