"""Repository states that stop a checkpoint, found with real git and named with their fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from autopack.git_problems import explain_checkpoint_failure, repository_problem

IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@localhost"]


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=check
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.txt").write_text("base\n")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def conflicting_branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "a.txt").write_text("other\n")
    git(repo, "commit", "-q", "-am", "other")
    git(repo, "checkout", "-q", "main")
    (repo / "a.txt").write_text("main\n")
    git(repo, "commit", "-q", "-am", "main")


def test_a_clean_repository_has_no_problem(repo: Path) -> None:
    (repo / "a.txt").write_text("an uncommitted edit is fine\n")
    assert repository_problem(repo) is None


def test_a_cherry_pick_in_progress(repo: Path) -> None:
    conflicting_branch(repo)
    git(repo, "cherry-pick", "other", check=False)
    assert repository_problem(repo) == (
        "a cherry-pick is in progress in the workspace; finish it with git cherry-pick "
        "--continue, or git cherry-pick --abort"
    )


def test_a_rebase_in_progress(repo: Path) -> None:
    conflicting_branch(repo)
    git(repo, "rebase", "other", check=False)
    problem = repository_problem(repo)
    assert problem is not None
    assert problem.startswith("a rebase")


def test_conflicts_left_without_an_operation_in_progress(repo: Path) -> None:
    conflicting_branch(repo)
    git(repo, "merge", "other", check=False)
    (repo / ".git/MERGE_HEAD").unlink()
    assert repository_problem(repo) == (
        "the index holds unresolved conflicts (a.txt); resolve them (git add) or drop them "
        "(git checkout -m / git reset)"
    )


def test_a_timed_out_checkpoint_is_explained_as_such(repo: Path) -> None:
    assert explain_checkpoint_failure(repo, "git_timeout") == (
        f"workspace {str(repo)!r}: the run checkpoint cannot be recorded: git did not answer "
        "within its time limit (10 s for short commands): the repository may be very large, or "
        "its disk slow or hung; try again; or pass --no-checkpoint to run without a checkpoint "
        "(and without rollback)"
    )


def test_another_failure_names_the_repository_problem_or_gits_error(repo: Path) -> None:
    assert "git failed: git_branch_failed: fatal: x" in explain_checkpoint_failure(
        repo, "git_branch_failed: fatal: x"
    )
    (repo / ".git/index.lock").write_text("")
    assert "git's index is locked" in explain_checkpoint_failure(repo, "git_state_failed: ...")
