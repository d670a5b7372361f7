"""Best-effort DB events for P10 token-budget escalation: record one, and apply it on the next attempt.

Both functions are best effort by design: a database problem is logged and never fails the phase.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)


def try_record_token_budget_escalation_event(session_factory: Any, **fields: Any) -> bool:
    """Insert one escalation event whose columns are `fields` (every column of
    `TokenBudgetEscalationEvent` but `id` and `created_at`, which is set to now); returns False
    (and logs) when there is no database or it fails.

    Raises TypeError naming the fields that are missing or that the table does not have.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from autopack.db.models import TokenBudgetEscalationEvent

    columns = [
        column.key
        for column in TokenBudgetEscalationEvent.__table__.columns
        if column.key not in ("id", "created_at")
    ]
    missing = [name for name in columns if name not in fields]
    unknown = [name for name in fields if name not in columns]
    if missing or unknown:
        raise TypeError(
            f"A token budget escalation event takes the fields {columns!r}; missing {missing!r}, "
            f"unknown {unknown!r}. Pass what build_token_budget_escalation_payload returns."
        )
    phase_id = fields["phase_id"]
    if session_factory is None:
        logger.debug("No database: token budget escalation for %s not recorded", phase_id)
        return False
    try:
        with session_factory() as session:
            session.add(TokenBudgetEscalationEvent(**fields, created_at=datetime.now(UTC)))
            session.commit()
        return True
    except SQLAlchemyError as exc:
        logger.warning("Could not record token budget escalation for %s: %s", phase_id, exc)
        return False


def maybe_apply_retry_max_tokens_from_db(
    session_factory: Any, *, run_id: str, phase: dict[str, Any], attempt_index: int
) -> int | None:
    """Set `phase["_escalated_tokens"]` from the latest event recorded for this attempt, if any.

    Returns the budget applied, or None when no event exists for (run, phase, attempt).
    """
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from autopack.db.models import TokenBudgetEscalationEvent

    if session_factory is None:
        return None
    try:
        with session_factory() as session:
            event = session.scalars(
                select(TokenBudgetEscalationEvent)
                .where(
                    TokenBudgetEscalationEvent.run_id == run_id,
                    TokenBudgetEscalationEvent.phase_id == phase["phase_id"],
                    TokenBudgetEscalationEvent.attempt_index == attempt_index,
                )
                .order_by(TokenBudgetEscalationEvent.id.desc())
            ).first()
    except SQLAlchemyError as exc:
        logger.warning("Could not read token budget escalation for %s: %s", phase["phase_id"], exc)
        return None
    if event is None:
        return None
    phase["_escalated_tokens"] = event.retry_max_tokens
    logger.info(
        "Applying escalated token budget %d to %s attempt %d (from %s)",
        event.retry_max_tokens,
        phase["phase_id"],
        attempt_index + 1,
        event.base_source,
    )
    return event.retry_max_tokens
