"""`executor.token_budget_events.escalate_token_budget`: when the budget is escalated, to what, and
what the phase and the Builder's metadata say afterwards."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.models import PhaseSpec
from autopack.executor.token_budget_events import escalate_token_budget
from autopack.llm_types import BuilderResult


def escalate(
    *, phase: dict[str, Any], token_budget: dict[str, Any], prediction: dict[str, Any] | None = None,
    attempt_index: int = 0,
) -> tuple[bool, BuilderResult]:  # fmt: skip
    result = BuilderResult(
        success=False, metadata={"token_budget": token_budget, "token_prediction": prediction or {}}
    )
    executor = SimpleNamespace(telemetry_enabled=False)
    escalated = escalate_token_budget(
        executor=executor,
        phase=PhaseSpec(phase),
        builder_result=result,
        attempt_index=attempt_index,
        token_budget=token_budget,
        output_utilization=token_budget.get("output_utilization") or 0,
    )
    return escalated, result


@pytest.mark.parametrize(
    ("token_budget", "prediction", "retry_max_tokens", "base_source"),
    [
        ({"was_truncated": True}, {"selected_budget": 4096}, 5120, "selected_budget"),
        (
            {"output_utilization": 95.0, "actual_output_tokens": 8000},
            {},
            10000,
            "actual_output_tokens",
        ),
        ({"was_truncated": True}, {"actual_max_tokens": 60000}, 64000, "actual_max_tokens"),
        ({"was_truncated": True}, {}, 15360, "complexity_default"),
    ],
)
def test_the_retry_budget_is_the_largest_base_times_the_factor_under_the_ceiling(
    token_budget: dict[str, Any],
    prediction: dict[str, Any],
    retry_max_tokens: int,
    base_source: str,
) -> None:
    phase: dict[str, Any] = {"phase_id": "p"}
    escalated, result = escalate(phase=phase, token_budget=token_budget, prediction=prediction)
    assert escalated is True
    assert phase["_escalated_tokens"] == retry_max_tokens
    assert phase["_escalated_once"] is True
    assert result.metadata["token_budget"]["p10_retry_max_tokens"] == retry_max_tokens
    assert result.metadata["token_budget"]["p10_base_source"] == base_source


@pytest.mark.parametrize(
    ("phase", "token_budget", "attempt_index"),
    [
        pytest.param({"phase_id": "p"}, {"output_utilization": 94.9}, 0, id="under_threshold"),
        pytest.param(
            {"phase_id": "p", "_escalated_once": True}, {"was_truncated": True}, 0, id="once"
        ),
        pytest.param({"phase_id": "p"}, {"was_truncated": True}, 4, id="last_attempt"),
    ],
)
def test_no_escalation_below_the_threshold_twice_or_on_the_last_attempt(
    phase: dict[str, Any], token_budget: dict[str, Any], attempt_index: int
) -> None:
    before = dict(phase)
    escalated, _ = escalate(phase=phase, token_budget=token_budget, attempt_index=attempt_index)
    assert escalated is False
    assert phase == before
