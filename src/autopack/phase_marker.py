"""The marker of the phase in progress, and the recovery of a phase whose run was killed.

Before each attempt of a phase, the run writes `.autonomous_runs/<run_id>/phase-in-progress.json`
(atomically, through `autopack.run_files`: a new file renamed into place) with the phase's checkpoint (`PhaseCheckpoint`: the
workspace state as git object ids, the phase's row, the last ids of its event rows), the attempt
and the process. The marker is removed when the phase ends (COMPLETE or FAILED is recorded) and
when an interrupt has returned the phase to its checkpoint.

A run that is killed outright (SIGKILL, a crash, a power cut) cannot clean up and leaves the
marker behind. The next run of that run id finds it while starting, before it takes its own run
checkpoint (`recover_interrupted_phase`): it returns the workspace and the phase's rows to the
checkpoint, removes the marker, and the run goes on with the phase as if it had not started. A
marker whose phase is already COMPLETE or FAILED was left between recording the end and removing
the marker: it is removed without touching anything.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autopack.db.models import PhaseState
from autopack.exceptions import WorkspaceError
from autopack.phase_checkpoint import PhaseCheckpoint, phase_row, restore_phase_checkpoint
from autopack.run_files import remove_run_file, write_run_json
from autopack.run_folder import RUNS_DIRNAME
from autopack.workspace_state import WorkspaceState

logger = logging.getLogger(__name__)

MARKER_NAME = "phase-in-progress.json"
MARKER_VERSION = 1
_DATETIME_FIELDS = ("last_attempt_timestamp", "completed_at")


@dataclass(frozen=True)
class PhaseMarker:
    """A marker as read back: the checkpoint, and which attempt of which process wrote it."""

    checkpoint: PhaseCheckpoint
    attempt: int
    pid: int
    written_at: str


def marker_path(workspace: Path, run_id: str) -> Path:
    """Where run `run_id` keeps the marker of its phase in progress."""
    return Path(workspace) / RUNS_DIRNAME / run_id / MARKER_NAME


def write_phase_marker(
    workspace: Path, run_id: str, checkpoint: PhaseCheckpoint, *, attempt: int
) -> None:
    """Record that `attempt` (counted from 1 in this run) of the checkpoint's phase starts now."""
    row = dict(checkpoint.row) if checkpoint.row is not None else None
    if row is not None:
        for name in _DATETIME_FIELDS:
            if isinstance(row.get(name), datetime):
                row[name] = row[name].isoformat()
    data = {
        "version": MARKER_VERSION,
        "phase_id": checkpoint.phase_id,
        "attempt": attempt,
        "pid": os.getpid(),
        "written_at": datetime.now(UTC).isoformat(),
        "workspace": asdict(checkpoint.workspace) if checkpoint.workspace is not None else None,
        "row": row,
        "last_event_ids": checkpoint.last_event_ids,
    }
    write_run_json(marker_path(workspace, run_id), data)


def clear_phase_marker(workspace: Path, run_id: str) -> None:
    """Remove the marker of run `run_id`, if there is one."""
    remove_run_file(marker_path(workspace, run_id))


def read_phase_marker(workspace: Path, run_id: str) -> PhaseMarker | None:
    """The marker run `run_id` left, or None; raises WorkspaceError when it cannot be read."""
    path = marker_path(workspace, run_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, str(exc)) from exc
    try:
        data = json.loads(text)
        state = data["workspace"]
        row = data["row"]
        if row is not None:
            for name in _DATETIME_FIELDS:
                if row.get(name) is not None:
                    row[name] = datetime.fromisoformat(row[name])
        checkpoint = PhaseCheckpoint(
            phase_id=str(data["phase_id"]),
            workspace=(
                WorkspaceState(
                    head=state["head"],
                    index_tree=state["index_tree"],
                    worktree_tree=state["worktree_tree"],
                    empty_dirs=tuple(state["empty_dirs"]),
                    keep=tuple(state["keep"]),
                )
                if state is not None
                else None
            ),
            row=row,
            last_event_ids={str(k): int(v) for k, v in data["last_event_ids"].items()},
        )
        return PhaseMarker(checkpoint, int(data["attempt"]), int(data["pid"]), data["written_at"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _unreadable(path, f"{type(exc).__name__}: {exc}") from exc


def _unreadable(path: Path, problem: str) -> WorkspaceError:
    return WorkspaceError(
        f"the marker of an interrupted phase, {str(path)!r}, cannot be read ({problem}); it holds "
        "the checkpoint that phase has to be rolled back to: restore the file, or delete it to "
        "resume without rolling that phase back"
    )


def recover_interrupted_phase(*, workspace: Path, run_id: str, session_factory: Any) -> None:
    """Return the phase a killed run left in progress to its checkpoint, then remove the marker.

    Does nothing without a marker. Raises WorkspaceError (the marker kept) when the phase cannot
    be rolled back, so that no run goes on from a half-done phase.
    """
    marker = read_phase_marker(workspace, run_id)
    if marker is None:
        return
    phase_id = marker.checkpoint.phase_id
    with session_factory() as session:
        record = phase_row(session, run_id, phase_id)
        state = record.state if record is not None else None
    if state in (PhaseState.COMPLETE, PhaseState.FAILED):
        logger.info(
            "Phase %s of run %s had ended (%s); its marker is removed", phase_id, run_id, state
        )
        clear_phase_marker(workspace, run_id)
        return
    problem = restore_phase_checkpoint(
        marker.checkpoint, workspace=workspace, session_factory=session_factory, run_id=run_id
    )
    if problem is not None:
        raise WorkspaceError(
            f"phase {phase_id!r} of run {run_id!r} was interrupted (attempt {marker.attempt}, "
            f"pid {marker.pid}) and cannot be rolled back to its checkpoint: {problem}; fix "
            "that and run the same command again"
        )
    clear_phase_marker(workspace, run_id)
    logger.warning(
        "Phase %s of run %s was interrupted during attempt %d (pid %d, %s) without being rolled "
        "back; it was rolled back to its checkpoint now",
        phase_id,
        run_id,
        marker.attempt,
        marker.pid,
        marker.written_at,
    )
