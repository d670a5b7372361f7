"""Token-budget escalation events: recorded in real SQLite and applied to the next attempt."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from autopack.db import TokenBudgetEscalationEvent
from autopack.db.session import create_session_factory
from autopack.executor.db_events import (
    maybe_apply_retry_max_tokens_from_db,
    try_record_token_budget_escalation_event,
)

EVENT = {
    "run_id": "r1",
    "phase_id": "p1",
    "attempt_index": 1,
    "reason": "truncation",
    "was_truncated": True,
    "output_utilization": 98.4,
    "escalation_factor": 1.25,
    "base_value": 4096,
    "base_source": "selected_budget",
    "retry_max_tokens": 5120,
    "selected_budget": 4096,
    "actual_max_tokens": None,
    "tokens_used": 5000,
}


@pytest.fixture
def factory(tmp_path: Path):
    engine, session_factory = create_session_factory(f"sqlite:///{tmp_path}/t.db")
    yield session_factory
    engine.dispose()


def test_record_then_apply_to_the_matching_attempt(factory) -> None:
    assert try_record_token_budget_escalation_event(factory, **EVENT) is True
    with factory() as session:
        row = session.scalars(select(TokenBudgetEscalationEvent)).one()
    assert (row.retry_max_tokens, row.actual_max_tokens, row.base_source) == (
        5120,
        None,
        "selected_budget",
    )
    phase = {"phase_id": "p1"}
    assert (
        maybe_apply_retry_max_tokens_from_db(factory, run_id="r1", phase=phase, attempt_index=0)
        is None
    )
    assert phase == {"phase_id": "p1"}
    assert (
        maybe_apply_retry_max_tokens_from_db(factory, run_id="r1", phase=phase, attempt_index=1)
        == 5120
    )
    assert phase == {"phase_id": "p1", "_escalated_tokens": 5120}


def test_latest_event_wins_and_other_runs_do_not_count(factory) -> None:
    try_record_token_budget_escalation_event(factory, **EVENT)
    try_record_token_budget_escalation_event(factory, **{**EVENT, "retry_max_tokens": 6400})
    try_record_token_budget_escalation_event(
        factory, **{**EVENT, "run_id": "r2", "retry_max_tokens": 9}
    )
    phase = {"phase_id": "p1"}
    assert (
        maybe_apply_retry_max_tokens_from_db(factory, run_id="r1", phase=phase, attempt_index=1)
        == 6400
    )


def test_best_effort_without_a_database_or_with_a_broken_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert try_record_token_budget_escalation_event(None, **EVENT) is False
    assert (
        maybe_apply_retry_max_tokens_from_db(
            None, run_id="r", phase={"phase_id": "p"}, attempt_index=0
        )
        is None
    )
    engine, broken = create_session_factory(f"sqlite:///{tmp_path}/b.db")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE token_budget_escalation_events")
    with caplog.at_level(logging.WARNING):
        assert try_record_token_budget_escalation_event(broken, **EVENT) is False
        phase = {"phase_id": "p1"}
        assert (
            maybe_apply_retry_max_tokens_from_db(broken, run_id="r1", phase=phase, attempt_index=1)
            is None
        )
    engine.dispose()
    assert any("Could not record token budget escalation for p1" in m for m in caplog.messages)
    assert any("Could not read token budget escalation for p1" in m for m in caplog.messages)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        pytest.param(
            {k: v for k, v in EVENT.items() if k != "tokens_used"},
            "missing ['tokens_used'], unknown []",
            id="missing",
        ),
        pytest.param({**EVENT, "tokens": 1}, "missing [], unknown ['tokens']", id="unknown"),
        pytest.param(
            {**EVENT, "created_at": None}, "missing [], unknown ['created_at']", id="created_at"
        ),
    ],
)
def test_fields_other_than_the_tables_columns_are_refused(
    factory, fields: dict[str, object], named: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(named)):
        try_record_token_budget_escalation_event(factory, **fields)
    with pytest.raises(TypeError, match=re.escape(named)):
        try_record_token_budget_escalation_event(None, **fields)
    with factory() as session:
        assert session.scalars(select(TokenBudgetEscalationEvent)).all() == []
