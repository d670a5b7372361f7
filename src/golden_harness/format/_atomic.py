"""Atomic file writes: a file the harness writes is either its old self or the new one, whole.

Goldens, harvested scenarios and report files (``--json FILE``) are committed, compared and read
by other programs, so a write that cannot finish (disk full, a file-size limit, a read-only
folder) or a process killed at any instant must not leave a truncated file behind.
:func:`write_atomic` writes a temporary file in the destination's folder (``os.replace`` is atomic
only within one file system), flushes and fsyncs it, then renames it over the destination and
fsyncs the folder. A write error removes the temporary file, leaves the old file byte-identical
and raises :class:`~golden_harness.exceptions.FileWriteError` naming the file, the error and the fix.

A process killed between creating and renaming its temporary file leaves it behind, named
``.<name>.<pid>-<random>.tmp``; the next write of the same file removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from golden_harness.exceptions import FileWriteError

__all__ = ["write_atomic"]

_TEMP_SUFFIX = ".tmp"


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{_TEMP_SUFFIX}")


def _process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _remove_stale_temporaries(target: Path) -> None:
    """Remove temporary files of ``target`` left by processes that no longer run."""
    prefix = f".{target.name}."
    with contextlib.suppress(OSError):
        for leftover in target.parent.iterdir():
            name = leftover.name
            if not (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX)):
                continue
            pid, _, _ = name[len(prefix) : -len(_TEMP_SUFFIX)].partition("-")
            if pid.isdigit() and _process_is_gone(int(pid)):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _new_file_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file (0o666 less the umask)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
) -> None:
    """Replace the file at ``path`` by ``data`` (text is encoded with ``encoding``), atomically.

    The destination keeps its permission bits (a new file gets those ``open`` would give it); a
    destination that is a symbolic link keeps the link and gets its target replaced. Raises
    :class:`FileWriteError` (an ``OSError`` too) when the file cannot be written; the old file is
    then unchanged and no temporary file is left.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _new_file_mode()
    except OSError as error:
        raise FileWriteError(target, error) from error
    _remove_stale_temporaries(target)
    temporary = _temporary_name(target)
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise FileWriteError(target, error) from error
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(payload)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise FileWriteError(target, error) from error
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable where the file system can sync a folder (not every one can)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
