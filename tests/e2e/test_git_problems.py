"""End to end: a repository in which the run checkpoint cannot be recorded stops the run in one line
naming the problem and its fix, unless --no-checkpoint is given."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ._support import (
    GIT_IDENTITY,
    autopack,
    autopack_command,
    db_rows,
    git,
    new_repo,
    read_only,
    tree_state,
    write_plan,
)

NO_CHECKPOINT = "or pass --no-checkpoint to run without a checkpoint (and without rollback)"


def plan(tmp_path: Path) -> Path:
    patch = "--- /dev/null\n+++ b/src/new.txt\n@@ -0,0 +1 @@\n+new\n"
    return write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "checked",
            "phases": [
                {
                    "phase_id": "add",
                    "scope": {"paths": ["src/"]},
                    "ci": {"skip": True},
                    "replay": {"builder": [{"patch": patch}]},
                }
            ],
        },
    )


def refused(proc: subprocess.CompletedProcess[str], workspace: Path, problem: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        f"autopack: error: workspace {str(workspace)!r}: the run checkpoint cannot be recorded: "
        f"{problem}; {NO_CHECKPOINT}"
    ]


def test_a_stale_index_lock_is_named_and_no_checkpoint_runs_anyway(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    lock = workspace / ".git/index.lock"
    lock.write_text("")
    before = tree_state(workspace)

    proc = autopack("run", plan(tmp_path), "--workspace", workspace)

    refused(
        proc,
        workspace,
        f"git's index is locked: {str(lock)!r} exists (a git command is running in this "
        "repository, or one crashed); if no git command is running, delete that file",
    )
    assert proc.stdout == ""
    assert not (workspace / ".autonomous_runs").exists()
    assert tree_state(workspace) == before

    anyway = autopack("run", plan(tmp_path), "--workspace", workspace, "--no-checkpoint")
    assert anyway.returncode == 0, anyway.stdout + anyway.stderr
    assert "warning: no run checkpoint (git_state_failed: " in anyway.stdout
    assert "rollback unavailable" in anyway.stdout
    assert (workspace / "src/new.txt").read_text() == "new\n"


def test_a_merge_in_progress_is_named(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws", {"a.txt": "base\n"})
    git(workspace, "checkout", "-q", "-b", "other")
    (workspace / "a.txt").write_text("other\n")
    git(workspace, "commit", "-q", "-am", "other")
    git(workspace, "checkout", "-q", "main")
    (workspace / "a.txt").write_text("main\n")
    git(workspace, "commit", "-q", "-am", "main")
    merge = subprocess.run(
        ["git", *GIT_IDENTITY, "merge", "other"], cwd=workspace, capture_output=True, check=False
    )
    assert merge.returncode == 1  # a conflict: the merge stops half way
    before = tree_state(workspace)

    proc = autopack("run", plan(tmp_path), "--workspace", workspace)

    refused(
        proc,
        workspace,
        "a merge is in progress in the workspace; finish it (resolve the conflicts, git commit) "
        "or git merge --abort",
    )
    assert not (workspace / ".autonomous_runs").exists()
    assert tree_state(workspace) == before


def test_a_read_only_git_folder_is_named(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    with read_only(workspace / ".git"):
        proc = autopack("run", plan(tmp_path), "--workspace", workspace)
    refused(
        proc,
        workspace,
        f"the repository's git folder {str(workspace / '.git/objects')!r} is read-only, so git "
        "cannot record anything; make it writable",
    )
    assert not (workspace / ".autonomous_runs").exists()


HANGING_GIT = """#!/bin/sh
if [ "$1" = "rev-parse" ] && [ "$2" = "--abbrev-ref" ]; then
    exec sleep 60
fi
exec {git} "$@"
"""


def test_git_that_does_not_answer_stops_the_run_before_any_phase(tmp_path: Path) -> None:
    """git hangs while the run checkpoint is recorded (its branch is asked for)."""
    workspace = new_repo(tmp_path / "ws")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real_git = subprocess.run(
        ["sh", "-c", "command -v git"], capture_output=True, text=True, check=True
    ).stdout.strip()
    (bin_dir / "git").write_text(HANGING_GIT.format(git=real_git))
    (bin_dir / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    proc = subprocess.run(
        [*autopack_command(), "run", str(plan(tmp_path)), "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )

    refused(
        proc,
        workspace,
        "git did not answer within its time limit (10 s for short commands): the repository may "
        "be very large, or its disk slow or hung; try again",
    )
    db = workspace / ".autonomous_runs/autopack.db"
    assert db_rows(db, "SELECT state FROM runs") == [("INTERRUPTED",)]
    assert db_rows(db, "SELECT state, retry_attempt FROM phases") == [("QUEUED", 0)]
    assert not (workspace / "src/new.txt").exists()
