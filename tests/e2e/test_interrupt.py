"""End to end: Ctrl-C stops a run cleanly, rolls the phase back, and the same command resumes it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from ._support import autopack, autopack_command, db_rows, git, new_repo, write_plan

SLOW_CI = (
    "import pathlib, sys, time\n"
    "marker = pathlib.Path(sys.argv[1])\n"
    "if not marker.exists():\n"
    "    marker.write_text('started')\n"
    "    time.sleep(120)\n"
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


def test_ctrl_c_rolls_the_phase_back_and_the_same_command_resumes(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    (workspace / "mine.txt").write_text("uncommitted work\n")
    marker = tmp_path / "ci-started"
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "ctrl-c",
            "phases": [
                phase("first", "src/one.txt", {"skip": True}),
                phase(
                    "slow", "src/two.txt", {"command": [sys.executable, "-c", SLOW_CI, str(marker)]}
                ),
                phase("last", "src/three.txt", {"skip": True}),
            ],
        },
    )
    argv = [*autopack_command(), "run", str(plan), "--workspace", str(workspace)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the slow phase's CI never started"
        time.sleep(0.05)
    assert (workspace / "src/two.txt").exists()  # the slow phase's patch is applied
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in err
    assert err.splitlines() == [
        "autopack: interrupted: run 'ctrl-c' interrupted in phase 'slow'; the phase was rolled "
        "back to its checkpoint; run the same command again to resume"
    ]
    db = workspace / ".autonomous_runs/autopack.db"
    assert db_rows(db, "SELECT state FROM runs") == [("INTERRUPTED",)]
    assert db_rows(db, "SELECT phase_id, state, retry_attempt FROM phases ORDER BY position") == [
        ("first", "COMPLETE", 0),
        ("slow", "QUEUED", 0),
        ("last", "QUEUED", 0),
    ]
    assert db_rows(db, "SELECT COUNT(*) FROM phase_errors") == [(0,)]
    # The workspace is where the slow phase started: the first phase's file, the user's file.
    assert not (workspace / "src/two.txt").exists()
    assert sorted(git(workspace, "status", "--porcelain", "-uall").splitlines()) == [
        "?? mine.txt",
        "?? src/one.txt",
    ]

    again = autopack("run", plan, "--workspace", workspace)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "(already complete)" in again.stdout
    assert db_rows(db, "SELECT state FROM runs") == [("COMPLETE",)]
    assert db_rows(db, "SELECT phase_id, state FROM phases ORDER BY position") == [
        ("first", "COMPLETE"),
        ("slow", "COMPLETE"),
        ("last", "COMPLETE"),
    ]
    for name in ("src/one.txt", "src/two.txt", "src/three.txt"):
        assert (workspace / name).read_text() == f"{name}\n"
    assert (workspace / "mine.txt").read_text() == "uncommitted work\n"
