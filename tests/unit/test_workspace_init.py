"""Workspace checks (no writes) and initialisation (git init and an empty first commit)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from autopack.exceptions import WorkspaceError
from autopack.workspace import WorkspaceCheck, check_workspace, prepare_workspace


def test_missing_directory_needs_init(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    with pytest.raises(WorkspaceError, match="does not exist; create it or pass --init"):
        check_workspace(target, init=False)
    check = check_workspace(target, init=True)
    assert check == WorkspaceCheck(target, create=True, git_init=True, initial_commit=True)
    assert not target.exists()


def test_prepare_creates_a_repository_with_one_commit_and_excludes_the_run_folder(
    tmp_path: Path,
) -> None:
    target = tmp_path / "a" / "ws"
    done = prepare_workspace(check_workspace(target, init=True))
    assert done == [
        "created the directory",
        "initialised a git repository",
        "made an empty initial commit",
    ]
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=target, capture_output=True, text=True, check=True
    )
    assert log.stdout == "autopack: empty workspace\n"
    assert "/.autonomous_runs/\n" in (target / ".git/info/exclude").read_text()
    assert check_workspace(target, init=False).git_init is False


def test_init_is_idempotent_on_an_existing_repository(git_repo: Path) -> None:
    check = check_workspace(git_repo, init=True)
    assert check == WorkspaceCheck(git_repo, create=False, git_init=False, initial_commit=False)
    assert prepare_workspace(check) == []


def test_empty_directory_is_initialised_in_place(tmp_path: Path) -> None:
    check = check_workspace(tmp_path, init=True)
    assert (check.create, check.git_init, check.initial_commit) == (False, True, True)


def test_non_empty_non_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(WorkspaceError, match="is not a git repository; pass --init"):
        check_workspace(tmp_path, init=False)
    with pytest.raises(WorkspaceError, match="is not empty and not a git repository"):
        check_workspace(tmp_path, init=True)


def test_a_subdirectory_of_a_repository_is_not_a_workspace(git_repo: Path) -> None:
    sub = git_repo / "sub"
    sub.mkdir()
    with pytest.raises(WorkspaceError, match="is not a git repository"):
        check_workspace(sub, init=False)
    assert check_workspace(sub, init=True).git_init is True


def test_repository_without_commits(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    with pytest.raises(WorkspaceError, match="has no commit yet"):
        check_workspace(tmp_path, init=False)
    check = check_workspace(tmp_path, init=True)
    assert (check.git_init, check.initial_commit) == (False, True)
    assert prepare_workspace(check) == ["made an empty initial commit"]


def test_a_file_is_not_a_workspace(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(WorkspaceError, match="is not a directory"):
        check_workspace(target, init=True)
