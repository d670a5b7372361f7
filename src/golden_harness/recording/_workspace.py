"""Watch a scenario's workspace folder and describe what the seam created, changed or removed,
at the point of the trace where it happened.

A snapshot maps each file's path (relative, with ``/``) to its :class:`FileState`: size,
modification time, inode, permission bits and SHA-256 digest. A new snapshot reads (and hashes)
only the files whose ``stat`` changed, or whose modification time is too recent to tell a
rewrite of the same size from no change (file systems keep coarse times).

The recorder asks :meth:`WorkspaceWatcher.changes_since_last` before each event it records, and
:class:`WriteHooks` keeps that cheap: it tells whether anything could have written a file since
the last look (``open`` for writing, ``os.remove``, ``os.rename``, ``os.chmod``, ``os.mkdir``,
``os.truncate``, ``os.utime``, ``os.symlink``/``os.link``, a raw ``os.open``, a ``sqlite3``
connection), and the workspace is looked at only then. A file opened for writing and not yet
closed, a raw file descriptor or a database connection keeps the workspace under watch until the
end of the call. A write the hooks cannot see (a name imported with ``from os import remove``, a
C library writing a file it opened itself) is found at the next look, at the latest at the end
of the call.

Events carry the text content of small UTF-8 files (normalized) and ``sha256:<hex>`` plus the
size for anything else, and ``mode`` (octal permission bits, ``"0755"``) when it is not ``0644``
(the mode of a new file under the harness's umask) or when it changed. Within one look, events are
in path order. Folders listed in ``ignore`` (``.git`` by default) are skipped, and so are the
files that match one of ``patterns`` (globs).
"""

from __future__ import annotations

import builtins
import fnmatch
import hashlib
import io
import os
import stat
import sys
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_MODE", "FileState", "WorkspaceWatcher", "WriteHooks", "write_hooks"]

TEXT_LIMIT = 4096
DEFAULT_MODE = 0o644
_RACY_NS = 50_000_000
"""A file modified less than this long (50 ms) before it was read may change again unseen."""

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_OS_WRITERS = (
    "remove", "unlink", "rename", "replace", "rmdir", "mkdir", "chmod", "truncate",
    "utime", "symlink", "link", "makedirs", "removedirs", "renames",
)  # fmt: skip


@dataclass(frozen=True)
class FileState:
    """What a snapshot knows about one file."""

    size: int
    mtime_ns: int
    inode: int
    mode: int
    digest: str
    racy: bool = False

    def same_stat(self, other: os.stat_result) -> bool:
        return (
            not self.racy
            and self.size == other.st_size
            and self.mtime_ns == other.st_mtime_ns
            and self.inode == other.st_ino
        )


class WorkspaceWatcher:
    """Snapshots ``root`` and turns the difference between two snapshots into ``file`` events."""

    def __init__(
        self, root: Path, *, ignore: Iterable[str] = (".git",), patterns: Sequence[str] = ()
    ) -> None:
        self.root = root
        self.ignore = frozenset(ignore)
        # The recorder's list itself: patterns added during the scenario apply at once.
        self.patterns = patterns
        self.last: dict[str, FileState] = {}

    def ignored(self, rel: str) -> bool:
        """Whether the file at ``rel`` (relative, with ``/``) matches an ignore pattern."""
        name = rel.rsplit("/", 1)[-1]
        return any(
            fnmatch.fnmatchcase(rel if "/" in pattern else name, pattern)
            for pattern in self.patterns
        )

    def start(self) -> None:
        """Take the snapshot later looks are compared with."""
        self.last = self.snapshot(self.last)

    def snapshot(self, previous: dict[str, FileState] | None = None) -> dict[str, FileState]:
        """The state of every file under the workspace; files whose ``stat`` matches their
        state in ``previous`` are not read again."""
        previous = previous or {}
        states: dict[str, FileState] = {}
        if not self.root.is_dir():
            return states
        now = time.clock_gettime_ns(time.CLOCK_REALTIME)
        stack = [(str(self.root), "")]
        while stack:
            folder, prefix = stack.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in self.ignore:
                            stack.append((entry.path, rel + "/"))
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    known = previous.get(rel)
                    if known is not None and known.same_stat(info):
                        states[rel] = known
                        continue
                    states[rel] = _read_state(entry.path, info, now)
        return states

    def changes_since_last(self, text: Callable[[str], Any]) -> list[dict[str, Any]]:
        """``file`` events for what changed since the last look (which this becomes)."""
        current = self.snapshot(self.last)
        events = self.changes(self.last, current, text)
        self.last = current
        return events

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
            if self.ignored(rel):
                continue
            if new is None:
                events.append({"file": "removed", "path": text(rel)})
                continue
            content_changed = old is None or old.digest != new.digest
            mode_changed = old is not None and old.mode != new.mode
            if not (content_changed or mode_changed):
                continue
            event: dict[str, Any] = {
                "file": "created" if old is None else "changed",
                "path": text(rel),
            }
            if content_changed:
                event.update(self._content(rel, new, text))
            if mode_changed or new.mode != DEFAULT_MODE:
                event["mode"] = f"{new.mode:04o}"
            events.append(event)
        return events

    def _content(self, rel: str, state: FileState, text: Callable[[str], Any]) -> dict[str, Any]:
        if state.size <= TEXT_LIMIT:
            try:
                return {"content": text((self.root / rel).read_bytes().decode("utf-8"))}
            except (UnicodeDecodeError, OSError):
                pass
        return {"size": state.size, "digest": f"sha256:{state.digest}"}


_SQLITE_HEADER = b"SQLite format 3\x00"
# Bytes 92 to 99 of a SQLite database's header name the library version that last wrote it.


def _digest(path: str) -> str:
    """The SHA-256 of the file; a SQLite database's library version fields count as zeros, so
    the digest does not change with the SQLite library of the machine."""
    with io.open(path, "rb") as handle:  # noqa: UP020 (the real open, whatever is patched)
        head = handle.read(100)
        if head.startswith(_SQLITE_HEADER) and len(head) == 100:
            head = head[:92] + bytes(8)
        digest = hashlib.sha256(head)
        return hashlib.file_digest(handle, lambda: digest).hexdigest()


def _read_state(path: str, info: os.stat_result, now: int) -> FileState:
    try:
        digest = _digest(path)
    except OSError:
        digest = "unreadable"
    return FileState(
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        inode=info.st_ino,
        mode=stat.S_IMODE(info.st_mode),
        digest=digest,
        racy=now - info.st_mtime_ns < _RACY_NS,
    )


class WriteHooks:
    """Wraps the functions through which Python code writes files, so the recorder knows when
    to look at the workspace (see the module docstring). Active between ``__enter__`` and
    ``__exit__``; :attr:`dirty` says whether anything may have written since :meth:`clean`."""

    def __init__(self) -> None:
        self._maybe = False
        self._sticky = False
        self._writers: weakref.WeakSet[Any] = weakref.WeakSet()
        self._saved: list[tuple[Any, str, Any]] = []
        self._wrappers: list[tuple[Any, str, Any]] = []
        self._depth = 0
        self._real_open = io.open

    @property
    def dirty(self) -> bool:
        if self._maybe or self._sticky:
            return True
        return any(not getattr(f, "closed", True) for f in list(self._writers))

    def clean(self) -> None:
        """Note that the workspace was just looked at."""
        self._maybe = False

    def mark(self) -> None:
        """Note that something may have written a file."""
        self._maybe = True

    def __enter__(self) -> WriteHooks:
        self._depth += 1
        if self._depth > 1:  # a call inside a call: the hooks are in place already
            return self
        self._maybe = self._sticky = False
        if not self._wrappers:
            self._wrappers = self._build()
        for owner, name, wrapper in self._wrappers:
            self._set(owner, name, wrapper)
        for module_name in ("sqlite3", "sqlite3.dbapi2"):
            module = sys.modules.get(module_name)
            if module is not None and hasattr(module, "connect"):
                self._set(module, "connect", _marking(module.connect, self._stick))
        return self

    def _build(self) -> list[tuple[Any, str, Any]]:
        """The wrappers, made once: ``(owner, name, wrapper)``."""
        hooks = self
        real_open = self._real_open

        def open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = real_open(file, mode, *args, **kwargs)
            if isinstance(mode, str) and any(c in mode for c in "wax+"):
                hooks._maybe = True
                try:
                    hooks._writers.add(handle)
                except TypeError:
                    hooks._sticky = True
            return handle

        raw_open = os.open

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & _WRITE_FLAGS:
                hooks._sticky = True
            return raw_open(path, flags, *args, **kwargs)

        wrappers: list[tuple[Any, str, Any]] = [
            (builtins, "open", open),
            (io, "open", open),
            (os, "open", os_open),
        ]
        for name in _OS_WRITERS:
            original = getattr(os, name, None)
            if original is not None:
                wrappers.append((os, name, _marking(original, self.mark)))
        return wrappers

    def _stick(self) -> None:
        self._sticky = True

    def _set(self, owner: Any, name: str, value: Any) -> None:
        self._saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth:
            return
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()
        self._writers.clear()
        self._sticky = False


write_hooks = WriteHooks()
"""The process-wide hooks every recorder uses (their wrappers are made once)."""


def _marking(original: Callable[..., Any], mark: Callable[[], None]) -> Callable[..., Any]:
    def marked(*args: Any, **kwargs: Any) -> Any:
        mark()
        return original(*args, **kwargs)

    marked.__name__ = getattr(original, "__name__", "marked")
    marked.__wrapped__ = original  # type: ignore[attr-defined]
    return marked
