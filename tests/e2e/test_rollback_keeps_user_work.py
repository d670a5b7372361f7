"""End to end: a rollback returns the workspace to the run's start, keeping every change the user had."""

from __future__ import annotations

import os
from pathlib import Path

from ._support import autopack, db_rows, git, new_repo, tree_state, write_plan


def create(path: str, text: str) -> str:
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{text}\n"


CHECK_FEATURE = (
    "import pathlib, sys; "
    "sys.exit(0 if 'good' in pathlib.Path('src/feature.py').read_text() else 1)"
)

PLAN = {
    "run_id": "dirty",
    "phases": [
        {
            "phase_id": "feature",
            "scope": {"paths": ["src/"]},
            "ci": {"command": ["python3", "-c", CHECK_FEATURE]},
            "replay": {
                "builder": [
                    # 1: CI fails; 2: the file exists, git apply refuses, the Doctor rolls back;
                    # 3: applies and CI passes.
                    {"patch": create("src/feature.py", "bad = 1")},
                    {"patch": create("src/feature.py", "bad = 2")},
                    {"patch": create("src/feature.py", "good = 3")},
                ]
            },
        }
    ],
}


def make_dirty(workspace: Path) -> None:
    """Every kind of uncommitted work a user may have when starting a run."""
    (workspace / "tracked.txt").write_text("edited, not staged\n")
    (workspace / "staged.txt").write_text("staged edit\n")
    git(workspace, "add", "staged.txt")
    (workspace / "staged.txt").write_text("staged edit, edited again\n")
    (workspace / "new staged.txt").write_text("new and staged\n")
    git(workspace, "add", "new staged.txt")
    git(workspace, "rm", "-q", "removed.txt")
    (workspace / "gone.txt").unlink()
    (workspace / "tool.sh").chmod(0o755)
    (workspace / "notes").mkdir()
    (workspace / "notes/todo.md").write_text("untracked\n")
    (workspace / "empty/nested").mkdir(parents=True)
    (workspace / "src/untracked.py").write_text("mine = True\n")


def test_every_pre_existing_change_survives_a_rollback(tmp_path: Path) -> None:
    files = {
        name: f"{name}\n"
        for name in ("tracked.txt", "staged.txt", "removed.txt", "gone.txt", "tool.sh")
    }
    workspace = new_repo(tmp_path / "ws", {**files, "src/app.py": "x = 1\n"})
    make_dirty(workspace)
    before = tree_state(workspace)
    proc = autopack("run", write_plan(tmp_path / "plan.yaml", PLAN), "--workspace", workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rollback_log = workspace / ".autonomous_runs/dirty/run_rollback.log"
    assert "doctor_rollback_run: feature PATCH_FAILED" in rollback_log.read_text()
    after = tree_state(workspace)
    # What the completed run leaves: its one new file, untracked; everything else as it was.
    assert after["entries"].pop("src/feature.py")
    assert (workspace / "src/feature.py").read_text() == "good = 3\n"
    assert sorted(after["status"].splitlines()) == sorted(
        [*before["status"].splitlines(), "?? src/feature.py"]
    )
    before.pop("status")
    after.pop("status")
    assert after == before
    assert os.access(workspace / "tool.sh", os.X_OK)
    assert db_rows(workspace / ".autonomous_runs/autopack.db", "SELECT state FROM runs") == [
        ("COMPLETE",)
    ]
