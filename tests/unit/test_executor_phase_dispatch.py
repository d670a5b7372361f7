"""Special-phase dispatch table."""

from __future__ import annotations

from autopack.autonomous_executor import AutonomousExecutor
from autopack.executor.phase_dispatch import SPECIAL_PHASE_METHODS, resolve_special_phase_method


def test_every_special_phase_maps_to_an_executor_method() -> None:
    assert sorted(SPECIAL_PHASE_METHODS) == [
        "diagnostics-cursor-prompt",
        "diagnostics-deep-retrieval",
        "diagnostics-handoff-bundle",
        "diagnostics-iteration-loop",
        "diagnostics-second-opinion-triage",
        "research-gatherers-web-compilation",
        "research-tracer-bullet",
    ]
    for method in SPECIAL_PHASE_METHODS.values():
        assert callable(getattr(AutonomousExecutor, method))


def test_resolve_returns_the_bound_method_or_none() -> None:
    class Owner:
        def _execute_diagnostics_deep_retrieval_batched(self) -> str:
            return "handled"

    owner = Owner()
    assert resolve_special_phase_method(owner, "diagnostics-deep-retrieval")() == "handled"
    assert resolve_special_phase_method(owner, "research-tracer-bullet") is None
    assert resolve_special_phase_method(owner, "ordinary-phase") is None
