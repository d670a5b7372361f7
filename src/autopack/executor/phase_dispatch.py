"""Special phases: which phase ids run through a dedicated batched handler method."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SPECIAL_PHASE_METHODS: dict[str, str] = {
    "research-tracer-bullet": "_execute_research_tracer_bullet_batched",
    "research-gatherers-web-compilation": "_execute_research_gatherers_web_compilation_batched",
    "diagnostics-handoff-bundle": "_execute_diagnostics_handoff_bundle_batched",
    "diagnostics-cursor-prompt": "_execute_diagnostics_cursor_prompt_batched",
    "diagnostics-second-opinion-triage": "_execute_diagnostics_second_opinion_batched",
    "diagnostics-deep-retrieval": "_execute_diagnostics_deep_retrieval_batched",
    "diagnostics-iteration-loop": "_execute_diagnostics_iteration_loop_batched",
}


def resolve_special_phase_method(
    executor: Any, phase_id: str
) -> Callable[..., tuple[bool, str]] | None:
    """Return the executor's bound handler for a special phase id, or None for ordinary phases."""
    method_name = SPECIAL_PHASE_METHODS.get(phase_id)
    if method_name is None:
        return None
    return getattr(executor, method_name, None)
