"""Database rows are redacted before they are written, on real SQLite: new and changed rows, every
text column but those that identify rows or hold autopack's own values."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from autopack.db import models
from autopack.db.row_redaction import redacted_columns
from autopack.db.run_plans import register_run_plan
from autopack.db.session import create_session_factory, default_database_url
from autopack.run_redaction import redacting_run
from golden_harness.redaction import REDACTED

SECRET = "s3" + "x" * 14


@pytest.fixture
def factory(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine, factory = create_session_factory(default_database_url(tmp_path))
    yield factory
    engine.dispose()


def stored(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    """Rows as SQLite holds them, read past SQLAlchemy."""
    conn = sqlite3.connect(tmp_path / ".autonomous_runs" / "autopack.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_new_rows_are_stored_redacted(tmp_path: Path, factory: sessionmaker[Session]) -> None:
    with redacting_run({"DB_PASS": SECRET}), factory() as session:
        session.add(models.RunRecord(run_id="r1", workspace=str(tmp_path)))
        session.flush()
        session.add(
            models.PhaseRecord(
                run_id="r1", phase_id="p1", last_failure_reason=f"CI_FAILED: login {SECRET}"
            )
        )
        session.add(
            models.PhaseError(
                run_id="r1",
                phase_id="p1",
                attempt_index=0,
                status="CI_FAILED",
                message=f"connect postgres://app:{'p' * 10}@db/prod",
            )
        )
        session.add(
            models.LearningHint(run_id="r1", phase_id="p1", hint_type="ci_fail", details=SECRET)
        )
        register_run_plan(
            session, "r1", {"phases": [{"phase_id": "p1", "ci": {"command": SECRET}}]}
        )
        session.commit()
    assert stored(tmp_path, "SELECT workspace FROM runs") == [(str(tmp_path),)]
    assert stored(tmp_path, "SELECT last_failure_reason FROM phases") == [
        (f"CI_FAILED: login {REDACTED}",)
    ]
    assert stored(tmp_path, "SELECT message FROM phase_errors") == [
        (f"connect postgres://app:{REDACTED}@db/prod",)
    ]
    assert stored(tmp_path, "SELECT details FROM learning_hints") == [(REDACTED,)]
    ((plan_json,),) = stored(tmp_path, "SELECT plan_json FROM run_plans")
    assert SECRET not in plan_json
    assert f'"command": "{REDACTED}"' in plan_json


def test_changed_rows_are_stored_redacted(tmp_path: Path, factory: sessionmaker[Session]) -> None:
    with factory() as session:
        session.add(models.RunRecord(run_id="r1"))
        session.flush()
        session.add(models.PhaseRecord(run_id="r1", phase_id="p1"))
        session.commit()
    with redacting_run({"DB_PASS": SECRET}), factory() as session:
        row = session.query(models.PhaseRecord).one()
        row.last_failure_reason = f"EXCEPTION: {SECRET}"
        session.commit()
    assert stored(tmp_path, "SELECT last_failure_reason FROM phases") == [
        (f"EXCEPTION: {REDACTED}",)
    ]


def test_autopacks_own_values_and_ids_are_kept_even_when_a_secret_equals_them(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    # A secret value is replaced wherever it appears; a state or an id must not be.
    with redacting_run({"DB_PASS": "COMPLETE", "API_TOKEN": "phase-one"}), factory() as session:
        session.add(models.RunRecord(run_id="r1", state="COMPLETE"))
        session.flush()
        session.add(
            models.PhaseRecord(
                run_id="r1", phase_id="phase-one", state="COMPLETE", last_failure_reason="COMPLETE"
            )
        )
        session.commit()
    assert stored(tmp_path, "SELECT state FROM runs") == [("COMPLETE",)]
    assert stored(tmp_path, "SELECT phase_id, state, last_failure_reason FROM phases") == [
        ("phase-one", "COMPLETE", REDACTED)
    ]


def test_every_text_column_is_redacted_unless_it_identifies_a_row_or_is_autopacks_own() -> None:
    # A new text column is redacted unless a key or marked VERBATIM: this list makes it a choice.
    assert {
        model.__tablename__: redacted_columns(model) for model in models.Base.__subclasses__()
    } == {
        "runs": ("plan_path", "workspace", "checkpoint_branch"),
        "phases": ("name", "last_failure_reason"),
        "token_budget_escalation_events": (),
        "phase_errors": ("error_type", "message"),
        "learning_hints": ("details",),
        "run_plans": ("plan_json",),
    }
