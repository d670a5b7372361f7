"""The git operations the review commands need: the repository root, revisions, changed files,
file contents at a revision, and a temporary worktree that is always removed.

Every failure raises :class:`ReviewError` naming the command, the offending value and the fix.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from golden_harness.exceptions import ReviewError

__all__ = [
    "ChangedFile",
    "changed_files",
    "file_at",
    "repository_root",
    "resolve_revision",
    "temporary_worktree",
]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def repository_root(start: Path) -> Path:
    """The top level of the git work tree containing ``start``."""
    if not start.is_dir():
        raise ReviewError(f"{str(start)!r} is not a folder; pass --root with a git work tree.")
    done = _git(start, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise ReviewError(
            f"{str(start)!r} is not inside a git repository ({done.stderr.strip()}); run the "
            f"command from the repository, or pass --root PATH."
        )
    return Path(done.stdout.strip()).resolve()


def resolve_revision(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; an unknown revision is a :class:`ReviewError`."""
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if done.returncode != 0 or not done.stdout.strip():
        raise ReviewError(
            f"Unknown revision {rev!r} in {root}: give a commit, branch or tag that "
            f"`git rev-parse {rev}` resolves (for example --base main or --base HEAD~3)."
        )
    return done.stdout.strip()


@dataclass(frozen=True)
class ChangedFile:
    """A file that differs between a revision and the working tree.

    ``status`` is git's letter (``A``, ``M``, ``D``; a rename is split into ``D`` and ``A``),
    or ``?`` for an untracked file. Paths are relative to the repository root, with ``/``.
    """

    status: str
    path: str


def changed_files(root: Path, commit: str) -> list[ChangedFile]:
    """Files changed between ``commit`` and the working tree, untracked files included."""
    done = _git(root, "diff", "--name-status", "--no-renames", commit, "--")
    if done.returncode != 0:
        raise ReviewError(f"`git diff --name-status {commit}` failed in {root}: {done.stderr}")
    found = []
    for line in done.stdout.splitlines():
        status, _, path = line.partition("\t")
        found.append(ChangedFile(status[:1], path))
    others = _git(root, "ls-files", "--others", "--exclude-standard")
    found += [ChangedFile("?", path) for path in others.stdout.splitlines() if path]
    return sorted(found, key=lambda f: (f.path, f.status))


def file_at(root: Path, commit: str, path: str) -> str | None:
    """The text of ``path`` at ``commit``, or None when it does not exist there."""
    done = _git(root, "show", f"{commit}:{path}")
    return done.stdout if done.returncode == 0 else None


@contextmanager
def temporary_worktree(root: Path, commit: str) -> Iterator[Path]:
    """A detached git worktree of ``commit`` in a temporary folder, removed on every exit.

    The worktree is removed (and pruned from git's list) when the block ends, also on an error
    or ``KeyboardInterrupt``.
    """
    parent = Path(tempfile.mkdtemp(prefix="golden-base-"))
    path = parent / "base"
    try:
        done = _git(root, "worktree", "add", "--detach", "--quiet", str(path), commit)
        if done.returncode != 0:
            raise ReviewError(
                f"Cannot create a worktree of {commit!r} at {path}: {done.stderr.strip()}"
            )
        yield path
    finally:
        _git(root, "worktree", "remove", "--force", str(path))
        shutil.rmtree(parent, ignore_errors=True)
        _git(root, "worktree", "prune")
