"""Special phases: which phase ids run through a dedicated batched handler, and which one.

The handler modules are imported when a special phase is first looked up, not with this module:
an ordinary phase never loads them. `handler_method` gives the executor a method per special phase
that runs it the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

Handler = Callable[..., tuple[bool, str]]
"""`handler(executor, *, phase, attempt_index, allowed_paths) -> (success, status)`."""


@dataclass(frozen=True)
class SpecialPhase:
    """A special phase's handler module."""

    module: ModuleType

    @property
    def name(self) -> str:
        """The handler module's own name (`batched_research_tracer_bullet`), as the log shows it."""
        return self.module.__name__.rsplit(".", 1)[-1]

    @property
    def handler(self) -> Handler:
        """The module's `execute`, looked up when the phase runs (as any `module.function()`
        call is), so that a patched or faked `execute` is the one called."""
        handler: Handler = self.module.execute
        return handler


SPECIAL_PHASE_IDS = frozenset(
    {
        "research-tracer-bullet",
        "research-gatherers-web-compilation",
        "diagnostics-handoff-bundle",
        "diagnostics-cursor-prompt",
        "diagnostics-second-opinion-triage",
        "diagnostics-deep-retrieval",
        "diagnostics-iteration-loop",
    }
)


@functools.cache
def special_phases() -> dict[str, SpecialPhase]:
    """Each special phase id and its handler module (imported on the first call)."""
    from autopack.executor.phase_handlers import (
        batched_diagnostics_cursor_prompt,
        batched_diagnostics_deep_retrieval,
        batched_diagnostics_handoff_bundle,
        batched_diagnostics_iteration_loop,
        batched_diagnostics_second_opinion,
        batched_research_gatherers_web_compilation,
        batched_research_tracer_bullet,
    )

    return {
        "research-tracer-bullet": SpecialPhase(batched_research_tracer_bullet),
        "research-gatherers-web-compilation": SpecialPhase(
            batched_research_gatherers_web_compilation
        ),
        "diagnostics-handoff-bundle": SpecialPhase(batched_diagnostics_handoff_bundle),
        "diagnostics-cursor-prompt": SpecialPhase(batched_diagnostics_cursor_prompt),
        "diagnostics-second-opinion-triage": SpecialPhase(batched_diagnostics_second_opinion),
        "diagnostics-deep-retrieval": SpecialPhase(batched_diagnostics_deep_retrieval),
        "diagnostics-iteration-loop": SpecialPhase(batched_diagnostics_iteration_loop),
    }


def special_phase(phase_id: str) -> SpecialPhase | None:
    """The special phase of a phase id (matched exactly), or None for an ordinary phase."""
    if phase_id not in SPECIAL_PHASE_IDS:
        return None
    return special_phases()[phase_id]


def handler_method(phase_id: str) -> Handler:
    """The executor method that runs the special phase `phase_id`, for binding in the executor's
    class body (`_execute_<name>_batched = handler_method("<phase id>")`).

    `executor.<method>(phase=..., attempt_index=..., allowed_paths=...)` calls the phase's handler
    `execute(executor, phase=..., attempt_index=..., allowed_paths=...)`, looked up at each call as
    the dispatch does (so the handler module is imported on first use, and a patched `execute` is
    the one called). Raises ValueError for a phase id that is not special.
    """
    if phase_id not in SPECIAL_PHASE_IDS:
        raise ValueError(
            f"{phase_id!r} is not a special phase id; use one of: "
            + ", ".join(sorted(SPECIAL_PHASE_IDS))
        )

    def run_special_phase(
        executor: object,
        *,
        phase: dict[str, object],
        attempt_index: int,
        allowed_paths: list[str] | None,
    ) -> tuple[bool, str]:
        return special_phases()[phase_id].handler(
            executor, phase=phase, attempt_index=attempt_index, allowed_paths=allowed_paths
        )

    run_special_phase.__doc__ = f"Run the special phase `{phase_id}` through its handler module."
    return run_special_phase
