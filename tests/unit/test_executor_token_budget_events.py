"""`build_token_budget_escalation_payload`: the P10 event's fields, as both escalation sites send them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from autopack.db import TokenBudgetEscalationEvent
from autopack.db.session import create_session_factory
from autopack.executor.db_events import try_record_token_budget_escalation_event
from autopack.executor.token_budget_events import build_token_budget_escalation_payload

# The table's own columns, in its order: every column but the generated id and created_at.
FIELDS = [
    column.key
    for column in TokenBudgetEscalationEvent.__table__.columns
    if column.key not in ("id", "created_at")
]


def payload(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "run_id": "run-1",
        "phase_id": "build-api",
        "attempt_index": 2,
        "reason": "truncation",
        "was_truncated": True,
        "output_utilization": 97.5,
        "escalation_factor": 1.25,
        "base_value": 4096,
        "base_source": "selected_budget",
        "retry_max_tokens": 5120,
        "selected_budget": 4096,
        "actual_max_tokens": 3000,
        "tokens_used": 2900,
    }
    fields.update(overrides)
    return build_token_budget_escalation_payload(**fields)


def test_keys_are_the_event_tables_columns_in_its_order() -> None:
    columns = [column.key for column in TokenBudgetEscalationEvent.__table__.columns]
    assert columns == ["id", *FIELDS, "created_at"]
    assert len(FIELDS) == 13
    assert list(payload()) == FIELDS


def test_the_writer_records_every_field_of_the_payload(tmp_path: Path) -> None:
    engine, factory = create_session_factory(f"sqlite:///{tmp_path}/t.db")
    built = payload(actual_max_tokens=0)
    assert try_record_token_budget_escalation_event(factory, **built) is True
    with factory() as session:
        row = session.scalars(select(TokenBudgetEscalationEvent)).one()
        recorded = {name: getattr(row, name) for name in FIELDS}
        assert row.created_at is not None
    engine.dispose()
    assert recorded == built
    assert recorded["actual_max_tokens"] is None


def test_fields_pass_through_unchanged() -> None:
    assert payload() == {
        "run_id": "run-1",
        "phase_id": "build-api",
        "attempt_index": 2,
        "reason": "truncation",
        "was_truncated": True,
        "output_utilization": 97.5,
        "escalation_factor": 1.25,
        "base_value": 4096,
        "base_source": "selected_budget",
        "retry_max_tokens": 5120,
        "selected_budget": 4096,
        "actual_max_tokens": 3000,
        "tokens_used": 2900,
    }


@pytest.mark.parametrize(
    ("field", "given", "recorded"),
    [
        pytest.param("selected_budget", None, None, id="selected_budget_none"),
        pytest.param("selected_budget", 0, None, id="selected_budget_zero"),
        pytest.param("selected_budget", 8192, 8192, id="selected_budget_int"),
        pytest.param("actual_max_tokens", None, None, id="actual_max_tokens_none"),
        pytest.param("actual_max_tokens", 0, None, id="actual_max_tokens_zero"),
        pytest.param("actual_max_tokens", 1, 1, id="actual_max_tokens_one"),
        pytest.param("tokens_used", None, None, id="tokens_used_none"),
        pytest.param("tokens_used", 0, None, id="tokens_used_zero"),
        pytest.param("tokens_used", 1234, 1234, id="tokens_used_int"),
        pytest.param("tokens_used", 1234.0, 1234, id="tokens_used_float_to_int"),
        pytest.param("output_utilization", None, None, id="utilization_none_kept"),
        pytest.param("output_utilization", 0, 0, id="utilization_zero_kept"),
    ],
)
def test_empty_budgets_and_counts_are_recorded_as_none(
    field: str, given: Any, recorded: Any
) -> None:
    built = payload(**{field: given})
    assert built[field] == recorded
    assert type(built[field]) is type(recorded)
