"""Special-phase dispatch table: phase ids to handler modules, looked up when the phase runs."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest

from autopack.autonomous_executor import AutonomousExecutor
from autopack.executor import phase_dispatch
from autopack.executor.phase_dispatch import (
    SPECIAL_PHASE_IDS,
    SpecialPhase,
    handler_method,
    special_phase,
    special_phases,
)
from autopack.executor.phase_handlers import batched_diagnostics_deep_retrieval


def test_every_special_phase_has_a_handler_module_with_execute() -> None:
    assert (
        sorted(special_phases())
        == sorted(SPECIAL_PHASE_IDS)
        == [
            "diagnostics-cursor-prompt",
            "diagnostics-deep-retrieval",
            "diagnostics-handoff-bundle",
            "diagnostics-iteration-loop",
            "diagnostics-second-opinion-triage",
            "research-gatherers-web-compilation",
            "research-tracer-bullet",
        ]
    )
    modules = [special.module for special in special_phases().values()]
    assert len(set(modules)) == len(modules)
    for special in special_phases().values():
        assert special.handler is special.module.execute


def test_the_name_is_the_handler_module_and_the_executor_has_a_method_for_it() -> None:
    """Each handler keeps an executor method `_execute_<name>_batched` for its callers (the
    `test_executor_phase_handler_*_wrapper` tests call each one and see its module's `execute`)."""
    for special in special_phases().values():
        assert special.name == special.module.__name__.removeprefix(
            "autopack.executor.phase_handlers."
        )
        method_name = "_execute_" + special.name.removeprefix("batched_") + "_batched"
        assert callable(getattr(AutonomousExecutor, method_name))


def test_a_handler_method_is_only_made_for_a_special_phase() -> None:
    with pytest.raises(ValueError, match=r"'ordinary' is not a special phase id; use one of: "):
        handler_method("ordinary")


def test_a_handler_method_runs_the_handler_looked_up_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    method = handler_method("diagnostics-deep-retrieval")
    calls: list[tuple[object, dict[str, object]]] = []

    def replacement(executor: object, **kwargs: object) -> tuple[bool, str]:
        calls.append((executor, kwargs))
        return True, "REPLACED"

    monkeypatch.setattr(batched_diagnostics_deep_retrieval, "execute", replacement)
    owner = object()
    phase = {"phase_id": "diagnostics-deep-retrieval"}

    assert method(owner, phase=phase, attempt_index=1, allowed_paths=["docs/"]) == (
        True,
        "REPLACED",
    )
    assert calls == [(owner, {"phase": phase, "attempt_index": 1, "allowed_paths": ["docs/"]})]


@pytest.mark.parametrize(
    "phase_id", ["ordinary-phase", "Diagnostics-Deep-Retrieval", " diagnostics-deep-retrieval", ""]
)
def test_only_exact_ids_are_special(phase_id: str) -> None:
    assert special_phase(phase_id) is None


def test_the_handler_is_looked_up_when_the_phase_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    special = special_phase("diagnostics-deep-retrieval")
    assert special is not None
    assert special.module is batched_diagnostics_deep_retrieval

    def replacement(executor: object, **kwargs: object) -> tuple[bool, str]:
        return True, "REPLACED"

    monkeypatch.setattr(batched_diagnostics_deep_retrieval, "execute", replacement)
    assert special.handler is replacement


def test_a_table_entry_calls_its_module_execute() -> None:
    calls: list[tuple[object, dict[str, object]]] = []

    def execute(executor: object, **kwargs: object) -> tuple[bool, str]:
        calls.append((executor, kwargs))
        return False, "BLOCKED"

    entry = SpecialPhase(SimpleNamespace(__name__="pkg.handler", execute=execute))  # type: ignore[arg-type]
    owner = object()
    assert entry.handler(owner, phase={"phase_id": "p"}, attempt_index=2, allowed_paths=None) == (
        False,
        "BLOCKED",
    )
    assert calls == [
        (owner, {"phase": {"phase_id": "p"}, "attempt_index": 2, "allowed_paths": None})
    ]
    assert entry.name == "handler"
    assert phase_dispatch.special_phase("p") is None


def test_importing_the_executor_loads_no_special_phase_handler() -> None:
    code = (
        "import sys, autopack.autonomous_executor\n"
        "from autopack.executor.phase_dispatch import SPECIAL_PHASE_IDS, special_phases\n"
        "loaded = set(sys.modules)\n"
        "handlers = {s.module.__name__ for s in special_phases().values()}\n"
        "assert len(handlers) == len(SPECIAL_PHASE_IDS)\n"
        "assert not handlers & loaded, sorted(handlers & loaded)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_the_dispatch_table_loads_no_handler_module() -> None:
    code = (
        "import sys, autopack.executor.phase_dispatch as d\n"
        "loaded = [m for m in sys.modules if m.startswith('autopack.executor.phase_handlers.')]\n"
        "assert loaded == [], loaded\n"
        "assert d.special_phase('ordinary') is None\n"
        "assert not [m for m in sys.modules if m.startswith('autopack.executor.phase_handlers.')]\n"
        "assert d.special_phase('diagnostics-deep-retrieval') is not None\n"
        "assert 'autopack.executor.phase_handlers.batched_diagnostics_deep_retrieval' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
