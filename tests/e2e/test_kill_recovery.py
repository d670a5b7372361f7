"""End to end: after a SIGKILL, the next run finds the interrupted phase by its marker, rolls it back
to its checkpoint and runs the plan to completion."""

from __future__ import annotations

import os
import signal
from pathlib import Path

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


def phase(phase_id: str, path: str, ci: dict) -> dict:
    return {
        "phase_id": phase_id,
        "scope": {"paths": ["src/"]},
        "ci": ci,
        "replay": {"builder": [{"patch": create(path)}]},
    }


def test_after_sigkill_the_next_run_rolls_the_interrupted_phase_back_and_completes(
    tmp_path: Path,
) -> None:
    workspace = new_repo(tmp_path / "ws")
    (workspace / "mine.txt").write_text("uncommitted work\n")
    started, release = tmp_path / "ci-started", tmp_path / "ci-release"
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "killed",
            "phases": [
                phase("first", "src/one.txt", {"skip": True}),
                phase("slow", "src/two.txt", waiting_ci(started, release)),
                phase("last", "src/three.txt", {"skip": True}),
            ],
        },
    )
    proc = start_autopack("run", plan, "--workspace", workspace)
    try:
        wait_for_file(started, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        release.write_text("go")
    wait_for_exit(int(started.read_text()))  # the CI command was not stopped by the kill
    marker = workspace / ".autonomous_runs/killed/phase-in-progress.json"
    assert marker.exists()
    assert (workspace / "src/two.txt").exists()  # the killed phase's change is still there
    db = workspace / ".autonomous_runs/autopack.db"
    assert db_rows(db, "SELECT state FROM runs") == [("RUNNING",)]

    again = autopack("run", plan, "--workspace", workspace)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (
        "Phase slow of run killed was interrupted during attempt 1 (pid "
        f"{proc.pid}, " in again.stderr
    )
    assert "it was rolled back to its checkpoint now" in again.stderr
    assert "took over the run lock" in again.stdout
    assert db_rows(
        db,
        "SELECT phase_id, state, retry_attempt, last_failure_reason FROM phases ORDER BY position",
    ) == [
        ("first", "COMPLETE", 0, None),
        ("slow", "COMPLETE", 0, None),
        ("last", "COMPLETE", 0, None),
    ]
    assert db_rows(db, "SELECT COUNT(*) FROM phase_errors") == [(0,)]
    assert db_rows(db, "SELECT state FROM runs") == [("COMPLETE",)]
    assert not marker.exists()
    for name in ("src/one.txt", "src/two.txt", "src/three.txt"):
        assert (workspace / name).read_text() == f"{name}\n"
    assert (workspace / "mine.txt").read_text() == "uncommitted work\n"
