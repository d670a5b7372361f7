"""The workspace run lock: one holder at a time, its record in the file, a dead holder's record."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from autopack.exceptions import WorkspaceBusyError, WorkspaceError
from autopack.run_lock import LockHolder, RunLock, lock_path


def test_the_holder_is_recorded_while_held_and_cleared_on_release(tmp_path: Path) -> None:
    lock = RunLock(tmp_path, "night")
    with lock:
        record = json.loads(lock_path(tmp_path).read_text())
        assert record["pid"] == os.getpid()
        assert record["run_id"] == "night"
        assert record["host"] == socket.gethostname()
        assert lock.previous is None
    assert lock_path(tmp_path).read_text() == ""


def test_a_second_lock_is_refused_naming_the_first_and_leaves_its_record(tmp_path: Path) -> None:
    with RunLock(tmp_path, "night"):
        before = lock_path(tmp_path).read_text()
        with pytest.raises(WorkspaceBusyError) as info:
            RunLock(tmp_path, "day").acquire()
        assert f"run 'night', pid {os.getpid()}, started " in str(info.value)
        assert lock_path(tmp_path).read_text() == before
    with RunLock(tmp_path, "day") as again:  # free once the first let go
        assert again.previous is None


@pytest.mark.parametrize(
    ("text", "described"),
    [
        pytest.param(
            '{"pid": 41, "run_id": "old", "started_at": "2024-01-02T03:04:05+00:00"}\n',
            "run 'old', pid 41, started 2024-01-02T03:04:05+00:00",
            id="a_record",
        ),
        pytest.param("not json", "an unknown run", id="unreadable"),
        pytest.param('["pid", 41]', "an unknown run", id="not_a_mapping"),
        pytest.param('{"pid": true, "run_id": 3}', "an unknown run", id="ill_typed_fields"),
    ],
)
def test_a_record_left_in_a_free_lock_is_taken_over(
    tmp_path: Path, text: str, described: str
) -> None:
    path = lock_path(tmp_path)
    path.parent.mkdir()
    path.write_text(text)
    with RunLock(tmp_path, "new") as lock:
        assert lock.previous is not None
        assert lock.previous.describe() == described
        assert json.loads(path.read_text())["run_id"] == "new"


def test_another_host_is_named(tmp_path: Path) -> None:
    holder = LockHolder(7, "r", None, host="elsewhere.example")
    assert holder.describe() == "run 'r', pid 7 on elsewhere.example"


def test_a_lock_that_cannot_be_created_is_a_workspace_error(tmp_path: Path) -> None:
    (tmp_path / ".autonomous_runs").write_text("a file where the runs folder should be")
    with pytest.raises(WorkspaceError, match="cannot take the run lock"):
        RunLock(tmp_path, "r").acquire()
