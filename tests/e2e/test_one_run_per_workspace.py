"""End to end: one run per workspace at a time; a second is refused naming the first, and the lock
of a run that was killed is taken over."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from ._support import (
    autopack,
    db_rows,
    new_repo,
    start_autopack,
    wait_for_exit,
    wait_for_file,
    waiting_ci,
    write_plan,
)


def create(path: str) -> str:
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{path}\n"


def plan(run_id: str, phases: list[tuple[str, str, dict]]) -> dict:
    return {
        "run_id": run_id,
        "phases": [
            {
                "phase_id": phase_id,
                "scope": {"paths": ["src/"]},
                "ci": ci,
                "replay": {"builder": [{"patch": create(path)}]},
            }
            for phase_id, path, ci in phases
        ],
    }


HOLDER = re.compile(
    r"^autopack: error: workspace '(?P<ws>[^']+)' is in use by another autopack run "
    r"\(run 'first', pid (?P<pid>\d+), started (?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00); "
    r"lock \.autonomous_runs/run\.lock\); wait for that run to end, or stop it, then run this "
    r"command again$"
)


@pytest.mark.parametrize(
    "second_run_id", ["second", "first"], ids=["another_run", "the_same_run_started_twice"]
)
def test_a_second_run_on_a_busy_workspace_is_refused_naming_the_holder(
    tmp_path: Path, second_run_id: str
) -> None:
    workspace = new_repo(tmp_path / "ws")
    started, release = tmp_path / "ci-started", tmp_path / "ci-release"
    first_plan = write_plan(
        tmp_path / "first.yaml",
        plan(
            "first",
            [
                ("done", "src/done.txt", {"skip": True}),
                ("slow", "src/slow.txt", waiting_ci(started, release)),
            ],
        ),
    )
    first = start_autopack("run", first_plan, "--workspace", workspace)
    try:
        wait_for_file(started, first)
        second_plan = first_plan
        if second_run_id != "first":
            second_plan = write_plan(
                tmp_path / "second.yaml",
                plan(second_run_id, [("other", "src/other.txt", {"skip": True})]),
            )
        db = workspace / ".autonomous_runs/autopack.db"
        rows_before = db_rows(db, "SELECT run_id, phase_id, state FROM phases ORDER BY id")
        second = autopack("run", second_plan, "--workspace", workspace, "--run-id", second_run_id)
        assert second.returncode == 2, second.stdout + second.stderr
        assert second.stdout == ""
        assert second.stderr.count("\n") == 1, second.stderr
        match = HOLDER.match(second.stderr.rstrip("\n"))
        assert match, second.stderr
        assert int(match["pid"]) == first.pid
        assert match["ws"] == str(workspace)
        assert not (workspace / "src/other.txt").exists()
        assert db_rows(db, "SELECT run_id, phase_id, state FROM phases ORDER BY id") == rows_before
    finally:
        release.write_text("go")
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert (workspace / "src/done.txt").read_text() == "src/done.txt\n"
    assert (workspace / "src/slow.txt").read_text() == "src/slow.txt\n"
    assert db_rows(db, "SELECT run_id, state FROM runs") == [("first", "COMPLETE")]
    assert (workspace / ".autonomous_runs/run.lock").read_text() == ""


def test_the_lock_of_a_killed_run_is_taken_over_with_a_note(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    started, release = tmp_path / "ci-started", tmp_path / "ci-release"
    the_plan = write_plan(
        tmp_path / "plan.yaml",
        plan("first", [("slow", "src/slow.txt", waiting_ci(started, release))]),
    )
    killed = start_autopack("run", the_plan, "--workspace", workspace)
    try:
        wait_for_file(started, killed)
        os.kill(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=30)
    finally:
        release.write_text("go")
    wait_for_exit(int(started.read_text()))
    lock = workspace / ".autonomous_runs/run.lock"
    assert f'"pid": {killed.pid}' in lock.read_text()  # the dead run's record is still there

    again = autopack("run", the_plan, "--workspace", workspace)
    lines = again.stdout.splitlines()
    assert re.fullmatch(
        rf"workspace {re.escape(str(workspace))}: took over the run lock left by run 'first', "
        rf"pid {killed.pid}, started \S+, whose process is no longer running",
        lines[0],
    ), again.stdout + again.stderr
    assert lines[1] == f"Run first: 1 phase(s), workspace {workspace}"
    assert lock.read_text() == ""
