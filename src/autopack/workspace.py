"""Workspace checks and initialisation: a git repository whose top level is the workspace."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from autopack.db.session import RUNS_DIRNAME
from autopack.exceptions import WorkspaceError
from autopack.git_commands import run_git

GIT_IDENTITY = ("-c", "user.name=autopack", "-c", "user.email=autopack@localhost")


@dataclass(frozen=True)
class WorkspaceCheck:
    """What preparing the workspace will do: create it, `git init` it, add a first commit."""

    path: Path
    create: bool
    git_init: bool
    initial_commit: bool


def _is_repo_top_level(path: Path) -> bool:
    proc = run_git(path, "rev-parse", "--show-toplevel")
    return proc.returncode == 0 and Path(proc.stdout.strip()).resolve() == path.resolve()


def _has_commit(path: Path) -> bool:
    return run_git(path, "rev-parse", "--verify", "-q", "HEAD").returncode == 0


def check_workspace(path: Path, *, init: bool) -> WorkspaceCheck:
    """Decide, without writing anything, whether `path` can serve as the workspace.

    Without `init` it must be the top level of a git repository with at least one commit. With
    `init` it may also be missing or an empty directory (it will be created and initialised); a
    non-empty directory that is not a repository is refused. Raises WorkspaceError.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise WorkspaceError(f"workspace {str(path)!r} is not a directory; pass a directory")
    if not path.exists():
        if not init:
            raise WorkspaceError(
                f"workspace {str(path)!r} does not exist; create it or pass --init to create it"
            )
        parent = next((p for p in path.absolute().parents if p.exists()), None)
        if parent is None or not os.access(parent, os.W_OK | os.X_OK):
            raise WorkspaceError(
                f"workspace {str(path)!r} cannot be created: {str(parent)!r} is not writable"
            )
        return WorkspaceCheck(path, create=True, git_init=True, initial_commit=True)
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise WorkspaceError(
            f"workspace {str(path)!r} is not readable and writable; fix its permissions"
        )
    try:
        is_repo = _is_repo_top_level(path)
    except (OSError, subprocess.SubprocessError) as exc:
        raise WorkspaceError(f"workspace {str(path)!r}: git is not usable: {exc}") from exc
    if is_repo:
        if _has_commit(path):
            return WorkspaceCheck(path, create=False, git_init=False, initial_commit=False)
        if not init:
            raise WorkspaceError(
                f"workspace {str(path)!r} has no commit yet; commit once or pass --init"
            )
        return WorkspaceCheck(path, create=False, git_init=False, initial_commit=True)
    if not init:
        raise WorkspaceError(
            f"workspace {str(path)!r} is not a git repository; pass --init to initialise it"
        )
    if any(path.iterdir()):
        raise WorkspaceError(
            f"workspace {str(path)!r} is not empty and not a git repository; --init only "
            "initialises an empty or missing directory"
        )
    return WorkspaceCheck(path, create=False, git_init=True, initial_commit=True)


def prepare_workspace(check: WorkspaceCheck) -> list[str]:
    """Carry out a WorkspaceCheck; returns what was done, for the run's output."""
    done: list[str] = []
    path = check.path
    if check.create:
        path.mkdir(parents=True)
        done.append("created the directory")
    if check.git_init:
        proc = run_git(path, "init", "-q", "-b", "main")
        if proc.returncode != 0:
            raise WorkspaceError(f"git init failed in {str(path)!r}: {proc.stderr.strip()}")
        exclude = path / ".git" / "info" / "exclude"
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as handle:
            handle.write(f"/{RUNS_DIRNAME}/\n")
        done.append("initialised a git repository")
    if check.initial_commit:
        proc = run_git(
            path, *GIT_IDENTITY, "commit", "-q", "--allow-empty", "-m", "autopack: empty workspace"
        )
        if proc.returncode != 0:
            raise WorkspaceError(f"initial commit failed in {str(path)!r}: {proc.stderr.strip()}")
        done.append("made an empty initial commit")
    return done
