"""End to end: a Doctor fix never discards the user's uncommitted work, and says so."""

from __future__ import annotations

from pathlib import Path

from ._support import autopack, db_rows, git, new_repo, write_plan

EDIT_APP = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-x = 1\n+x = 10\n"


def test_a_fix_that_would_revert_the_users_edit_is_refused_and_the_edit_kept(
    tmp_path: Path,
) -> None:
    """The user's edit blocks the patch; the Doctor wants `git checkout -- src/app.py`."""
    workspace = new_repo(tmp_path / "ws", {"src/app.py": "x = 1\n", "README.md": "hi\n"})
    (workspace / "src/app.py").write_text("x = 2  # the user's uncommitted edit\n")
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "careful",
            "phases": [
                {
                    "phase_id": "edit",
                    "scope": {"paths": ["src/"]},
                    "ci": {"skip": True},
                    "replay": {"builder": [{"patch": EDIT_APP}] * 5},
                }
            ],
        },
    )
    proc = autopack("run", plan, "--workspace", workspace)
    assert (workspace / "src/app.py").read_text() == "x = 2  # the user's uncommitted edit\n"
    assert git(workspace, "stash", "list") == ""
    assert (
        "Doctor fix 'git checkout -- src/app.py' for edit refused: it would discard changes the "
        "run did not make (uncommitted when the run started) in src/app.py; they are left as "
        "they are in the workspace"
    ) in proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    db = workspace / ".autonomous_runs/autopack.db"
    assert db_rows(db, "SELECT state FROM phases") == [("FAILED",)]


def two_phase_plan(tmp_path: Path) -> Path:
    """Phase 1 changes src/app.py; phase 2's patch expects the committed src/app.py, so it does
    not apply and the Doctor reverts the run's own change with `git checkout -- src/app.py`."""
    first = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-x = 1\n+x = 5\n"
    return write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "fixing",
            "phases": [
                {
                    "phase_id": "first",
                    "scope": {"paths": ["src/"]},
                    "ci": {"skip": True},
                    "replay": {"builder": [{"patch": first}]},
                },
                {
                    "phase_id": "second",
                    "scope": {"paths": ["src/"]},
                    "ci": {"skip": True},
                    "replay": {"builder": [{"patch": EDIT_APP}] * 5},
                },
            ],
        },
    )


def test_a_fix_of_the_runs_own_change_runs_after_saving_the_working_tree_and_says_where(
    tmp_path: Path,
) -> None:
    workspace = new_repo(tmp_path / "ws", {"src/app.py": "x = 1\n", "notes.txt": "v1\n"})
    (workspace / "notes.txt").write_text("v2, the user's\n")
    proc = autopack("run", two_phase_plan(tmp_path), "--workspace", workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (workspace / "src/app.py").read_text() == "x = 10\n"
    assert (workspace / "notes.txt").read_text() == "v2, the user's\n"
    stash = git(workspace, "stash", "list").splitlines()
    assert stash == ["stash@{0}: autopack: checkpoint before execute_fix for second"]
    sha = git(workspace, "rev-parse", "--short=8", "stash@{0}").strip()
    assert (
        f"Doctor fix 'git checkout -- src/app.py' ran for second; the working tree before it is "
        f"kept as stash commit {sha} (`git stash list`)"
    ) in proc.stderr
    # The stash holds the run's change the fix reverted, and the user's edit.
    assert git(workspace, "show", "stash@{0}:src/app.py") == "x = 5\n"
    assert git(workspace, "show", "stash@{0}:notes.txt") == "v2, the user's\n"


def test_no_fix_runs_when_the_working_tree_cannot_be_saved_first(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws", {"src/app.py": "x = 1\n", "notes.txt": "v1\n"})
    (workspace / "notes.txt").write_text("v2, the user's\n")
    (workspace / ".git/refs/stash.lock").write_text("")  # left by a git that crashed
    proc = autopack("run", two_phase_plan(tmp_path), "--workspace", workspace)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        "Doctor fixes for second not run: the working tree could not be saved first; nothing "
        "was changed"
    ) in proc.stderr
    assert "Doctor fix 'git checkout -- src/app.py' ran" not in proc.stderr
    assert (workspace / "src/app.py").read_text() == "x = 5\n"  # the first phase's change
    assert (workspace / "notes.txt").read_text() == "v2, the user's\n"
