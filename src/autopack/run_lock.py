"""One run per workspace: an exclusive lock on `.autonomous_runs/run.lock`, held for the whole run.

The lock is an advisory `flock` on the lock file (through `fcntl`), so the kernel drops it the
moment its process ends, however it ends (a crash, SIGKILL, a power cut): a lock can never be
left stuck. While it holds the lock, a run keeps its holder in the file (pid, run id, start time,
host), which a second run names when it is refused; the file is emptied when the run lets go.
A file that still names a holder when the lock is free was left by a process that died while
running: the new run takes the lock over and reports the dead holder (`RunLock.previous`).

`fcntl` rather than a lock library: the holder has to live in the locked file itself, and
libraries such as `filelock` empty the file each time they try the lock, which would erase it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from autopack.exceptions import WorkspaceBusyError, WorkspaceError
from autopack.run_folder import RUNS_DIRNAME

LOCK_FILENAME = "run.lock"
"""The lock file, in the runs folder."""


@dataclass(frozen=True)
class LockHolder:
    """The run that holds (or held) a workspace's lock."""

    pid: int | None
    run_id: str | None
    started_at: str | None
    host: str | None = None

    def describe(self) -> str:
        """`run 'r', pid 123 on host h, started 2024-01-02T03:04:05+00:00`, with what is known."""
        parts = [f"run {self.run_id!r}" if self.run_id else "an unknown run"]
        if self.pid is not None:
            on_host = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
            parts.append(f"pid {self.pid}{on_host}")
        if self.started_at:
            parts.append(f"started {self.started_at}")
        return ", ".join(parts)

    @classmethod
    def parse(cls, text: str) -> LockHolder | None:
        """The holder a lock file names; None for an empty file; fields unknown when unreadable."""
        if not text.strip():
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return cls(None, None, None)
        if not isinstance(data, dict):
            return cls(None, None, None)
        pid = data.get("pid")
        return cls(
            pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
            run_id=_text_or_none(data.get("run_id")),
            started_at=_text_or_none(data.get("started_at")),
            host=_text_or_none(data.get("host")),
        )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def lock_path(workspace: Path) -> Path:
    """Where a workspace's run lock lives."""
    return Path(workspace) / RUNS_DIRNAME / LOCK_FILENAME


class RunLock:
    """The workspace's run lock, taken with `acquire()` (or `with`) and let go with `release()`."""

    def __init__(self, workspace: Path, run_id: str) -> None:
        self.workspace = Path(workspace)
        self.run_id = run_id
        self.path = lock_path(self.workspace)
        self.previous: LockHolder | None = None
        """The holder a dead process left in the file, when the lock was taken over."""
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise WorkspaceBusyError naming the run that holds it.

        Creates the runs folder and the lock file when missing; raises WorkspaceError when they
        cannot be created or written.
        """
        try:
            self._acquire()
        except OSError as exc:
            raise WorkspaceError(
                f"cannot take the run lock {str(self.path)!r}: {exc.strerror or exc}; make the "
                "workspace's runs folder writable"
            ) from exc

    def _acquire(self) -> None:
        self.path.parent.mkdir(exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                holder = LockHolder.parse(_read_all(fd)) or LockHolder(None, None, None)
                raise WorkspaceBusyError(
                    f"workspace {str(self.workspace)!r} is in use by another autopack run "
                    f"({holder.describe()}; lock {self.path.relative_to(self.workspace)}); wait "
                    "for that run to end, or stop it, then run this command again"
                ) from None
            self.previous = LockHolder.parse(_read_all(fd))
            record = LockHolder(
                pid=os.getpid(),
                run_id=self.run_id,
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                host=socket.gethostname(),
            )
            os.ftruncate(fd, 0)
            os.pwrite(fd, (json.dumps(asdict(record)) + "\n").encode("utf-8"), 0)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Empty the lock file and let go of the lock (nothing to do when not held)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _read_all(fd: int) -> str:
    chunks: list[bytes] = []
    offset = 0
    while chunk := os.pread(fd, 65536, offset):
        chunks.append(chunk)
        offset += len(chunk)
        if offset > 1 << 20:
            break
    return b"".join(chunks).decode("utf-8", errors="replace")
