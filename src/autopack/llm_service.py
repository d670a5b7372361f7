"""The LLM service the executor talks to: Builder and Auditor calls, replayed by default."""

from __future__ import annotations

import logging
from typing import Any

from autopack.llm_types import AuditorResult, BuilderResult
from autopack.replay import ReplayAuditor, ReplayBuilder

logger = logging.getLogger(__name__)


class LlmService:
    """Routes Builder and Auditor calls to their backends (the replay backends by default)."""

    def __init__(self, builder: ReplayBuilder, auditor: ReplayAuditor) -> None:
        self.builder = builder
        self.auditor = auditor

    @classmethod
    def from_plan(cls, plan: dict[str, Any]) -> LlmService:
        """Build a replay-backed service from the `replay` sections of the plan's phases."""
        builder_scripts: dict[str, list[Any]] = {}
        auditor_scripts: dict[str, list[dict[str, Any]]] = {}
        for phase in plan.get("phases", []):
            replay = phase.get("replay") or {}
            builder_scripts[phase["phase_id"]] = list(replay.get("builder") or [])
            auditor_scripts[phase["phase_id"]] = list(replay.get("auditor") or [])
        return cls(ReplayBuilder(builder_scripts), ReplayAuditor(auditor_scripts))

    def execute_builder_phase(
        self,
        *,
        phase_spec: dict[str, Any],
        file_context: dict[str, Any],
        max_tokens: int | None,
        use_full_file_mode: bool,
        attempt_index: int,
        run_context: dict[str, Any],
        run_hints: list[str] | None = None,
    ) -> BuilderResult:
        """Ask the Builder for a change to the phase; returns a BuilderResult, never raises for model errors."""
        context = dict(run_context)
        context["max_tokens"] = max_tokens
        result = self.builder.respond(
            phase_id=phase_spec["phase_id"],
            attempt_index=attempt_index,
            use_full_file_mode=use_full_file_mode,
            run_context=context,
        )
        logger.debug(
            "builder phase=%s attempt=%d full_file=%s files=%d success=%s",
            phase_spec["phase_id"],
            attempt_index + 1,
            use_full_file_mode,
            len(file_context.get("existing_files", {})),
            result.success,
        )
        return result

    def execute_auditor_review(
        self,
        *,
        phase_spec: dict[str, Any],
        patch_content: str,
        ci_result: dict[str, Any] | None,
        attempt_index: int,
    ) -> AuditorResult:
        """Ask the Auditor to review a change; returns its verdict and issues."""
        return self.auditor.review(phase_id=phase_spec["phase_id"], attempt_index=attempt_index)
