"""End to end: SIGTERM and SIGHUP stop a run as Ctrl-C does, and the CI command's whole process
group is killed with it."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from ._support import (
    WAITING_CI,
    autopack,
    db_rows,
    git,
    new_repo,
    start_autopack,
    wait_for_exit,
    wait_for_file,
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


def family_ci(tmp_path: Path) -> tuple[dict, Path, Path]:
    """A shell CI command whose child (the waiting CI) writes its pid to `started`; the shell
    writes its own pid to `shell.pid`. Both wait until `release` exists."""
    script = tmp_path / "waiting_ci.py"
    script.write_text(WAITING_CI)
    started, release = tmp_path / "ci-started", tmp_path / "ci-release"
    command = (
        f"echo $$ > {tmp_path / 'shell.pid'}; {sys.executable} {script} {started} {release} & wait"
    )
    return {"command": command}, started, release


@pytest.mark.parametrize(
    ("signum", "code", "prefix"),
    [
        pytest.param(signal.SIGTERM, 143, "autopack: interrupted by SIGTERM: ", id="SIGTERM"),
        pytest.param(signal.SIGHUP, 129, "autopack: interrupted by SIGHUP: ", id="SIGHUP"),
        pytest.param(signal.SIGINT, 130, "autopack: interrupted: ", id="SIGINT"),
    ],
)
def test_a_stop_signal_rolls_the_phase_back_and_kills_the_ci_process_group(
    tmp_path: Path, signum: int, code: int, prefix: str
) -> None:
    workspace = new_repo(tmp_path / "ws")
    (workspace / "mine.txt").write_text("uncommitted work\n")
    ci, started, release = family_ci(tmp_path)
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "stopped",
            "phases": [
                phase("first", "src/one.txt", {"skip": True}),
                phase("slow", "src/two.txt", ci),
                phase("last", "src/three.txt", {"skip": True}),
            ],
        },
    )
    proc = start_autopack("run", plan, "--workspace", workspace)
    try:
        wait_for_file(started, proc)
        ci_pids = [int(started.read_text()), int((tmp_path / "shell.pid").read_text())]
        assert (workspace / "src/two.txt").exists()
        os.kill(proc.pid, signum)
        out, err = proc.communicate(timeout=60)
        for pid in ci_pids:  # the shell and the process it started are gone with the run
            wait_for_exit(pid, timeout=10)
    finally:
        release.write_text("go")
    assert proc.returncode == code, out + err
    assert err.splitlines() == [
        f"{prefix}run 'stopped' interrupted in phase 'slow'; the phase was rolled back to its "
        "checkpoint; run the same command again to resume"
    ]
    db = workspace / ".autonomous_runs/autopack.db"
    assert db_rows(db, "SELECT state FROM runs") == [("INTERRUPTED",)]
    assert db_rows(db, "SELECT phase_id, state, retry_attempt FROM phases ORDER BY position") == [
        ("first", "COMPLETE", 0),
        ("slow", "QUEUED", 0),
        ("last", "QUEUED", 0),
    ]
    assert not (workspace / "src/two.txt").exists()
    assert sorted(git(workspace, "status", "--porcelain", "-uall").splitlines()) == [
        "?? mine.txt",
        "?? src/one.txt",
    ]
    assert not (workspace / ".autonomous_runs/stopped/phase-in-progress.json").exists()

    again = autopack("run", plan, "--workspace", workspace)
    assert again.returncode == 0, again.stdout + again.stderr
    assert db_rows(db, "SELECT phase_id, state FROM phases ORDER BY position") == [
        ("first", "COMPLETE"),
        ("slow", "COMPLETE"),
        ("last", "COMPLETE"),
    ]
