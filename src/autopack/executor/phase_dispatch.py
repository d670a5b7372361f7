"""Special phases: which phase ids run through a dedicated batched handler, and which one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from autopack.executor.phase_handlers import (
    batched_diagnostics_cursor_prompt,
    batched_diagnostics_deep_retrieval,
    batched_diagnostics_handoff_bundle,
    batched_diagnostics_iteration_loop,
    batched_diagnostics_second_opinion,
    batched_research_gatherers_web_compilation,
    batched_research_tracer_bullet,
)

Handler = Callable[..., tuple[bool, str]]
"""`handler(executor, *, phase, attempt_index, allowed_paths) -> (success, status)`."""


@dataclass(frozen=True)
class SpecialPhase:
    """A special phase's handler module, and the name the dispatch log gives its handler."""

    module: ModuleType
    label: str

    @property
    def handler(self) -> Handler:
        """The module's `execute`, looked up when the phase runs (as any `module.function()`
        call is), so that a patched or faked `execute` is the one called."""
        handler: Handler = self.module.execute
        return handler


SPECIAL_PHASES: dict[str, SpecialPhase] = {
    "research-tracer-bullet": SpecialPhase(
        batched_research_tracer_bullet, "_execute_research_tracer_bullet_batched"
    ),
    "research-gatherers-web-compilation": SpecialPhase(
        batched_research_gatherers_web_compilation,
        "_execute_research_gatherers_web_compilation_batched",
    ),
    "diagnostics-handoff-bundle": SpecialPhase(
        batched_diagnostics_handoff_bundle, "_execute_diagnostics_handoff_bundle_batched"
    ),
    "diagnostics-cursor-prompt": SpecialPhase(
        batched_diagnostics_cursor_prompt, "_execute_diagnostics_cursor_prompt_batched"
    ),
    "diagnostics-second-opinion-triage": SpecialPhase(
        batched_diagnostics_second_opinion, "_execute_diagnostics_second_opinion_batched"
    ),
    "diagnostics-deep-retrieval": SpecialPhase(
        batched_diagnostics_deep_retrieval, "_execute_diagnostics_deep_retrieval_batched"
    ),
    "diagnostics-iteration-loop": SpecialPhase(
        batched_diagnostics_iteration_loop, "_execute_diagnostics_iteration_loop_batched"
    ),
}


def special_phase(phase_id: str) -> SpecialPhase | None:
    """The special phase of a phase id (matched exactly), or None for an ordinary phase."""
    return SPECIAL_PHASES.get(phase_id)
