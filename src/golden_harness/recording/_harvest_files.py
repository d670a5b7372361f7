"""The workspace files a harvested scenario holds: every small text file of the workspace at the
start of the entry call, or only those the call opens for reading (the files it writes are left
out, a replay's seam makes them itself)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from golden_harness.format import ScenarioCodec

__all__ = ["IGNORED_FOLDERS", "WorkspaceFiles"]

# Folders of a workspace whose files are not laid out by a replay.
IGNORED_FOLDERS = frozenset(
    {
        ".git",
        ".autonomous_runs",
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
    }
)
_MAX_FILE_BYTES = 64_000


class WorkspaceFiles:
    """Reads the workspace's text files as scenario data (``mode``: ``"all"`` or ``"read"``)."""

    def __init__(
        self, workspace: Path | None, out_dir: Path, codec: ScenarioCodec, mode: str
    ) -> None:
        self._workspace = workspace
        self._out_dir = out_dir
        self._codec = codec
        self._mode = mode
        self._reading = False

    def all_files(self) -> dict[str, str]:
        """Every text file of the workspace now (``workspace_files="all"``), by relative path."""
        files: dict[str, str] = {}
        if self._workspace is None or self._mode != "all" or not self._workspace.is_dir():
            return files
        out_dir = self._out_dir.resolve()
        for folder, dirs, names in os.walk(self._workspace):
            dirs[:] = sorted(
                d for d in dirs if d not in IGNORED_FOLDERS and Path(folder, d) != out_dir
            )
            for name in sorted(names):
                content = self.text_file(Path(folder, name))
                if content is not None:
                    files[Path(folder, name).relative_to(self._workspace).as_posix()] = content
        return files

    def text_file(self, path: Path) -> str | None:
        """The content of the small text file at ``path`` as scenario data, else None."""
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_FILE_BYTES:
                return None
            return self._codec.text(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            return None

    def laid_out_path(self, file: Any) -> str | None:
        """``file`` relative to the workspace when it is a file a replay lays out, else None."""
        if self._workspace is None or not isinstance(file, (str, bytes, os.PathLike)):
            return None
        path = Path(os.path.realpath(os.fsdecode(file)))
        if not path.is_relative_to(self._workspace) or path.is_relative_to(self._out_dir.resolve()):
            return None
        rel = path.relative_to(self._workspace)
        if any(part in IGNORED_FOLDERS for part in rel.parts[:-1]):
            return None
        return rel.as_posix()

    def open_wrapper(
        self, original: Callable[..., Any], active: Callable[[], list[Any]]
    ) -> Callable[..., Any]:
        """``open`` noting, for each recording scenario of ``active()``, the workspace files the
        call reads (their content at first read) and writes."""
        files = self

        @functools.wraps(original)
        def open_file(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if files._reading:
                return original(file, mode, *args, **kwargs)
            recording = [s for s in active() if s.recording]
            rel = files.laid_out_path(file) if recording else None
            if rel is not None:
                writes = any(flag in mode for flag in "wax+")
                for scenario in recording:
                    if writes:
                        scenario.files_written.add(rel)
                    elif rel not in scenario.files and rel not in scenario.files_written:
                        files._reading = True
                        try:
                            content = files.text_file(Path(os.fsdecode(file)))
                        finally:
                            files._reading = False
                        if content is not None:
                            scenario.files[rel] = content
            return original(file, mode, *args, **kwargs)

        return open_file
