"""Run database: engine creation on real SQLite, and the non-creating probe."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from autopack.db import Base, PhaseRecord, PhaseState, RunRecord
from autopack.db.identity import AUTOPACK_APPLICATION_ID, SCHEMA_VERSION, plan_digest, safe_url
from autopack.db.run_plans import register_run_plan
from autopack.db.session import create_session_factory, default_database_url, probe_database
from autopack.exceptions import DatabaseError, PlanError


def test_default_url_is_under_the_runs_folder(tmp_path: Path) -> None:
    url = default_database_url(tmp_path)
    assert url == f"sqlite:///{tmp_path}/.autonomous_runs/autopack.db"


def test_create_session_factory_creates_file_tables_and_round_trips(tmp_path: Path) -> None:
    url = default_database_url(tmp_path)
    engine, factory = create_session_factory(url)
    try:
        assert (tmp_path / ".autonomous_runs" / "autopack.db").is_file()
        with factory() as session:
            session.add(RunRecord(run_id="r1", state="RUNNING", started_at=datetime.now(UTC)))
            session.add(PhaseRecord(run_id="r1", phase_id="p1", state=PhaseState.QUEUED))
            session.commit()
        with factory() as session:
            row = session.scalars(select(PhaseRecord)).one()
        assert (row.phase_id, row.state, row.retry_attempt, row.revision_epoch) == (
            "p1",
            "QUEUED",
            0,
            0,
        )
    finally:
        engine.dispose()


def test_probe_accepts_a_new_file_in_an_existing_directory(tmp_path: Path) -> None:
    probe_database(f"sqlite:///{tmp_path}/new.db")
    assert not (tmp_path / "new.db").exists()


def test_probe_accepts_an_existing_database(tmp_path: Path) -> None:
    engine, _ = create_session_factory(f"sqlite:///{tmp_path}/x.db")
    engine.dispose()
    probe_database(f"sqlite:///{tmp_path}/x.db")


def test_probe_allows_a_missing_parent_only_when_it_will_be_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing/x.db"
    with pytest.raises(DatabaseError, match=r"directory .*missing.* does not exist"):
        probe_database(url)
    probe_database(url, will_create_parent=True)
    assert not (tmp_path / "missing").exists()


def test_probe_refuses_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database, " * 100)
    with pytest.raises(DatabaseError, match="file is not a database"):
        probe_database(f"sqlite:///{bad}")


def test_probe_refuses_a_directory_and_a_malformed_url(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        probe_database(f"sqlite:///{tmp_path}")
    with pytest.raises(DatabaseError, match="not a database URL"):
        probe_database("not a url at all")


# -- which files are autopack's ----------------------------------------------------------------


def foreign_db(path: Path, *, application_id: int = 0) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    if application_id:
        conn.execute(f"PRAGMA application_id = {application_id}")
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("application_id", "named"),
    [(0, "tables customers"), (0x12345678, "application_id 0x12345678")],
)
def test_another_applications_file_is_refused_before_anything_is_written(
    tmp_path: Path, application_id: int, named: str
) -> None:
    path = tmp_path / "other.db"
    before = foreign_db(path, application_id=application_id)
    url = f"sqlite:///{path}"
    with pytest.raises(DatabaseError, match=rf"belongs to another application \({named}\)"):
        probe_database(url)
    with pytest.raises(DatabaseError, match="belongs to another application"):
        create_session_factory(url)
    assert path.read_bytes() == before


def test_a_new_database_is_stamped_with_autopacks_id_and_version(tmp_path: Path) -> None:
    engine, _ = create_session_factory(f"sqlite:///{tmp_path}/x.db")
    engine.dispose()
    conn = sqlite3.connect(tmp_path / "x.db")
    ids = (
        conn.execute("PRAGMA application_id").fetchone()[0],
        conn.execute("PRAGMA user_version").fetchone()[0],
    )
    conn.close()
    assert ids == (AUTOPACK_APPLICATION_ID, SCHEMA_VERSION)


def test_an_unstamped_autopack_database_is_accepted_and_stamped(tmp_path: Path) -> None:
    """A database written before autopack stamped its files: its tables, no id, no run_plans."""
    path = tmp_path / "old.db"
    legacy = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(
        legacy, tables=[t for t in Base.metadata.sorted_tables if t.name != "run_plans"]
    )
    with legacy.begin() as connection:
        connection.exec_driver_sql("INSERT INTO runs (run_id, state) VALUES ('r1', 'COMPLETE')")
    legacy.dispose()
    probe_database(f"sqlite:///{path}")
    engine, factory = create_session_factory(f"sqlite:///{path}")
    try:
        with factory() as session:
            assert session.get(RunRecord, "r1") is not None
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == AUTOPACK_APPLICATION_ID
    conn.close()


def test_a_database_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {AUTOPACK_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE runs (run_id TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this autopack"):
        probe_database(f"sqlite:///{path}")


@pytest.mark.parametrize(
    "url",
    ["postgresql://ada:s3cret@127.0.0.1:1/runs", "mysql://ada:s3cret@127.0.0.1:1/x"],
)
def test_errors_hide_the_password_of_the_url(url: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        probe_database(url)
    assert "s3cret" not in str(caught.value)
    assert "ada:***@" in str(caught.value)


def test_safe_url_hides_passwords_even_in_urls_sqlalchemy_cannot_parse() -> None:
    assert safe_url("postgresql://ada:s3cret@db/runs") == "postgresql://ada:***@db/runs"
    assert safe_url("not a url://ada:s3cret@db") == "not a url://ada:***@db"
    assert safe_url("sqlite:///x.db") == "sqlite:///x.db"


# -- the plan of a run -------------------------------------------------------------------------


def test_a_run_id_reused_with_another_plan_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    plan = {"phases": [{"phase_id": "a"}]}
    engine, factory = create_session_factory(url)
    try:
        with factory() as session:
            session.add(RunRecord(run_id="r1", state="RUNNING"))
            session.flush()
            register_run_plan(session, "r1", plan)
            session.commit()
        with factory() as session:
            register_run_plan(session, "r1", {"phases": [{"phase_id": "a"}]})
            with pytest.raises(PlanError, match="run id 'r1' was started with a different plan"):
                register_run_plan(session, "r1", {"phases": [{"phase_id": "b"}]})
    finally:
        engine.dispose()
    probe_database(url, run_id="r1", plan_digest=plan_digest(plan))
    probe_database(url, run_id="r2", plan_digest=plan_digest({"phases": []}))
    with pytest.raises(PlanError, match="different plan"):
        probe_database(url, run_id="r1", plan_digest=plan_digest({"phases": []}))


def test_the_plan_digest_ignores_key_order() -> None:
    assert plan_digest({"a": 1, "b": [1, 2]}) == plan_digest({"b": [1, 2], "a": 1})
    assert plan_digest({"a": 1}) != plan_digest({"a": 2})


@pytest.mark.parametrize(
    ("table", "own_columns"),
    [
        pytest.param(
            "token_budget_escalation_events",
            [
                "attempt_index",
                "reason",
                "was_truncated",
                "output_utilization",
                "escalation_factor",
                "base_value",
                "base_source",
                "retry_max_tokens",
                "selected_budget",
                "actual_max_tokens",
                "tokens_used",
            ],
            id="token_budget_escalation_events",
        ),
        pytest.param(
            "phase_errors",
            ["attempt_index", "status", "error_type", "message"],
            id="phase_errors",
        ),
        pytest.param("learning_hints", ["hint_type", "details"], id="learning_hints"),
    ],
)
def test_event_tables_start_with_id_run_and_phase_and_end_with_created_at(
    tmp_path: Path, table: str, own_columns: list[str]
) -> None:
    engine, _ = create_session_factory(f"sqlite:///{tmp_path}/x.db")
    engine.dispose()
    with sqlite3.connect(tmp_path / "x.db") as conn:
        columns = [
            (name, kind, notnull, pk)
            for _, name, kind, notnull, _, pk in conn.execute(f"PRAGMA table_info({table})")
        ]
        indexes = [
            (name, [column for _, _, column in conn.execute(f"PRAGMA index_info({name})")])
            for _, name, *_ in conn.execute(f"PRAGMA index_list({table})")
        ]
    assert [name for name, *_ in columns] == [
        "id",
        "run_id",
        "phase_id",
        *own_columns,
        "created_at",
    ]
    assert columns[:3] == [
        ("id", "INTEGER", 1, 1),
        ("run_id", "VARCHAR(128)", 1, 0),
        ("phase_id", "VARCHAR(255)", 1, 0),
    ]
    assert columns[-1] == ("created_at", "DATETIME", 0, 0)
    assert indexes == [(f"ix_{table}_run_id", ["run_id"])]
