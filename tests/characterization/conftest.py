"""Shared scaffolding for the executor's characterization scenarios.

`make_executor(real=[...], **attrs)` builds an `AutonomousExecutor` without running `__init__`
(through the `golden` recorder), keeps the named methods real, and fakes everything else: other
methods become fakes recorded as `self.<method>`, and every collaborator attribute is a strict fake
recorded under its own name (`llm_service.execute_builder_phase`, `doctor.diagnose`, ...). The run's
plain state (run id, workspace, counters, bookkeeping dicts) is real and read from a real executor
constructed in the scenario's workspace, with what `start()` leaves on top
(`_executor_state.scenario_state`, pinned by the construction seam); a scenario overrides any of it
through keyword arguments.

`run_db` is a real in-memory SQLite database (through SQLAlchemy, with the project's tables) for the
seams that write phase state: pass `_session_factory=run_db.session_factory` to `make_executor`, and
after `golden.call(...)` record what was written with `golden.observe("db", run_db.rows())`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from _executor_state import COLLABORATORS, RUN_ID, scenario_state
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from autopack.autonomous_executor import AutonomousExecutor
from autopack.db.models import (
    Base,
    LearningHint,
    PhaseError,
    PhaseRecord,
    RunRecord,
    TokenBudgetEscalationEvent,
)
from autopack.db.session import create_session_factory
from golden_harness import Recorder

__all__ = ["COLLABORATORS", "RUN_ID", "fresh_state"]


def fresh_state(golden: Recorder) -> dict[str, Any]:
    """The attributes `AutonomousExecutor.__init__` and `start()` leave, minus the collaborators:
    read from a real executor built in the scenario's workspace (see `_executor_state.py`)."""
    return scenario_state(golden.workspace)


MakeExecutor = Callable[..., AutonomousExecutor]


@pytest.fixture
def make_executor(golden: Recorder) -> MakeExecutor:
    """A builder of isolated executors: `make_executor(real=["execute_phase"], telemetry_enabled=False)`."""

    def build(*, real: list[str], **attrs: Any) -> AutonomousExecutor:
        state = fresh_state(golden)
        state.update({name: golden.fake(name) for name in COLLABORATORS})
        state.update(attrs)
        return golden.isolate(AutonomousExecutor, real=real, attrs=state)

    return build


# Columns that identify a row only by insertion order; left out so that goldens show content.
_SURROGATE_KEYS = {"id"}
_TABLES: tuple[type[Base], ...] = (
    RunRecord,
    PhaseRecord,
    PhaseError,
    LearningHint,
    TokenBudgetEscalationEvent,
)


class RunDatabase:
    """A real SQLite database with autopack's tables, and readers that turn its rows into plain data."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def add_run(self, run_id: str = RUN_ID) -> None:
        with self.session_factory() as session:
            session.add(RunRecord(run_id=run_id, state="RUNNING"))
            session.commit()

    def add_phase(self, phase_id: str, *, run_id: str = RUN_ID, **columns: Any) -> None:
        """Insert a phase row (the run row too, when missing); `columns` override the defaults."""
        with self.session_factory() as session:
            if session.get(RunRecord, run_id) is None:
                session.add(RunRecord(run_id=run_id, state="RUNNING"))
            session.add(PhaseRecord(run_id=run_id, phase_id=phase_id, **columns))
            session.commit()

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every non-empty table as a list of rows (plain dicts, columns in table order)."""
        tables: dict[str, list[dict[str, Any]]] = {}
        with self.session_factory() as session:
            for model in _TABLES:
                columns = [c.key for c in sa_inspect(model).columns if c.key not in _SURROGATE_KEYS]
                found = session.scalars(select(model).order_by(*sa_inspect(model).primary_key))
                rows = [{c: _plain(getattr(row, c)) for c in columns} for row in found]
                if rows:
                    tables[model.__tablename__] = rows
        return tables


def _plain(value: Any) -> Any:
    # SQLite drops the timezone of DateTime(timezone=True) columns; show the stored instant as text.
    return value.isoformat() if isinstance(value, datetime) else value


@pytest.fixture
def run_db() -> Iterator[RunDatabase]:
    """A fresh in-memory SQLite database with autopack's tables."""
    engine, factory = create_session_factory("sqlite://")
    try:
        yield RunDatabase(factory)
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def parameters_stay_unchanged(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a scenario that changes one of its parametrize values.

    A value in a `parametrize` list is built once, at collection, and shared by every run of the
    scenario in the process: a change would carry into the next run (a second pytest session in
    the same process would start from it). Values are compared by their `repr` before and after.
    """
    callspec = getattr(request.node, "callspec", None)
    params = dict(callspec.params) if callspec is not None else {}
    before = {name: repr(value) for name, value in params.items()}
    yield
    changed = {
        name: (text, repr(params[name]))
        for name, text in before.items()
        if repr(params[name]) != text
    }
    if changed:
        lines = "\n".join(f"  {name}: {old} -> {new}" for name, (old, new) in changed.items())
        pytest.fail(
            f"{request.node.nodeid} changed its parametrize value(s):\n{lines}\n"
            "Give the scenario a fresh value each run: a factory in the parametrize list "
            "(`pytest.param(lambda: {...}, id=...)`, called in the test) or a copy made in the test.",
            pytrace=False,
        )
