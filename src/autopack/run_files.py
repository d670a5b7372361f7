"""The one way autopack writes the files of a run under `.autonomous_runs/`.

CI logs and reports, diagnostics, research records, the rollback log and the phase-in-progress
marker all pass through `write_run_text` or `append_run_text`. A write that fails (a full disk, a
read-only folder, a file-size limit, a file where a folder should be) raises `RunFileError` (a `RunStorageError`),
naming the file and the system's error, which stops the run: the record of a run that cannot be
written is not trusted to go on. Whole files are written atomically (a temporary file in the same
folder, renamed into place), so a file is either the old one or the new one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from autopack.exceptions import RunFileError


def _failure(path: Path, exc: OSError, *, temporary: Path | None = None) -> RunFileError:
    """The error for a failed write of `path`; names the folder or file that stood in the way
    when it is another one (a file where a folder should be)."""
    problem = exc.strerror or str(exc)
    culprit = exc.filename
    if culprit is not None and str(culprit) not in (str(path), str(temporary)):
        problem = f"{problem}: {str(culprit)!r}"
    return RunFileError(str(path), problem)


def write_run_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8) as the whole content of `path`, creating its folders; atomic."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise _failure(path, exc, temporary=temporary) from exc


def append_run_text(path: Path, text: str) -> None:
    """Append `text` (UTF-8) to `path`, creating it and its folders when missing."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise _failure(path, exc) from exc


def remove_run_file(path: Path) -> None:
    """Remove `path` when it exists."""
    path = Path(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise _failure(path, exc) from exc
