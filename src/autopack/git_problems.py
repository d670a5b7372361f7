"""Repository states that keep autopack from recording its checkpoint, each named with its fix.

The run checkpoint (and every phase checkpoint) records the workspace through git: it writes the
index as a tree and the working tree through a temporary index. That fails when the index is
locked (`index.lock`, left by a git command that is running or crashed), when the repository's
git folder is read-only, while a merge, rebase, cherry-pick or revert is in progress (the index
holds unresolved conflicts), and when git does not answer in time. `repository_problem` finds the
first of these a repository is in, without writing anything; `explain_checkpoint_failure` turns a
failed checkpoint into one line saying what is wrong and what to do.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from autopack.git_commands import GIT_TIMEOUT_SECONDS, run_git

NO_CHECKPOINT_HINT = "or pass --no-checkpoint to run without a checkpoint (and without rollback)"

_IN_PROGRESS = (
    ("MERGE_HEAD", "a merge", "finish it (resolve the conflicts, git commit) or git merge --abort"),
    (
        "rebase-merge",
        "a rebase",
        "finish it with git rebase --continue, or git rebase --abort",
    ),
    (
        "rebase-apply",
        "a rebase or git am",
        "finish it (git rebase --continue / git am --continue) or abort it",
    ),
    (
        "CHERRY_PICK_HEAD",
        "a cherry-pick",
        "finish it with git cherry-pick --continue, or git cherry-pick --abort",
    ),
    ("REVERT_HEAD", "a revert", "finish it with git revert --continue, or git revert --abort"),
)


def _git_path(workspace: Path, name: str) -> Path | None:
    proc = run_git(workspace, "rev-parse", "--git-path", name)
    if proc.returncode != 0:
        return None
    path = Path(proc.stdout.strip())
    return path if path.is_absolute() else Path(workspace) / path


def repository_problem(workspace: Path) -> str | None:
    """What in the repository at `workspace` stops a checkpoint from being recorded, or None.

    Looks, in this order, for a locked index, an operation in progress, unresolved conflicts in
    the index and a git folder that cannot be written; reads only. Returns one phrase naming the
    problem and its fix.
    """
    try:
        return _repository_problem(Path(workspace))
    except subprocess.TimeoutExpired:
        return _timeout("git rev-parse")
    except OSError as exc:
        return f"git cannot run in the workspace ({exc})"


def _repository_problem(workspace: Path) -> str | None:
    lock = _git_path(workspace, "index.lock")
    if lock is not None and lock.exists():
        return (
            f"git's index is locked: {str(lock)!r} exists (a git command is running in this "
            "repository, or one crashed); if no git command is running, delete that file"
        )
    for name, what, fix in _IN_PROGRESS:
        marker = _git_path(workspace, name)
        if marker is not None and marker.exists():
            return f"{what} is in progress in the workspace; {fix}"
    unmerged = run_git(workspace, "diff", "--name-only", "--diff-filter=U", "-z")
    conflicts = sorted({p for p in unmerged.stdout.split("\0") if p})
    if conflicts:
        shown = ", ".join(conflicts[:5]) + (", ..." if len(conflicts) > 5 else "")
        return (
            f"the index holds unresolved conflicts ({shown}); resolve them (git add) or drop "
            "them (git checkout -m / git reset)"
        )
    objects = _git_path(workspace, "objects")
    git_dir = _git_path(workspace, "index")
    for folder in (objects, git_dir.parent if git_dir is not None else None):
        if folder is not None and folder.is_dir() and not os.access(folder, os.W_OK):
            return (
                f"the repository's git folder {str(folder)!r} is read-only, so git cannot "
                "record anything; make it writable"
            )
    return None


def _timeout(what: str) -> str:
    return (
        f"{what} did not answer within its time limit ({GIT_TIMEOUT_SECONDS} s for short "
        "commands): the repository may be very large, or its disk slow or hung; try again"
    )


def explain_checkpoint_failure(workspace: Path, error: str) -> str:
    """One line for a run checkpoint that could not be recorded (`error` as the checkpoint gives
    it: `git_timeout`, `git_state_failed: ...`, ...): the problem, its fix, and --no-checkpoint."""
    if error == "git_timeout" or error.endswith("timed out"):
        problem = _timeout("git")
    else:
        problem = repository_problem(workspace) or f"git failed: {error}"
    return (
        f"workspace {str(workspace)!r}: the run checkpoint cannot be recorded: {problem}; "
        f"{NO_CHECKPOINT_HINT}"
    )
