"""Delegation checks for the thin wrappers the moves leave on `AutonomousExecutor`."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from autopack.autonomous_executor import AutonomousExecutor


def make_executor(tmp_path: Any) -> AutonomousExecutor:
    """A real executor on an empty plan: constructing one does no I/O."""
    return AutonomousExecutor(run_id="run-wrapper", workspace=tmp_path, plan={"phases": []})


def assert_handler_wrapper_delegates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, module: ModuleType, method: str
) -> None:
    """`AutonomousExecutor.<method>` returns what `module.execute` returns and passes it the
    executor and every argument, unchanged, by keyword."""
    executor = make_executor(tmp_path)
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    sentinel = (False, "SENTINEL")

    def recording_execute(*args: Any, **kwargs: Any) -> tuple[bool, str]:
        calls.append((args, kwargs))
        return sentinel

    monkeypatch.setattr(module, "execute", recording_execute)
    phase = {"phase_id": "p", "deliverables": ["docs/x.md"]}
    allowed = ["docs/"]

    result = getattr(executor, method)(phase=phase, attempt_index=3, allowed_paths=allowed)

    assert result is sentinel
    assert len(calls) == 1
    args, kwargs = calls[0]
    assert len(args) == 1
    assert args[0] is executor
    assert kwargs.keys() == {"phase", "attempt_index", "allowed_paths"}
    assert kwargs["phase"] is phase
    assert kwargs["attempt_index"] == 3
    assert kwargs["allowed_paths"] is allowed
