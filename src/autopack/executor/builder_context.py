"""The Builder's file context: the files under a phase's allowed paths and its read-only context.

Reads `workspace` from the executor. Walks in sorted order, leaving out `.git`, the runs folder
and `__pycache__`; a file over the size limit, not UTF-8, or past the count limit is left out, and
so is a path that leads out of the workspace (`../`, an absolute path, a symbolic link to a file
elsewhere): what the Builder sees, and sends to a model, is the workspace's own files only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from autopack.run_folder import RUNS_DIRNAME

# Builder context limits: at most this many files, each at most this many bytes.
MAX_CONTEXT_FILES = 200
MAX_CONTEXT_FILE_BYTES = 200_000

logger = logging.getLogger(__name__)


def load_file_context(
    executor, phase: dict[str, Any], allowed_paths: list[str] | None
) -> dict[str, Any]:
    """Read the files under the phase's allowed paths (and read-only context) for the Builder."""
    existing: dict[str, str] = {}
    read_only: list[str] = []
    scope = phase.get("scope") or {}
    workspace = executor.workspace.resolve()

    def outside(path: Path, shown: str) -> bool:
        if path.resolve().is_relative_to(workspace):
            return False
        logger.warning("Context path %s leads outside the workspace; left out", shown)
        return True

    def add_file(relative: str, *, read_only_file: bool) -> None:
        if len(existing) >= MAX_CONTEXT_FILES or relative in existing:
            return
        target = executor.workspace / relative
        if outside(target, relative):
            return
        try:
            if target.stat().st_size > MAX_CONTEXT_FILE_BYTES:
                logger.debug("Context file %s too large; left out", relative)
                return
            existing[relative] = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        if read_only_file:
            read_only.append(relative)

    def add_tree(root: str, *, read_only_file: bool) -> None:
        base = executor.workspace / root
        if outside(base, root):
            return
        if base.is_file():
            add_file(root.rstrip("/"), read_only_file=read_only_file)
            return
        if not base.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(
                d for d in dirnames if d not in (".git", RUNS_DIRNAME, "__pycache__")
            )
            for name in sorted(filenames):
                relative = Path(dirpath, name).relative_to(executor.workspace).as_posix()
                add_file(relative, read_only_file=read_only_file)

    for root in allowed_paths or []:
        add_tree(root, read_only_file=False)
    for root in scope.get("read_only_context") or []:
        add_tree(str(root), read_only_file=True)
    return {
        "existing_files": existing,
        "read_only_files": read_only,
        "scope_paths": list(allowed_paths or []),
    }
