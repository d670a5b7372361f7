"""The records a failed attempt leaves in the run database: the phase error, and the learning hint
later attempts of the run are given.

Both are best effort (a database failure is logged). Read from the executor: `run_id`,
`_session_factory`, and the `_learning_hints` list (appended to).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)


def _store_row(
    executor: Any, phase: dict[str, Any], model: type, columns: dict[str, Any], *, failure: str
) -> None:
    """Store one `model` row of this run and phase, created now, with `columns`; best effort.

    The row is built inside the session, so any exception, from building it or from the database,
    is logged as the warning `failure` (a format taking the phase id and the exception), not raised.
    """
    try:
        with executor._session_factory() as session:
            session.add(
                model(
                    run_id=executor.run_id,
                    phase_id=phase["phase_id"],
                    **columns,
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()
    except Exception as exc:
        logger.warning(failure, phase["phase_id"], exc)


def record_phase_error(
    executor,
    phase: dict[str, Any],
    attempt_index: int,
    status: str,
    message: str,
    *,
    error_type: str | None = None,
) -> None:
    """Store a failed attempt in the phase_errors table (best effort); the message is cut to
    4000 characters."""
    from autopack.db.models import PhaseError

    _store_row(
        executor,
        phase,
        PhaseError,
        {
            "attempt_index": attempt_index,
            "status": status,
            "error_type": error_type,
            "message": message[:4000],
        },
        failure="Could not record the error of phase %s: %s",
    )


def record_learning_hint(executor, phase: dict[str, Any], hint_type: str, details: str) -> None:
    """Keep a hint for later builder calls of this run and store it (best effort)."""
    from autopack.db.models import LearningHint

    executor._learning_hints.append(f"[{hint_type}] {details}")
    _store_row(
        executor,
        phase,
        LearningHint,
        {"hint_type": hint_type, "details": details},
        failure="Could not record a learning hint for %s: %s",
    )
