"""Phase state in the run database: the phase row, its attempt counters, COMPLETE and FAILED.

The row functions take the executor and read from it `run_id` and `_session_factory`;
`mark_phase_failed_in_db` also calls its `_send_notification`. Each is best effort: a database
problem is logged and reported as None or False, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from autopack.executor.retry_policy import AttemptState, next_attempt_state

if TYPE_CHECKING:
    from autopack.db.models import PhaseRecord

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhaseRuntimeState:
    """The retry, revision and escalation counters of one phase."""

    retry_attempt: int = 0
    revision_epoch: int = 0
    escalation_level: int = 0

    @classmethod
    def empty(cls) -> PhaseRuntimeState:
        """The state of a phase that has never run."""
        return cls()


def state_from_row(row: Any | None) -> PhaseRuntimeState:
    """Read the counters from a phase row (any object with the three attributes), or defaults for None.

    A counter that is None (or 0) on the row reads as 0.
    """
    if row is None:
        return PhaseRuntimeState.empty()
    return PhaseRuntimeState(
        retry_attempt=row.retry_attempt or 0,
        revision_epoch=row.revision_epoch or 0,
        escalation_level=row.escalation_level or 0,
    )


def get_phase_state_or_defaults(*, executor: Any, phase_id: str) -> PhaseRuntimeState:
    """The counters of `phase_id` from the executor's phase row (`executor._get_phase_from_db`);
    the defaults of a phase that never ran, with a warning, when the database has no row for it."""
    phase_row = executor._get_phase_from_db(phase_id)
    if phase_row is None:
        logger.warning("Phase %s has no database state; using defaults", phase_id)
    return state_from_row(phase_row)


def persist_attempt_update(
    *, executor: Any, phase_id: str, next_retry_attempt: int, reason: str
) -> None:
    """Record a finished attempt: the phase's next retry counter and the reason it failed, through
    `executor._update_phase_attempts_in_db` (best effort, like it)."""
    executor._update_phase_attempts_in_db(
        phase_id, retry_attempt=next_retry_attempt, last_failure_reason=reason
    )


def advance_retry(*, executor: Any, phase_id: str, retry_attempt: int, reason: str) -> AttemptState:
    """Count a failed attempt: store the next retry attempt and `reason`; the returned state says
    whether the phase has used all its attempts."""
    attempt_state = next_attempt_state(retry_attempt)
    persist_attempt_update(
        executor=executor,
        phase_id=phase_id,
        next_retry_attempt=attempt_state.next_retry_attempt,
        reason=reason,
    )
    return attempt_state


def _phase_row(session: Any, run_id: str, phase_id: str) -> Any:
    """The row of `phase_id` in run `run_id`, or None: the one query the row functions share."""
    from sqlalchemy import select

    from autopack.db.models import PhaseRecord

    return session.scalars(
        select(PhaseRecord).where(PhaseRecord.run_id == run_id, PhaseRecord.phase_id == phase_id)
    ).first()


def get_phase_from_db(executor, phase_id: str) -> PhaseRecord | None:
    """Return this run's row for `phase_id`, or None when absent or the database fails."""

    try:
        with executor._session_factory() as session:
            return _phase_row(session, executor.run_id, phase_id)
    except Exception as exc:
        logger.error("Failed to load phase %s from the database: %s", phase_id, exc)
        return None


def _update_phase_row(
    executor: Any,
    phase_id: str,
    change: Callable[[PhaseRecord], None],
    report: Callable[[PhaseRecord], None],
    *,
    not_done: str,
    failure: str,
) -> bool:
    """Apply `change` to this run's row of `phase_id`, commit, then `report` the written row.

    The one best-effort write the row functions share. A missing row logs the warning
    "Phase <id> not found in the database; <not_done>" and gives False. Any exception, from the
    database, `change` or `report`, logs `failure` (a format taking the phase id and the exception)
    as an error and gives False; otherwise True.
    """
    try:
        with executor._session_factory() as session:
            row = _phase_row(session, executor.run_id, phase_id)
            if row is None:
                logger.warning("Phase %s not found in the database; %s", phase_id, not_done)
                return False
            change(row)
            session.commit()
            report(row)
            return True
    except Exception as exc:
        logger.error(failure, phase_id, exc)
        return False


def update_phase_attempts_in_db(
    executor,
    phase_id: str,
    retry_attempt: int | None = None,
    revision_epoch: int | None = None,
    escalation_level: int | None = None,
    last_failure_reason: str | None = None,
    timestamp: datetime | None = None,
) -> bool:
    """Set the given counters of a phase row; the reason only when truthy; the attempt timestamp.

    Returns False when the row is missing or the database fails (logged, best effort).
    """

    def change(row: PhaseRecord) -> None:
        if retry_attempt is not None:
            row.retry_attempt = retry_attempt
        if revision_epoch is not None:
            row.revision_epoch = revision_epoch
        if escalation_level is not None:
            row.escalation_level = escalation_level
        if last_failure_reason:
            row.last_failure_reason = last_failure_reason
        row.last_attempt_timestamp = timestamp or datetime.now(UTC)

    def report(row: PhaseRecord) -> None:
        logger.info(
            "Phase %s attempts updated: retry_attempt=%s revision_epoch=%s "
            "escalation_level=%s reason=%s",
            phase_id,
            row.retry_attempt,
            row.revision_epoch,
            row.escalation_level,
            row.last_failure_reason,
        )

    return _update_phase_row(
        executor,
        phase_id,
        change,
        report,
        not_done="attempts not updated",
        failure="Failed to update attempts of phase %s: %s",
    )


def mark_phase_complete_in_db(executor, phase_id: str) -> bool:
    """Set a phase COMPLETE with its completion time; False when missing or on failure."""

    from autopack.db.models import PhaseState

    def change(row: PhaseRecord) -> None:
        row.state = PhaseState.COMPLETE
        row.completed_at = datetime.now(UTC)

    def report(row: PhaseRecord) -> None:
        logger.info("Phase %s marked COMPLETE", phase_id)

    return _update_phase_row(
        executor,
        phase_id,
        change,
        report,
        not_done="not marked complete",
        failure="Failed to mark phase %s complete: %s",
    )


def mark_phase_failed_in_db(executor, phase_id: str, reason: str) -> bool:
    """Set a phase FAILED with `reason` and the time, and notify; False when missing or on failure.

    A notification that raises is logged and gives False, like a database failure.
    """

    from autopack.db.models import PhaseState

    def change(row: PhaseRecord) -> None:
        row.state = PhaseState.FAILED
        row.last_failure_reason = reason
        row.completed_at = datetime.now(UTC)

    def report(row: PhaseRecord) -> None:
        logger.error("Phase %s marked FAILED: %s", phase_id, reason)
        executor._send_notification(
            "phase_failed", f"Phase {phase_id} of run {executor.run_id} FAILED: {reason}"
        )

    return _update_phase_row(
        executor,
        phase_id,
        change,
        report,
        not_done="not marked failed",
        failure="Failed to mark phase %s failed: %s",
    )
