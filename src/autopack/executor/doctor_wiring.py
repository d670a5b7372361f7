"""The Doctor's wiring: whether it may be consulted, the request built from the failure, the call,
and what its answer makes the executor do.

Read from the executor: the Doctor budget counters `_doctor_calls_by_phase`, `_run_doctor_calls`,
`_run_total_failures`, the replan counters `_replans_by_phase`, `_run_replan_count` (the call
and replan counters are advanced here), `_last_builder_model_by_phase`, `doctor`,
`model_router` and `run_id`; the actions call its `_mark_phase_failed_in_db`,
`_update_phase_attempts_in_db`, `_rollback_to_run_checkpoint` and `_execute_fix`.
"""

from __future__ import annotations

import logging
from typing import Any

from autopack.executor.retry_policy import MAX_TOTAL_FAILURES_PER_RUN

# Doctor budget: calls per phase and per run; and how many builder attempts a non-infra
# failure needs before the Doctor is consulted.
MAX_DOCTOR_CALLS_PER_PHASE = 2
MAX_DOCTOR_CALLS_PER_RUN = 10
MIN_BUILDER_ATTEMPTS_FOR_DOCTOR = 2
MAX_REPLANS_PER_PHASE = 1
MAX_REPLANS_PER_RUN = 5

logger = logging.getLogger(__name__)


def should_invoke_doctor(executor, phase_id: str, builder_attempts: int, *, is_infra: bool) -> bool:
    """True when the Doctor may be consulted: within its caps, and after enough builder attempts."""
    phase_calls = executor._doctor_calls_by_phase.get(phase_id, 0)
    if phase_calls >= MAX_DOCTOR_CALLS_PER_PHASE:
        logger.info(
            "Doctor not consulted for %s: %d/%d calls used for this phase",
            phase_id,
            phase_calls,
            MAX_DOCTOR_CALLS_PER_PHASE,
        )
        return False
    if executor._run_doctor_calls >= MAX_DOCTOR_CALLS_PER_RUN:
        logger.info(
            "Doctor not consulted for %s: %d/%d calls used in this run",
            phase_id,
            executor._run_doctor_calls,
            MAX_DOCTOR_CALLS_PER_RUN,
        )
        return False
    if not is_infra and builder_attempts < MIN_BUILDER_ATTEMPTS_FOR_DOCTOR:
        logger.info(
            "Doctor not consulted for %s: %d builder attempt(s), needs %d",
            phase_id,
            builder_attempts,
            MIN_BUILDER_ATTEMPTS_FOR_DOCTOR,
        )
        return False
    return True


def invoke_doctor(
    executor,
    phase: dict[str, Any],
    *,
    attempt_index: int,
    error_category: str,
    error_text: str,
    diagnostics: Any,
) -> Any:
    """Build a DoctorRequest, count the call against the caps, and return the Doctor's response."""
    from autopack.doctor import DoctorRequest
    from autopack.model_router import provider_for_model

    phase_id = phase["phase_id"]
    executor._doctor_calls_by_phase[phase_id] = executor._doctor_calls_by_phase.get(phase_id, 0) + 1
    executor._run_doctor_calls += 1
    model = executor._last_builder_model_by_phase.get(phase_id)
    request = DoctorRequest(
        phase_id=phase_id,
        error_category=error_category,
        builder_attempts=attempt_index + 1,
        last_error=error_text,
        diagnostics_summary=getattr(diagnostics, "summary", "") if diagnostics else "",
        untracked_files=list(getattr(diagnostics, "untracked_files", []) or []),
        modified_files=list(getattr(diagnostics, "modified_files", []) or []),
        provider=provider_for_model(model) if model else None,
        health_budget={
            "total_failures": executor._run_total_failures,
            "total_cap": MAX_TOTAL_FAILURES_PER_RUN,
            "doctor_calls_phase": executor._doctor_calls_by_phase[phase_id],
            "doctor_calls_run": executor._run_doctor_calls,
        },
    )
    try:
        response = executor.doctor.diagnose(request)
    except Exception as exc:
        logger.warning("Doctor failed for %s: %s: %s", phase_id, type(exc).__name__, exc)
        return None
    logger.info(
        "Doctor for %s (call %d/%d, run %d/%d): action=%s confidence=%.2f rationale=%s",
        phase_id,
        executor._doctor_calls_by_phase[phase_id],
        MAX_DOCTOR_CALLS_PER_PHASE,
        executor._run_doctor_calls,
        MAX_DOCTOR_CALLS_PER_RUN,
        response.action,
        response.confidence,
        response.rationale,
    )
    return response


def handle_doctor_action(
    executor,
    phase: dict[str, Any],
    response: Any,
    *,
    status: str,
    retry_attempt: int,
    revision_epoch: int,
) -> tuple[bool, str] | None:
    """Carry out the Doctor's action; returns the attempt's result, or None to retry as usual."""
    phase_id = phase["phase_id"]
    for provider in response.disable_providers or []:
        executor.model_router.disable_provider(provider, reason="doctor")
        logger.warning("Doctor disabled provider %s for run %s", provider, executor.run_id)
    if response.hint:
        phase["_doctor_hint"] = response.hint
    action = response.action

    if action == "retry_with_fix":
        logger.info("Doctor: retry %s with hint: %s", phase_id, response.hint)
        return None

    if action in ("skip_phase", "mark_fatal"):
        logger.warning("Doctor: %s for %s after %s", action, phase_id, status)
        executor._mark_phase_failed_in_db(phase_id, f"DOCTOR_SKIP: {status}")
        return False, "FAILED"

    if action == "replan":
        phase_replans = executor._replans_by_phase.get(phase_id, 0)
        if (
            phase_replans >= MAX_REPLANS_PER_PHASE
            or executor._run_replan_count >= MAX_REPLANS_PER_RUN
        ):
            logger.warning(
                "Doctor asked to replan %s, but the replan cap is reached (phase %d/%d, run %d/%d)",
                phase_id,
                phase_replans,
                MAX_REPLANS_PER_PHASE,
                executor._run_replan_count,
                MAX_REPLANS_PER_RUN,
            )
            return None
        executor._replans_by_phase[phase_id] = phase_replans + 1
        executor._run_replan_count += 1
        executor._update_phase_attempts_in_db(
            phase_id, revision_epoch=revision_epoch + 1, last_failure_reason="DOCTOR_REPLAN"
        )
        logger.info(
            "Doctor: replan %s (revision_epoch %d -> %d)",
            phase_id,
            revision_epoch,
            revision_epoch + 1,
        )
        return False, "REPLAN_REQUESTED"

    if action == "rollback_run":
        ok, error = executor._rollback_to_run_checkpoint(
            f"doctor_rollback_run: {phase_id} {status}"
        )
        if ok:
            logger.warning("Doctor: rolled back run %s to its checkpoint", executor.run_id)
        else:
            logger.error("Doctor: rollback of run %s failed: %s", executor.run_id, error)
        return None

    if action == "execute_fix":
        ran = executor._execute_fix(phase, list(response.fix_commands or []))
        logger.info("Doctor: execute_fix for %s ran %d command(s)", phase_id, ran)
        return None

    logger.warning("Doctor returned unknown action %r for %s; retrying as usual", action, phase_id)
    return None
