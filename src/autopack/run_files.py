"""The one way autopack writes the files of a run under `.autonomous_runs/`.

CI logs and reports, diagnostics, research records, the rollback log and the phase-in-progress
marker all pass through `write_run_text` or `append_run_text`. A write that fails (a full disk, a
read-only folder, a file-size limit, a file where a folder should be) raises `RunFileError` (a
`RunStorageError`), naming the file and the system's error, which stops the run: the record of a
run that cannot be written is not trusted to go on. Whole files are written atomically (a
temporary file in the same folder, renamed into place), so a file is either the old one or the
new one.

No run file is written through a symbolic link that leads outside the workspace (a repository
may commit `.autonomous_runs` as such a link): `check_run_folder` refuses one before a run writes
anything (WorkspaceError), and each write checks its own path again.

Everything written is redacted first with the run's Redactor (`autopack.run_redaction`): secrets
of the environment, and text shaped like a credential, become `<redacted>`. JSON is redacted as
data (`write_run_json`), so a secret JSON escapes is found too.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from autopack.exceptions import RunFileError, WorkspaceError
from autopack.run_folder import RUNS_DIRNAME
from autopack.run_redaction import redact_data, redact_text

_DATABASE_FILES = ("autopack.db", "autopack.db-journal", "autopack.db-wal", "autopack.db-shm")
_LOCK_FILE = "run.lock"


def _outside_link(path: Path, workspace: Path) -> tuple[Path, str] | None:
    """The first link on `path`, from the runs folder down, that leads outside `workspace`, with
    its target as written; None when there is none."""
    root = workspace.resolve()
    current = workspace
    for part in path.relative_to(workspace).parts:
        current = current / part
        if current.is_symlink():
            if not current.resolve().is_relative_to(root):
                return current, os.readlink(current)
        elif not current.exists():
            return None
    return None


def _runs_folder_workspace(path: Path) -> Path | None:
    """The workspace of a path under its runs folder (None for another path)."""
    parts = path.parts
    if RUNS_DIRNAME not in parts:
        return None
    return Path(*parts[: parts.index(RUNS_DIRNAME)])


def _refuse_outside_links(path: Path) -> None:
    workspace = _runs_folder_workspace(path)
    if workspace is None:
        return
    found = _outside_link(path, workspace)
    if found is not None:
        link, target = found
        raise RunFileError(
            str(path),
            f"it passes through the link {str(link)!r} -> {target!r}, outside the workspace",
        )


def check_run_folder(workspace: Path, run_id: str) -> None:
    """Refuse (WorkspaceError) a runs folder through which a run would write outside `workspace`.

    Checked: the runs folder itself, the lock and default database files in it, the run's own
    folder and everything under it. A link that stays inside the workspace is accepted.
    """
    workspace = Path(workspace)
    runs = workspace / RUNS_DIRNAME
    paths = [runs, *(runs / name for name in (_LOCK_FILE, *_DATABASE_FILES)), runs / run_id]
    run_folder = runs / run_id
    if run_folder.is_dir() and not run_folder.is_symlink() and not runs.is_symlink():
        for root, dirs, files in os.walk(run_folder):
            paths.extend(Path(root) / name for name in (*dirs, *files))
    for path in paths:
        found = _outside_link(path, workspace)
        if found is not None:
            link, target = found
            raise WorkspaceError(
                f"{str(link)!r} is a link to {target!r}, outside the workspace; autopack writes "
                "its run files there and will not write outside the workspace: remove the link "
                "(autopack creates a folder of its own)"
            )


def _failure(path: Path, exc: OSError, *, temporary: Path | None = None) -> RunFileError:
    """The error for a failed write of `path`; names the folder or file that stood in the way
    when it is another one (a file where a folder should be)."""
    problem = exc.strerror or str(exc)
    culprit = exc.filename
    if culprit is not None and str(culprit) not in (str(path), str(temporary)):
        problem = f"{problem}: {str(culprit)!r}"
    return RunFileError(str(path), problem)


def write_run_text(path: Path, text: str) -> None:
    """Write `text` (UTF-8), redacted, as the whole content of `path`, creating its folders;
    atomic."""
    path = Path(path)
    _refuse_outside_links(path)
    text = redact_text(text)
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


def write_run_json(
    path: Path,
    data: Any,
    *,
    sort_keys: bool = False,
    default: Callable[[Any], Any] | None = None,
) -> None:
    """Write `data` as JSON indented by 2 (and a final line break) as the whole content of
    `path`, like `write_run_text`. The data is redacted before it is serialized (`redact_data`;
    `default` converts what JSON cannot hold, as for `json.dumps`)."""
    text = json.dumps(redact_data(data, default=default), indent=2, sort_keys=sort_keys)
    write_run_text(path, text + "\n")


def append_run_text(path: Path, text: str) -> None:
    """Append `text` (UTF-8), redacted, to `path`, creating it and its folders when missing."""
    path = Path(path)
    _refuse_outside_links(path)
    text = redact_text(text)
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
    _refuse_outside_links(path)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise _failure(path, exc) from exc
