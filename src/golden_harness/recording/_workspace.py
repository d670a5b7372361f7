"""Watch a scenario's workspace folder and describe what a call created, changed or removed.

A snapshot maps each file's path (relative, with ``/``) to its size and SHA-256 digest. Events
carry the text content of small UTF-8 files (normalized) and ``sha256:<hex>`` plus the size for
anything else, in path order. Folders listed in ``ignore`` (``.git`` by default) are skipped, and
so are the files that match one of ``patterns`` (globs). Paths go through the normalizer too.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FileState", "WorkspaceWatcher"]

TEXT_LIMIT = 4096


@dataclass(frozen=True)
class FileState:
    """What a snapshot knows about one file."""

    size: int
    digest: str


class WorkspaceWatcher:
    """Snapshots ``root`` and turns the difference between two snapshots into ``file`` events."""

    def __init__(
        self, root: Path, *, ignore: Iterable[str] = (".git",), patterns: Sequence[str] = ()
    ) -> None:
        self.root = root
        self.ignore = frozenset(ignore)
        # The recorder's list itself: patterns added during the scenario apply at once.
        self.patterns = patterns

    def ignored(self, rel: str) -> bool:
        """Whether the file at ``rel`` (relative, with ``/``) matches an ignore pattern."""
        name = rel.rsplit("/", 1)[-1]
        return any(
            fnmatch.fnmatchcase(rel if "/" in pattern else name, pattern)
            for pattern in self.patterns
        )

    def snapshot(self) -> dict[str, FileState]:
        """The current state of every file under the workspace, by relative path."""
        states: dict[str, FileState] = {}
        if not self.root.is_dir():
            return states
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in self.ignore)
            for name in files:
                path = Path(folder, name)
                if path.is_symlink() or not path.is_file():
                    continue
                data = path.read_bytes()
                rel = path.relative_to(self.root).as_posix()
                states[rel] = FileState(len(data), hashlib.sha256(data).hexdigest())
        return states

    def changes(
        self,
        before: dict[str, FileState],
        after: dict[str, FileState],
        text: Callable[[str], Any],
    ) -> list[dict[str, Any]]:
        """``file`` events for the differences, in path order; ``text`` normalizes contents."""
        events: list[dict[str, Any]] = []
        for rel in sorted(before.keys() | after.keys()):
            old, new = before.get(rel), after.get(rel)
            if old == new or self.ignored(rel):
                continue
            if new is None:
                events.append({"file": "removed", "path": text(rel)})
                continue
            kind = "created" if old is None else "changed"
            event: dict[str, Any] = {"file": kind, "path": text(rel)}
            event.update(self._content(rel, new, text))
            events.append(event)
        return events

    def _content(self, rel: str, state: FileState, text: Callable[[str], Any]) -> dict[str, Any]:
        if state.size <= TEXT_LIMIT:
            try:
                return {"content": text((self.root / rel).read_bytes().decode("utf-8"))}
            except UnicodeDecodeError:
                pass
        return {"size": state.size, "digest": f"sha256:{state.digest}"}
