"""Best-effort DB events for P10 token-budget escalation: record one, and apply it on the next attempt.

Both functions are best effort by design: a database problem is logged and never fails the phase.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger(__name__)


def try_record_token_budget_escalation_event(
    session_factory: Any,
    *,
    run_id: str,
    phase_id: str,
    attempt_index: int,
    reason: str,
    was_truncated: bool,
    output_utilization: float | None,
    escalation_factor: float,
    base_value: int,
    base_source: str,
    retry_max_tokens: int,
    selected_budget: int | None,
    actual_max_tokens: int | None,
    tokens_used: int | None,
) -> bool:
    """Insert one escalation event; returns False (and logs) when there is no database or it fails."""
    from sqlalchemy.exc import SQLAlchemyError

    from autopack.db.models import TokenBudgetEscalationEvent

    if session_factory is None:
        logger.debug("No database: token budget escalation for %s not recorded", phase_id)
        return False
    try:
        with session_factory() as session:
            session.add(
                TokenBudgetEscalationEvent(
                    run_id=run_id,
                    phase_id=phase_id,
                    attempt_index=attempt_index,
                    reason=reason,
                    was_truncated=was_truncated,
                    output_utilization=output_utilization,
                    escalation_factor=escalation_factor,
                    base_value=base_value,
                    base_source=base_source,
                    retry_max_tokens=retry_max_tokens,
                    selected_budget=selected_budget,
                    actual_max_tokens=actual_max_tokens,
                    tokens_used=tokens_used,
                    created_at=datetime.now(UTC),
                )
            )
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
