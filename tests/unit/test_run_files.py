"""Run files are written whole or not at all, and a write that fails stops the run, naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from autopack.db.models import RunRecord
from autopack.db.session import create_session_factory, sqlite_storage_problem
from autopack.exceptions import (
    RunDatabaseError,
    RunFileError,
    RunStorageError,
    WorkspaceError,
)
from autopack.run_files import (
    append_run_text,
    check_run_folder,
    remove_run_file,
    write_run_text,
)


def test_a_whole_file_is_written_with_its_folders_and_no_temporary_left(tmp_path: Path) -> None:
    target = tmp_path / "runs" / "r" / "ci" / "p.json"
    write_run_text(target, "first\n")
    write_run_text(target, "second\n")
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["p.json"]


def test_append_creates_then_appends(tmp_path: Path) -> None:
    target = tmp_path / "r" / "run_rollback.log"
    append_run_text(target, "one\n")
    append_run_text(target, "two\n")
    assert target.read_text() == "one\ntwo\n"


def test_a_failed_write_names_the_file_and_what_stood_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "r").write_text("a file where the folder should be")
    with pytest.raises(RunFileError) as info:
        write_run_text(tmp_path / "r" / "ci" / "p.log", "x")
    assert isinstance(info.value, RunStorageError)
    assert not isinstance(info.value, Exception)  # passes every best-effort `except Exception`
    assert str(info.value) == (
        f"cannot write the run file {str(tmp_path / 'r/ci/p.log')!r}: "
        f"Not a directory: {str(tmp_path / 'r/ci')!r}"
    )


def test_a_failed_replace_leaves_no_temporary_behind(tmp_path: Path) -> None:
    (tmp_path / "p.json").mkdir()
    with pytest.raises(RunFileError, match="Is a directory"):
        write_run_text(tmp_path / "p.json", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]


def test_removing_a_missing_file_is_fine_and_a_folder_is_an_error(tmp_path: Path) -> None:
    remove_run_file(tmp_path / "missing.json")
    (tmp_path / "folder").mkdir()
    with pytest.raises(RunFileError):
        remove_run_file(tmp_path / "folder")


def test_a_database_that_refuses_writes_stops_the_run_naming_the_file(tmp_path: Path) -> None:
    db = tmp_path / "autopack.db"
    engine, sessions = create_session_factory(f"sqlite:///{db}")
    try:
        with sessions() as session:
            session.execute(text("PRAGMA query_only = ON"))
            session.add(RunRecord(run_id="r", state="RUNNING"))
            with pytest.raises(RunDatabaseError) as info:
                session.commit()
    finally:
        engine.dispose()
    assert str(info.value) == (
        f"cannot write the run database {str(db)!r}: attempt to write a readonly database"
    )


def test_other_database_errors_are_not_storage_problems(tmp_path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(":memory:")
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            conn.execute("SELECT * FROM missing")
    finally:
        conn.close()
    assert sqlite_storage_problem(info.value) is None
    assert sqlite_storage_problem(ValueError("x")) is None


def test_a_runs_folder_linked_inside_the_workspace_is_accepted_and_written_through(
    tmp_path: Path,
) -> None:
    (tmp_path / "runs-elsewhere").mkdir()
    (tmp_path / ".autonomous_runs").symlink_to("runs-elsewhere")
    check_run_folder(tmp_path, "r")
    write_run_text(tmp_path / ".autonomous_runs/r/ci/p.log", "x")
    assert (tmp_path / "runs-elsewhere/r/ci/p.log").read_text() == "x"


def test_a_missing_runs_folder_is_fine(tmp_path: Path) -> None:
    check_run_folder(tmp_path / "not-yet", "r")


def test_a_link_to_outside_deep_in_the_run_folder_is_refused(tmp_path: Path) -> None:
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    (workspace / ".autonomous_runs/r/research/old").mkdir(parents=True)
    outside.mkdir()
    (workspace / ".autonomous_runs/r/research/old/p.json").symlink_to(outside / "p.json")
    with pytest.raises(WorkspaceError, match=r"p\.json' is a link to .*, outside the workspace"):
        check_run_folder(workspace, "r")
    check_run_folder(workspace, "another-run")  # another run's folder is not written by this one


def test_a_write_through_a_link_to_outside_made_during_the_run_is_refused(tmp_path: Path) -> None:
    workspace, outside = tmp_path / "ws", tmp_path / "outside"
    (workspace / ".autonomous_runs/r").mkdir(parents=True)
    outside.mkdir()
    (workspace / ".autonomous_runs/r/ci").symlink_to(outside)
    with pytest.raises(RunFileError) as info:
        write_run_text(workspace / ".autonomous_runs/r/ci/p.log", "x")
    assert "passes through the link" in str(info.value)
    assert "outside the workspace" in str(info.value)
    with pytest.raises(RunFileError):
        append_run_text(workspace / ".autonomous_runs/r/ci/run_rollback.log", "x")
    assert list(outside.iterdir()) == []
