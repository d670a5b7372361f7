"""The Builder stage of an attempt: the Builder's mode, its call (with the structured-edit fallback),
and the status a failed call gives the attempt (an infra error, a token-budget escalation, a
plain failure).

Model selection is the model router's (`executor.model_router.select_model("builder")`); this
module only reads its answer.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from autopack.executor import provider_disable
from autopack.executor.models import PhaseSpec
from autopack.executor.token_budget_events import (
    escalate_token_budget,
)

# Builder mode selection: a context of this many files or more uses structured edits; a file of
# more lines than the limit stays in the context read-only.
STRUCTURED_EDIT_FILE_THRESHOLD = 30
FULL_FILE_LINE_LIMIT = 1000

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuilderOutcome:
    """The Builder stage of an attempt: the Builder's result, `"COMPLETE"` or the status the attempt
    fails with (`INFRA_RETRY`, `TOKEN_ESCALATION`, `FAILED`), and whether the result is full-file
    content (else structured edits, which the apply renders from the edit plan)."""

    builder_result: Any
    status: str
    full_file_mode: bool


def run_builder_stage(
    *, executor: Any, phase: PhaseSpec, attempt_index: int, file_context: dict[str, Any]
) -> BuilderOutcome:
    """Choose the Builder's mode, call it (once more with structured edits after a format or
    truncation error), and turn a failed call into the attempt's status: an infra error (counted
    against its provider), a token-budget escalation, or a plain failure.

    Over-limit files of `file_context` are marked read-only in place. Reads from the executor:
    `run_id`, `llm_service`, `model_router`, `telemetry_enabled`, `_session_factory`,
    `_learning_hints`; writes `_last_builder_model_by_phase` and `_last_error_by_phase`.
    """
    phase_id = phase.phase_id
    builder_mode = phase.builder_mode
    context_file_count = len(file_context.get("existing_files") or {})
    use_full_file_mode = True
    if builder_mode == "structured_edit":
        use_full_file_mode = False
        logger.info("Phase %s requests structured edits", phase_id)
    elif context_file_count >= STRUCTURED_EDIT_FILE_THRESHOLD:
        use_full_file_mode = False
        logger.info(
            "Phase %s context holds %d files (>= %d); using structured edits",
            phase_id,
            context_file_count,
            STRUCTURED_EDIT_FILE_THRESHOLD,
        )
    over_limit = sorted(
        path
        for path, content in (file_context.get("existing_files") or {}).items()
        if len(content.splitlines()) > FULL_FILE_LINE_LIMIT
    )
    if over_limit:
        read_only = list(file_context.get("read_only_files") or [])
        for path in over_limit:
            if path not in read_only:
                read_only.append(path)
        file_context["read_only_files"] = read_only
        logger.info(
            "Phase %s: %d file(s) over %d lines stay in context read-only: %s",
            phase_id,
            len(over_limit),
            FULL_FILE_LINE_LIMIT,
            ", ".join(over_limit),
        )

    max_tokens = phase.escalated_tokens
    if max_tokens:
        logger.info("Phase %s builder call uses escalated max_tokens=%d", phase_id, max_tokens)
    run_context = {
        "run_id": executor.run_id,
        "revision_epoch": phase.revision_epoch,
        "doctor_hint": phase.doctor_hint,
        "model": executor.model_router.select_model("builder"),
    }
    run_hints = list(executor._learning_hints[-5:])

    def call_builder(full_file_mode: bool) -> Any:
        """One Builder call of this attempt; the structured-edit retry differs only in the mode."""
        return executor.llm_service.execute_builder_phase(
            phase_spec=phase.raw,
            file_context=file_context,
            max_tokens=max_tokens,
            use_full_file_mode=full_file_mode,
            attempt_index=attempt_index,
            run_context=run_context,
            run_hints=run_hints,
        )

    builder_result = call_builder(use_full_file_mode)

    if not builder_result.success and use_full_file_mode:
        error_lower = (builder_result.error or "").lower()
        format_markers = (
            "full-file parse failed",
            "output truncated",
            "stop_reason=max_tokens",
            "no diff markers",
        )
        if any(marker in error_lower for marker in format_markers):
            logger.warning(
                "Builder output for %s could not be used (%s); retrying once with structured edits",
                phase_id,
                builder_result.error,
            )
            use_full_file_mode = False
            builder_result = call_builder(use_full_file_mode)

    model_used = (builder_result.metadata or {}).get("model") or run_context["model"] or ""
    if model_used:
        executor._last_builder_model_by_phase[phase_id] = model_used

    if not builder_result.success:
        error_lower = (builder_result.error or "").lower()
        is_infra_error = (
            "connection error" in error_lower
            or "timeout" in error_lower
            or "timed out" in error_lower
            or re.search(r"\b(http|status)[ :]*5\d\d\b", error_lower) is not None
        )
        if is_infra_error:
            provider_disable.note_infra_error(
                executor=executor,
                phase_id=phase_id,
                model_used=model_used,
                error=builder_result.error,
            )
            executor._last_error_by_phase[phase_id] = builder_result.error or "infra error"
            return BuilderOutcome(builder_result, "INFRA_RETRY", use_full_file_mode)

    if not builder_result.success:
        executor._last_error_by_phase[phase_id] = builder_result.error or "builder failed"

        # golden-seam: token_budget_escalation
        token_budget = (builder_result.metadata or {}).get("token_budget")
        if token_budget and escalate_token_budget(
            executor=executor,
            phase=phase,
            builder_result=builder_result,
            attempt_index=attempt_index,
            token_budget=token_budget,
            output_utilization=token_budget.get("output_utilization"),
        ):
            return BuilderOutcome(builder_result, "TOKEN_ESCALATION", use_full_file_mode)
        # golden-seam-end: token_budget_escalation

        logger.error(
            "Builder failed for %s attempt %d: %s",
            phase_id,
            attempt_index + 1,
            builder_result.error,
        )
        return BuilderOutcome(builder_result, "FAILED", use_full_file_mode)
    return BuilderOutcome(builder_result, "COMPLETE", use_full_file_mode)
