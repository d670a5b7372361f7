"""The state of an `AutonomousExecutor`, read from a real one: what `__init__` leaves, described.

`constructed_state(executor)` describes every attribute of an executor in the order `__init__`
set it: plain values as they are (paths as paths, lists and dicts item by item), a collaborator
as a mapping of its class and its attributes (described the same way, three levels deep), a
fake of the scenario as itself. The construction seam (`test_construction.py`) records it for
executors built from several plans and keyword arguments.

`scenario_state(workspace)` is the starting state of every other scenario's executor: the plain
attributes of a real executor built for run `RUN_ID` with an empty plan (so it cannot drift from
`__init__`: the construction seam pins it), with what `start()` leaves on top (`STARTED`).
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

from autopack.autonomous_executor import AutonomousExecutor

RUN_ID = "run-char"

COLLABORATORS = (
    "llm_service",
    "manifest_generator",
    "quality_gate",
    "doctor",
    "diagnostics_agent",
    "model_router",
    "notifier",
    "approval_channel",
    "_session_factory",
    "engine",
)
"""The attributes that hold collaborators (the last two set by `start()`): scenarios fake them."""

STARTED = {
    "_started": True,
    "_run_checkpoint_branch": "main",
    "_run_checkpoint_commit": "0123456789abcdef0123456789abcdef01234567",
}
"""What `start()` leaves besides the database: the executor started, its run checkpoint taken."""

_PLAIN = (type(None), bool, int, float, str, Path)
_DEPTH = 3


def scenario_executor(workspace: Path) -> AutonomousExecutor:
    """The real executor scenarios start from: run `RUN_ID`, an empty plan, in `workspace`."""
    return AutonomousExecutor(run_id=RUN_ID, workspace=workspace, plan={"phases": []})


def scenario_state(workspace: Path) -> dict[str, Any]:
    """The plain attributes of `scenario_executor(workspace)`, then `STARTED`."""
    state = {
        name: value
        for name, value in vars(scenario_executor(workspace)).items()
        if name not in COLLABORATORS
    }
    state.update(STARTED)
    return state


def constructed_state(executor: AutonomousExecutor) -> dict[str, Any]:
    """Every attribute of `executor`, in the order it was set, described (see the module doc)."""
    return {name: _describe(value, _DEPTH) for name, value in vars(executor).items()}


def _describe(value: Any, depth: int) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if type(value).__module__.startswith("golden_harness"):
        return value  # a fake the scenario injected: recorded as itself
    if isinstance(value, collections.defaultdict):
        return {"default": value.default_factory, "items": _describe(dict(value), depth)}
    if isinstance(value, dict):
        return {key: _describe(item, depth) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_describe(item, depth) for item in value]
    if depth == 0:
        return {"class": type(value)}
    return {
        "class": type(value),
        **{name: _describe(item, depth - 1) for name, item in vars(value).items()},
    }
