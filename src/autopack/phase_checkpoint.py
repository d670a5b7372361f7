"""The checkpoint a phase starts from, and the return to it when the run is interrupted.

Before a phase runs, its checkpoint records the workspace state (`workspace_state`), the phase's
row, and the last row id of the phase's errors, hints and escalation events. When the run is
interrupted (Ctrl-C) during the phase, `restore_phase_checkpoint` brings the workspace, the row and
those tables back to that point, so running the same command again resumes the run with the
phase as if it had not started. SIGINT is ignored while the restore runs, so a second Ctrl-C
cannot leave it half done. A run stopped by a write it could not make (RunStorageError) is
returned to the checkpoint the same way, and reported as `RunStopped`.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from autopack.db.models import (
    LearningHint,
    PhaseError,
    PhaseRecord,
    RunRecord,
    TokenBudgetEscalationEvent,
)
from autopack.exceptions import RunStorageError
from autopack.workspace_state import (
    WorkspaceState,
    WorkspaceStateError,
    capture_workspace_state,
    restore_workspace_state,
)

logger = logging.getLogger(__name__)

RUN_INTERRUPTED = "INTERRUPTED"
ROW_FIELDS = (
    "state",
    "retry_attempt",
    "revision_epoch",
    "escalation_level",
    "last_failure_reason",
    "last_attempt_timestamp",
    "completed_at",
)
EVENT_TABLES = (PhaseError, LearningHint, TokenBudgetEscalationEvent)


class RunInterrupted(Exception):
    """The run was interrupted; says where, and whether the phase was returned to its checkpoint."""

    def __init__(self, run_id: str, phase_id: str | None, problem: str | None = None) -> None:
        self.run_id = run_id
        self.phase_id = phase_id
        self.problem = problem
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for the user: what stopped, what was restored, how to resume."""
        if self.phase_id is None:
            where = f"run {self.run_id!r} interrupted between phases"
        elif self.problem is None:
            where = (
                f"run {self.run_id!r} interrupted in phase {self.phase_id!r}; the phase was "
                "rolled back to its checkpoint"
            )
        else:
            where = (
                f"run {self.run_id!r} interrupted in phase {self.phase_id!r}; the phase could not "
                f"be rolled back ({self.problem})"
            )
        return f"{where}; run the same command again to resume"


class RunStopped(Exception):
    """The run stopped because its database or a run file could not be written (RunStorageError);
    says what failed, where the run stopped, and whether that phase was rolled back."""

    def __init__(
        self,
        run_id: str,
        phase_id: str | None,
        failure: RunStorageError,
        problem: str | None = None,
    ) -> None:
        self.run_id = run_id
        self.phase_id = phase_id
        self.failure = failure
        self.problem = problem
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for the user: what could not be written, what was restored, what to do."""
        if self.phase_id is None:
            where = f"run {self.run_id!r} stopped between phases"
        elif self.problem is None:
            where = (
                f"run {self.run_id!r} stopped in phase {self.phase_id!r}, which was rolled back "
                "to its checkpoint"
            )
        else:
            where = (
                f"run {self.run_id!r} stopped in phase {self.phase_id!r}, which could not be "
                f"rolled back yet ({self.problem}; the next run rolls it back)"
            )
        return (
            f"{self.failure}; {where}; make room or fix the permissions, then run the same "
            "command again to resume"
        )


@dataclass(frozen=True)
class PhaseCheckpoint:
    """Where a phase started: workspace state (None if it could not be taken), row and event ids."""

    phase_id: str
    workspace: WorkspaceState | None
    row: dict[str, Any] | None
    last_event_ids: dict[str, int] = field(default_factory=dict)


def take_phase_checkpoint(
    *,
    workspace: Path,
    keep: tuple[str, ...],
    session_factory: Any,
    run_id: str,
    phase_id: str,
) -> PhaseCheckpoint:
    """Record the phase's starting point; a workspace state that cannot be taken is logged."""
    try:
        state: WorkspaceState | None = capture_workspace_state(workspace, keep=keep)
    except WorkspaceStateError as exc:
        logger.warning("No checkpoint of the workspace before phase %s: %s", phase_id, exc)
        state = None
    with session_factory() as session:
        record = phase_row(session, run_id, phase_id)
        row = {name: getattr(record, name) for name in ROW_FIELDS} if record else None
        last_ids = {
            model.__tablename__: session.scalar(
                select(func.coalesce(func.max(model.id), 0)).where(
                    model.run_id == run_id, model.phase_id == phase_id
                )
            )
            for model in EVENT_TABLES
        }
    return PhaseCheckpoint(phase_id, state, row, last_ids)


def phase_row(session: Any, run_id: str, phase_id: str) -> PhaseRecord | None:
    """The row of `phase_id` in run `run_id`, or None."""
    return session.scalars(
        select(PhaseRecord).where(PhaseRecord.run_id == run_id, PhaseRecord.phase_id == phase_id)
    ).first()


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT inside the block (main thread only; elsewhere the block runs as is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def restore_phase_checkpoint(
    checkpoint: PhaseCheckpoint, *, workspace: Path, session_factory: Any, run_id: str
) -> str | None:
    """Return the workspace and the phase's rows to the checkpoint; returns a problem or None."""
    problem: str | None = None
    if checkpoint.workspace is None:
        problem = "no workspace checkpoint was taken"
    else:
        try:
            restore_workspace_state(workspace, checkpoint.workspace)
        except WorkspaceStateError as exc:
            problem = str(exc)
    try:
        with session_factory() as session:
            record = phase_row(session, run_id, checkpoint.phase_id)
            if record is not None and checkpoint.row is not None:
                for name, value in checkpoint.row.items():
                    setattr(record, name, value)
            for model in EVENT_TABLES:
                session.execute(
                    delete(model).where(
                        model.run_id == run_id,
                        model.phase_id == checkpoint.phase_id,
                        model.id > checkpoint.last_event_ids.get(model.__tablename__, 0),
                    )
                )
            session.commit()
    except (Exception, RunStorageError) as exc:  # the one place a failed restore is reported
        problem = f"{problem}; " if problem else ""
        problem += f"the phase rows could not be restored: {exc}"
    if problem:  # the caller reports it in the one line the user sees
        logger.info(
            "Phase %s not fully rolled back after the interrupt: %s", checkpoint.phase_id, problem
        )
    return problem


def mark_run_interrupted(session_factory: Any, run_id: str) -> None:
    """Set the run row's state to INTERRUPTED, with its finish time."""
    try:
        with session_factory() as session:
            run = session.get(RunRecord, run_id)
            if run is not None:
                run.state = RUN_INTERRUPTED
                run.finished_at = datetime.now(UTC)
                session.commit()
    except (Exception, RunStorageError) as exc:  # reported; the stop itself is what the user sees
        logger.error("Could not mark run %s interrupted: %s", run_id, exc)
