"""Every git command golden_harness runs goes through :func:`run_git` (or :func:`git`, which
raises on a failure): the repository root, revisions, changed files, file contents at a revision,
and a temporary worktree that is always removed.

Every failure raises :class:`ReviewError` (:func:`git`: :class:`GoldenHarnessError`) naming the
command, the offending value and the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from golden_harness.exceptions import GoldenHarnessError, ReviewError
from golden_harness.moves._interrupts import process_is_gone

__all__ = [
    "ChangedFile",
    "blob_at",
    "blobs_at",
    "changed_files",
    "file_at",
    "git",
    "remove_stale_worktrees",
    "repository_root",
    "resolve_revision",
    "run_git",
    "temporary_worktree",
]


def run_git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``git -C root args`` with its output captured as text; the caller reads the result."""
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def git(root: Path, *args: str) -> str:
    """Run ``git -C root args`` and return its output; a failure names the command."""
    done = run_git(root, *args)
    if done.returncode != 0:
        raise GoldenHarnessError(f"`git {' '.join(args)}` failed in {root}: {done.stderr.strip()}")
    return done.stdout


def repository_root(start: Path) -> Path:
    """The top level of the git work tree containing ``start``."""
    if not start.is_dir():
        raise ReviewError(f"{str(start)!r} is not a folder; pass --root with a git work tree.")
    done = run_git(start, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise ReviewError(
            f"{str(start)!r} is not inside a git repository ({done.stderr.strip()}); run the "
            f"command from the repository, or pass --root PATH."
        )
    return Path(done.stdout.strip()).resolve()


def resolve_revision(root: Path, rev: str) -> str:
    """The full commit id of ``rev``; an unknown revision is a :class:`ReviewError`."""
    done = run_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
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
    """Files changed between ``commit`` and the working tree, untracked files included, except
    those inside a virtual environment in the work tree (a folder holding ``pyvenv.cfg``, such as
    a ``.venv`` git does not ignore): packages installed there are not the project's code."""
    done = run_git(root, "diff", "--name-status", "--no-renames", commit, "--")
    if done.returncode != 0:
        raise ReviewError(f"`git diff --name-status {commit}` failed in {root}: {done.stderr}")
    found = []
    for line in done.stdout.splitlines():
        status, _, path = line.partition("\t")
        found.append(ChangedFile(status[:1], path))
    others = run_git(root, "ls-files", "--others", "--exclude-standard")
    venvs: dict[str, bool] = {}
    found += [
        ChangedFile("?", path)
        for path in others.stdout.splitlines()
        if path and not _in_virtual_environment(root, path, venvs)
    ]
    return sorted(found, key=lambda f: (f.path, f.status))


def _in_virtual_environment(root: Path, path: str, known: dict[str, bool]) -> bool:
    """Whether a folder above ``path`` (below ``root``) holds a ``pyvenv.cfg``; ``known`` keeps
    the answer per folder."""
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/".join(parts[:depth])
        if folder not in known:
            known[folder] = (root / folder / "pyvenv.cfg").is_file()
        if known[folder]:
            return True
    return False


def file_at(root: Path, commit: str, path: str) -> str | None:
    """The text of ``path`` at ``commit``, or None when it does not exist there."""
    done = run_git(root, "show", f"{commit}:{path}")
    return done.stdout if done.returncode == 0 else None


def blob_at(root: Path, rev: str, name: str) -> str | None:
    """The text of the file ``name`` at ``rev``, read as exactly that path; None when absent."""
    # `cat-file blob` reads exactly that path; `git show REV:path` treats a path with `[...]`
    # (a parametrized scenario) that REV lacks as a pattern and exits 0 with no output.
    # Bytes, decoded here: line endings as stored, bytes that are not UTF-8 kept as surrogate
    # escapes for the golden reader to report (text mode would translate CR LF, or raise).
    done = subprocess.run(
        ["git", "-C", str(root), "cat-file", "blob", f"{rev}:{name}"],
        capture_output=True,
        check=False,
    )
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


_WORKTREE_PREFIX = "golden-base-"
_OURS = re.compile(rf"^{_WORKTREE_PREFIX}(\d+)-")


@contextmanager
def temporary_worktree(root: Path, commit: str) -> Iterator[Path]:
    """A detached git worktree of ``commit`` in a temporary folder, removed on every exit.

    The worktree is removed (and pruned from git's list) when the block ends, also on an error,
    ``KeyboardInterrupt`` or the ``CommandInterrupted`` of ``SIGTERM`` (see ``moves._interrupts``).
    Its folder, ``golden-base-<pid>-<random>``, names the process that made it: stale worktrees
    of processes that are gone (killed by ``SIGKILL``) are removed first, see
    :func:`remove_stale_worktrees`.
    """
    remove_stale_worktrees(root)
    parent = Path(tempfile.mkdtemp(prefix=f"{_WORKTREE_PREFIX}{os.getpid()}-"))
    path = parent / "base"
    try:
        done = run_git(root, "worktree", "add", "--detach", "--quiet", str(path), commit)
        if done.returncode != 0:
            raise ReviewError(
                f"Cannot create a worktree of {commit!r} at {path}: {done.stderr.strip()}"
            )
        yield path
    finally:
        _remove_worktree(root, path)


def _remove_worktree(root: Path, path: Path) -> None:
    run_git(root, "worktree", "remove", "--force", str(path))
    shutil.rmtree(path.parent, ignore_errors=True)
    run_git(root, "worktree", "prune")


def remove_stale_worktrees(root: Path) -> list[Path]:
    """Remove the worktrees of ``root`` that :func:`temporary_worktree` made in a process that
    no longer runs; return their paths.

    Only worktrees in a ``golden-base-<pid>-*`` folder of the system temporary folder count, and
    only when process ``pid`` is gone, so a command running at the same time keeps its own.
    """
    listed = run_git(root, "worktree", "list", "--porcelain")
    if listed.returncode != 0:
        return []
    temporary = Path(tempfile.gettempdir()).resolve()
    removed = []
    for line in listed.stdout.splitlines():
        if not line.startswith("worktree "):
            continue
        path = Path(line[len("worktree ") :])
        ours = _OURS.match(path.parent.name)
        if (
            ours is not None
            and path.name == "base"
            and path.parent.parent.resolve() == temporary
            and process_is_gone(int(ours.group(1)))
        ):
            _remove_worktree(root, path)
            removed.append(path)
    return removed


def blobs_at(root: Path, commit: str, paths: list[str]) -> dict[str, bytes | None]:
    """The bytes of each path at ``commit`` (None where it does not exist), read by one
    ``git cat-file --batch``."""
    if not paths:
        return {}
    request = "".join(f"{commit}:{path}\n" for path in paths).encode()
    done = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input=request,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise ReviewError(
            f"`git cat-file --batch` failed in {root} (exit {done.returncode}): "
            f"{done.stderr.decode(errors='replace').strip()}; run `git fsck` to see why."
        )
    found: dict[str, bytes | None] = {}
    out, at = done.stdout, 0
    for path in paths:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[path] = out[at : at + size]
            at += size + 1
        else:
            found[path] = None
    return found
