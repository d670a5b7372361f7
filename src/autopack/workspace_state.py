"""Exact snapshots of a git workspace, and their restoration, without touching the user's index.

A snapshot records HEAD, the index (as a tree), the working tree (every tracked and untracked,
not ignored file, with its mode and content, as a tree written through a temporary index), and
the empty directories. Restoring writes every file of the working-tree snapshot back, deletes the
tracked files the snapshot did not have, resets the index to the snapshot's index and recreates
the empty directories, so uncommitted edits, staged changes, untracked files and empty
directories all survive a rollback. Paths in `keep` (the run folder, the database file) are never
captured, cleaned or overwritten. Ignored files are neither captured nor removed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autopack.git_commands import run_git
from autopack.run_folder import RUNS_DIRNAME

GIT_STATE_TIMEOUT_SECONDS = 120


class WorkspaceStateError(Exception):
    """A git command of a snapshot or a restore failed; the message names it and git's error."""


@dataclass(frozen=True)
class WorkspaceState:
    """A workspace as it was: HEAD, the index tree, the working-tree tree and the empty dirs."""

    head: str
    index_tree: str
    worktree_tree: str
    empty_dirs: tuple[str, ...] = ()
    keep: tuple[str, ...] = field(default=())


def run_keep_paths(workspace: Path, db_file: Path | None) -> tuple[str, ...]:
    """The paths a run's snapshots leave alone: the run folder, and the database file when it lies
    in the workspace."""
    keep = [f"{RUNS_DIRNAME}/"]
    if db_file is not None:
        try:
            rel = db_file.resolve().relative_to(Path(workspace).resolve()).as_posix()
        except ValueError:
            rel = None
        if rel and not rel.startswith(f"{RUNS_DIRNAME}/"):
            keep.append(rel)
    return tuple(keep)


def _git(
    workspace: Path, *args: str, index_file: Path | None = None, ok_codes: tuple[int, ...] = (0,)
) -> str:
    import subprocess

    env = None
    if index_file is not None:
        env = {**os.environ, "GIT_INDEX_FILE": str(index_file)}
    try:
        proc = run_git(
            workspace,
            *args,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=GIT_STATE_TIMEOUT_SECONDS,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        raise WorkspaceStateError(f"git {args[0]} timed out") from exc
    except OSError as exc:
        raise WorkspaceStateError(f"git {args[0]} could not run: {exc}") from exc
    if proc.returncode not in ok_codes:
        detail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[:3])
        raise WorkspaceStateError(f"git {args[0]} failed: {detail}")
    return proc.stdout


def _is_kept(path: str, keep: Sequence[str]) -> bool:
    return any(path == k.rstrip("/") or path.startswith(k.rstrip("/") + "/") for k in keep)


def _empty_dirs(workspace: Path, keep: Sequence[str]) -> tuple[str, ...]:
    """Empty directories outside `.git`, `keep` and ignored directories (which a clean spares)."""
    listed = _git(
        workspace, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"
    )
    ignored = {entry.rstrip("/") for entry in listed.split("\0") if entry.endswith("/")}
    found: list[str] = []
    for root, dirs, files in os.walk(workspace):
        rel_root = Path(root).relative_to(workspace).as_posix()
        kept_dirs = []
        for d in dirs:
            rel = d if rel_root == "." else f"{rel_root}/{d}"
            if (rel_root == "." and d == ".git") or _is_kept(rel, keep) or rel in ignored:
                continue
            kept_dirs.append(d)
        dirs[:] = kept_dirs
        if rel_root != "." and not dirs and not files:
            found.append(rel_root)
    return tuple(sorted(found))


def _temporary_index(workspace: Path, directory: str) -> Path:
    """A copy of the repository's index (its stat data makes `git add -A` fast) in `directory`."""
    import shutil

    real = Path(_git(workspace, "rev-parse", "--git-path", "index").strip())
    if not real.is_absolute():
        real = workspace / real
    temp = Path(directory) / "index"
    if real.exists():
        shutil.copyfile(real, temp)
    return temp


def capture_workspace_state(workspace: Path, *, keep: Sequence[str] = ()) -> WorkspaceState:
    """Snapshot the workspace without changing it (objects are added to git's object store only).

    Raises WorkspaceStateError, e.g. when the index holds unresolved merge conflicts or is locked
    (the message then names the problem and its fix, `git_problems.repository_problem`).
    """
    import tempfile

    workspace = Path(workspace)
    head = _git(workspace, "rev-parse", "--verify", "HEAD").strip()
    try:
        index_tree = _git(workspace, "write-tree").strip()
    except WorkspaceStateError as exc:
        from autopack.git_problems import repository_problem

        problem = repository_problem(workspace)
        raise WorkspaceStateError(
            f"the index cannot be recorded ({exc})" + (f": {problem}" if problem else "")
        ) from exc
    with tempfile.TemporaryDirectory(prefix="autopack-state-") as directory:
        index = _temporary_index(workspace, directory)
        _git(workspace, "add", "-A", "--", ".", index_file=index)
        if keep:
            _git(
                workspace,
                "rm",
                "-r",
                "-q",
                "--cached",
                "--ignore-unmatch",
                "--",
                *(f":(top,literal){path.rstrip('/')}" for path in keep),
                index_file=index,
            )
        worktree_tree = _git(workspace, "write-tree", index_file=index).strip()
    return WorkspaceState(
        head=head,
        index_tree=index_tree,
        worktree_tree=worktree_tree,
        empty_dirs=_empty_dirs(workspace, keep),
        keep=tuple(keep),
    )


def restore_workspace_files(workspace: Path, state: WorkspaceState) -> None:
    """Bring back the snapshot's files, index and empty directories over a checkout of its HEAD.

    Expects HEAD at `state.head` with the working tree reset to it (`git reset --hard`) and
    cleaned. Raises WorkspaceStateError.
    """
    import tempfile

    workspace = Path(workspace)
    deleted = _git(
        workspace,
        "diff-tree",
        "-r",
        "-z",
        "--name-only",
        "--no-renames",
        "--diff-filter=D",
        state.head,
        state.worktree_tree,
    )
    for path in deleted.split("\0"):
        if path and not _is_kept(path, state.keep):
            target = workspace / path
            if target.is_file() or target.is_symlink():
                target.unlink()
    with tempfile.TemporaryDirectory(prefix="autopack-state-") as directory:
        index = Path(directory) / "index"
        _git(workspace, "read-tree", state.worktree_tree, index_file=index)
        _git(workspace, "checkout-index", "-a", "-f", index_file=index)
    _git(workspace, "read-tree", state.index_tree)
    _git(workspace, "update-index", "-q", "--refresh", ok_codes=(0, 1))
    for rel in state.empty_dirs:
        (workspace / rel).mkdir(parents=True, exist_ok=True)


def gitignore_literal(path: str) -> str:
    escaped = re.sub(r"([\\*?\[\]!#])", r"\\\1", path)
    if escaped.endswith(" "):
        escaped = escaped[:-1] + "\\ "
    return escaped


def restore_workspace_state(workspace: Path, state: WorkspaceState) -> None:
    """Return the workspace to the snapshot: reset to its HEAD, clean, and restore its files.

    Files and directories that are ignored, or under `keep`, are left alone. The branch is not
    changed. Raises WorkspaceStateError.
    """
    workspace = Path(workspace)
    _git(workspace, "reset", "-q", "--hard", state.head)
    clean = ["clean", "-fdq"]
    for path in state.keep:
        clean.extend(["-e", "/" + gitignore_literal(path)])
    _git(workspace, *clean)
    restore_workspace_files(workspace, state)
