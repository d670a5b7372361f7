"""The P10 token-budget escalation: its policy constants, and the event's fields, built once for both
escalation sites.

`build_token_budget_escalation_payload` returns the keyword arguments of
`db_events.try_record_token_budget_escalation_event` (after its session factory), in its
parameter order: a budget or token count of 0 or None is recorded as None.
"""

from __future__ import annotations

from typing import Any

# The escalation policy both sites apply: the retry budget is the largest known base times the
# factor, capped at the ceiling; a utilization at or over the threshold escalates like a
# truncation; a phase with no known base starts from its complexity's default budget.
TOKEN_ESCALATION_FACTOR = 1.25
TOKEN_ESCALATION_CEILING = 64000
TOKEN_UTILIZATION_THRESHOLD = 95.0
COMPLEXITY_DEFAULT_BUDGETS = {"low": 8192, "medium": 12288, "high": 16384}


def build_token_budget_escalation_payload(
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
) -> dict[str, Any]:
    """The escalation event's fields, keyed as `try_record_token_budget_escalation_event` names them.

    `attempt_index` is the attempt the escalated budget applies to. `selected_budget` and
    `actual_max_tokens` are kept when non-zero, `tokens_used` converted to int when non-zero;
    otherwise each is None.
    """
    return {
        "run_id": run_id,
        "phase_id": phase_id,
        "attempt_index": attempt_index,
        "reason": reason,
        "was_truncated": was_truncated,
        "output_utilization": output_utilization,
        "escalation_factor": escalation_factor,
        "base_value": base_value,
        "base_source": base_source,
        "retry_max_tokens": retry_max_tokens,
        "selected_budget": selected_budget if selected_budget else None,
        "actual_max_tokens": actual_max_tokens if actual_max_tokens else None,
        "tokens_used": int(tokens_used) if tokens_used else None,
    }
