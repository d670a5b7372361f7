"""Workspace snapshots and their restoration, on real git repositories."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from autopack.workspace_state import (
    WorkspaceStateError,
    capture_workspace_state,
    restore_workspace_files,
    restore_workspace_state,
)

KEEP = (".autonomous_runs/", "state/run.db")


def run_git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def state_of(repo: Path) -> dict:
    entries = {}
    for p in sorted(repo.rglob("*")):
        rel = p.relative_to(repo).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if p.is_symlink():
            entries[rel] = f"link:{os.readlink(p)}"
        elif p.is_dir():
            entries[rel] = "dir"
        else:
            entries[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), os.access(p, os.X_OK))
    return {
        "entries": entries,
        "index": run_git(repo, "ls-files", "-s"),
        "status": run_git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored"),
        "head": run_git(repo, "rev-parse", "HEAD"),
    }


@pytest.fixture
def dirty_repo(git_repo: Path) -> Path:
    """A repository with every kind of uncommitted change."""
    for name in ("tracked.txt", "staged.txt", "deleted.txt", "unstaged-delete.txt", "tool.sh"):
        (git_repo / name).write_text(f"{name} v1\n")
    (git_repo / ".gitignore").write_text("*.log\n")
    run_git(git_repo, "add", "-A")
    run_git(git_repo, "commit", "-q", "-m", "files")
    (git_repo / "tracked.txt").write_text("edited, not staged\n")
    (git_repo / "staged.txt").write_text("staged edit\n")
    run_git(git_repo, "add", "staged.txt")
    (git_repo / "staged.txt").write_text("staged edit, then edited again\n")
    (git_repo / "new staged.txt").write_text("a new file, staged\n")
    run_git(git_repo, "add", "new staged.txt")
    run_git(git_repo, "rm", "-q", "deleted.txt")
    (git_repo / "unstaged-delete.txt").unlink()
    (git_repo / "tool.sh").chmod(0o755)
    (git_repo / "notes").mkdir()
    (git_repo / "notes/todo.md").write_text("untracked\n")
    (git_repo / "empty/nested").mkdir(parents=True)
    (git_repo / "link").symlink_to("tracked.txt")
    (git_repo / "build.log").write_text("ignored\n")
    (git_repo / ".autonomous_runs/run").mkdir(parents=True)
    (git_repo / ".autonomous_runs/run/ci.log").write_text("run file\n")
    (git_repo / "state").mkdir()
    (git_repo / "state/run.db").write_text("database v1\n")
    return git_repo


def damage(repo: Path) -> None:
    """What a run may do: edit, create and delete files, then roll back with reset and clean."""
    (repo / "tracked.txt").write_text("run edit\n")
    (repo / "notes/todo.md").write_text("run edit\n")
    (repo / "src").mkdir()
    (repo / "src/new.py").write_text("x = 1\n")
    run_git(repo, "add", "src/new.py")
    (repo / "staged.txt").unlink()


def test_capture_changes_nothing(dirty_repo: Path) -> None:
    before = state_of(dirty_repo)
    capture_workspace_state(dirty_repo, keep=KEEP)
    assert state_of(dirty_repo) == before


def test_reset_clean_and_restore_files_bring_back_every_change(dirty_repo: Path) -> None:
    before = state_of(dirty_repo)
    state = capture_workspace_state(dirty_repo, keep=KEEP)
    assert state.empty_dirs == ("empty/nested",)
    damage(dirty_repo)
    (dirty_repo / "state/run.db").write_text("database v2\n")
    run_git(dirty_repo, "reset", "-q", "--hard", state.head)
    run_git(dirty_repo, "clean", "-fdq", "-e", "/.autonomous_runs/", "-e", "/state/run.db")
    restore_workspace_files(dirty_repo, state)
    after = state_of(dirty_repo)
    # The database is never captured or restored: it keeps what the run wrote.
    assert after["entries"].pop("state/run.db") != before["entries"].pop("state/run.db")
    assert after == before


def test_restore_state_returns_a_damaged_workspace_to_the_snapshot(dirty_repo: Path) -> None:
    state = capture_workspace_state(dirty_repo, keep=KEEP)
    before = state_of(dirty_repo)
    damage(dirty_repo)
    (dirty_repo / ".autonomous_runs/run/ci.log").write_text("written later\n")
    restore_workspace_state(dirty_repo, state)
    after = state_of(dirty_repo)
    assert after["entries"].pop(".autonomous_runs/run/ci.log") != before["entries"].pop(
        ".autonomous_runs/run/ci.log"
    )
    assert after == before


def test_a_clean_repository_round_trips(git_repo: Path) -> None:
    state = capture_workspace_state(git_repo)
    before = state_of(git_repo)
    (git_repo / "README.md").write_text("changed\n")
    (git_repo / "extra.txt").write_text("new\n")
    restore_workspace_state(git_repo, state)
    assert state_of(git_repo) == before


def test_unresolved_merge_conflicts_cannot_be_captured(git_repo: Path) -> None:
    run_git(git_repo, "checkout", "-q", "-b", "other")
    (git_repo / "README.md").write_text("other\n")
    run_git(git_repo, "commit", "-q", "-am", "other")
    run_git(git_repo, "checkout", "-q", "main")
    (git_repo / "README.md").write_text("main\n")
    run_git(git_repo, "commit", "-q", "-am", "main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=git_repo, capture_output=True, check=False)
    with pytest.raises(
        WorkspaceStateError, match="a merge is in progress in the workspace; finish"
    ):
        capture_workspace_state(git_repo)


def test_a_stale_index_lock_is_named_when_the_index_cannot_be_recorded(git_repo: Path) -> None:
    (git_repo / ".git/index.lock").write_text("")
    with pytest.raises(WorkspaceStateError, match=r"git's index is locked: .*index\.lock' exists"):
        capture_workspace_state(git_repo)


def test_empty_directories_inside_ignored_ones_are_not_recorded(git_repo: Path) -> None:
    (git_repo / ".gitignore").write_text("build/\n")
    (git_repo / "build/cache/empty").mkdir(parents=True)
    (git_repo / "kept/empty").mkdir(parents=True)
    state = capture_workspace_state(git_repo)
    assert state.empty_dirs == ("kept/empty",)
