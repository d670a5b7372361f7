"""Structured edit plans rendered as diffs that `git apply` accepts."""

from __future__ import annotations

import subprocess
from pathlib import Path

from autopack.structured_edits import render_edit_plan


def apply(repo: Path, patch: str) -> None:
    proc = subprocess.run(
        ["git", "apply", "-"], cwd=repo, input=patch, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_create_replace_and_delete_apply_cleanly(git_repo: Path) -> None:
    (git_repo / "gone.txt").write_text("bye\n")
    subprocess.run(["git", "add", "gone.txt"], cwd=git_repo, check=True)
    plan = [
        {"path": "new/a.txt", "content": "one\ntwo"},
        {"path": "README.md", "content": "hello again\n"},
        {"path": "gone.txt", "delete": True},
    ]
    patch = render_edit_plan(git_repo, plan)
    assert "new file mode 100644" in patch
    assert "deleted file mode 100644" in patch
    apply(git_repo, patch)
    assert (git_repo / "new/a.txt").read_text() == "one\ntwo\n"
    assert (git_repo / "README.md").read_text() == "hello again\n"
    assert not (git_repo / "gone.txt").exists()


def test_unchanged_files_are_left_out(git_repo: Path) -> None:
    assert render_edit_plan(git_repo, [{"path": "README.md", "content": "hello\n"}]) == ""
