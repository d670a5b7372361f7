"""End to end: a patch writes only where its phase may write, judged by the paths git touches."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._support import autopack, db_rows, new_repo, tree_state, write_plan


def one_phase_plan(run_id: str, patch: str) -> dict:
    return {
        "run_id": run_id,
        "phases": [
            {
                "phase_id": "write",
                "scope": {"paths": ["src/"]},
                "ci": {"skip": True},
                "replay": {"builder": [{"patch": patch}]},
            }
        ],
    }


@pytest.mark.parametrize(
    ("header", "lands_at"),
    [
        (
            "src/.autonomous_runs/escape/run_rollback.log",
            ".autonomous_runs/escape/run_rollback.log",
        ),
        ("src/outside_scope.txt", "outside_scope.txt"),
    ],
    ids=["protected-run-folder", "outside-scope"],
)
def test_a_header_without_prefixes_cannot_leave_the_scope(
    tmp_path: Path, header: str, lands_at: str
) -> None:
    workspace = new_repo(tmp_path / "ws", {"README.md": "hello\n", "src/app.py": "x = 1\n"})
    before = tree_state(workspace)
    patch = f"--- /dev/null\n+++ {header}\n@@ -0,0 +1 @@\n+forged\n"
    plan = write_plan(tmp_path / "plan.yaml", one_phase_plan("escape", patch))
    proc = autopack("run", plan, "--workspace", workspace)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not (workspace / lands_at).exists()
    assert tree_state(workspace) == before
    errors = db_rows(
        workspace / ".autonomous_runs/autopack.db", "SELECT status, message FROM phase_errors"
    )
    assert errors[0][0] == "PATCH_FAILED"
    assert lands_at in errors[0][1]


def test_a_name_with_spaces_in_the_scope_is_applied(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    patch = (
        "diff --git a/src/my file.txt b/src/my file.txt\nnew file mode 100644\n"
        "--- /dev/null\n+++ b/src/my file.txt\n@@ -0,0 +1 @@\n+mine\n"
    )
    plan = write_plan(tmp_path / "plan.yaml", one_phase_plan("spaces", patch))
    proc = autopack("run", plan, "--workspace", workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (workspace / "src/my file.txt").read_text() == "mine\n"


def test_a_symlink_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    before = tree_state(workspace)
    patch = (
        "diff --git a/src/link b/src/link\nnew file mode 120000\n--- /dev/null\n+++ b/src/link\n"
        "@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n"
    )
    plan = write_plan(tmp_path / "plan.yaml", one_phase_plan("link", patch))
    proc = autopack("run", plan, "--workspace", workspace)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert not (workspace / "src/link").is_symlink()
    assert tree_state(workspace) == before
