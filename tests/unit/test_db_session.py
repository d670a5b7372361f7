"""Run database: engine creation on real SQLite, and the non-creating probe."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from autopack.db import PhaseRecord, PhaseState, RunRecord
from autopack.db.session import create_session_factory, default_database_url, probe_database
from autopack.exceptions import DatabaseError


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
