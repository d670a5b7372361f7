"""The P10 token-budget escalation: its policy constants, and the event's fields, built once for both
escalation sites.

`build_token_budget_escalation_payload` returns the event's column values (every column of
`TokenBudgetEscalationEvent` but `id` and `created_at`, in table order), which
`db_events.try_record_token_budget_escalation_event` takes as keywords after its session factory:
a budget or token count of 0 or None is recorded as None.
"""

from __future__ import annotations

import logging
from typing import Any

from autopack.executor.db_events import try_record_token_budget_escalation_event
from autopack.executor.models import PhaseSpec
from autopack.executor.retry_policy import MAX_RETRY_ATTEMPTS

# The escalation policy both sites apply: the retry budget is the largest known base times the
# factor, capped at the ceiling; a utilization at or over the threshold escalates like a
# truncation; a phase with no known base starts from its complexity's default budget.
TOKEN_ESCALATION_FACTOR = 1.25
TOKEN_ESCALATION_CEILING = 64000
TOKEN_UTILIZATION_THRESHOLD = 95.0
COMPLEXITY_DEFAULT_BUDGETS = {"low": 8192, "medium": 12288, "high": 16384}

logger = logging.getLogger(__name__)


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
    """The escalation event's fields, keyed by the event table's column names.

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


def escalate_token_budget(
    *,
    executor: Any,
    phase: PhaseSpec,
    builder_result: Any,
    attempt_index: int,
    token_budget: dict[str, Any],
    output_utilization: Any,
    context: str = "",
) -> bool:
    """Escalate the phase's token budget when the Builder's output was truncated or used the
    budget up; True when it did (the attempt then ends with TOKEN_ESCALATION).

    Escalates once per phase, and not on the last attempt. The retry budget is the largest of the
    predicted budget, the call's max tokens and the tokens it produced (or the complexity default
    when none is known), times the factor, capped at the ceiling. It is set on the phase
    (`_escalated_tokens`, `_escalated_once`) and noted in `token_budget` (written back into the
    Builder result's metadata); with telemetry on, the event is recorded (best effort). The two
    sites pass their own `token_budget` and `output_utilization` (with their own defaults) and a
    `context` for the log line.
    """
    phase_id = phase.phase_id
    token_prediction = (builder_result.metadata or {}).get("token_prediction") or {}
    was_truncated = bool(token_budget.get("was_truncated"))
    if not (
        (was_truncated or output_utilization >= TOKEN_UTILIZATION_THRESHOLD)
        and not phase.escalated_once
        and attempt_index < MAX_RETRY_ATTEMPTS - 1
    ):
        return False
    selected_budget = int(token_prediction.get("selected_budget") or 0)
    actual_max_tokens = int(token_prediction.get("actual_max_tokens") or 0)
    actual_output_tokens = int(token_budget.get("actual_output_tokens") or 0)
    base_candidates = {
        "selected_budget": selected_budget,
        "actual_max_tokens": actual_max_tokens,
        "actual_output_tokens": actual_output_tokens,
    }
    base_source = max(base_candidates, key=lambda name: base_candidates[name])
    base_value = base_candidates[base_source]
    if base_value <= 0:
        complexity = phase.complexity
        base_value = COMPLEXITY_DEFAULT_BUDGETS.get(complexity, 8192)
        base_source = "complexity_default"
    retry_max_tokens = min(int(base_value * TOKEN_ESCALATION_FACTOR), TOKEN_ESCALATION_CEILING)
    phase.raw["_escalated_tokens"] = retry_max_tokens
    phase.raw["_escalated_once"] = True
    token_budget["p10_escalated"] = True
    token_budget["p10_base_value"] = base_value
    token_budget["p10_base_source"] = base_source
    token_budget["p10_retry_max_tokens"] = retry_max_tokens
    builder_result.metadata["token_budget"] = token_budget
    reason = "truncation" if was_truncated else "utilization"
    logger.info(
        "Token budget escalation for %s%s (%s): base %d from %s -> retry_max_tokens=%d "
        "(utilization=%s, truncated=%s)",
        phase_id,
        context,
        reason,
        base_value,
        base_source,
        retry_max_tokens,
        output_utilization,
        was_truncated,
    )
    if executor.telemetry_enabled:
        payload = build_token_budget_escalation_payload(
            run_id=executor.run_id,
            phase_id=phase_id,
            attempt_index=attempt_index + 1,
            reason=reason,
            was_truncated=was_truncated,
            output_utilization=output_utilization,
            escalation_factor=TOKEN_ESCALATION_FACTOR,
            base_value=base_value,
            base_source=base_source,
            retry_max_tokens=retry_max_tokens,
            selected_budget=selected_budget,
            actual_max_tokens=actual_max_tokens,
            tokens_used=builder_result.tokens_used,
        )
        try_record_token_budget_escalation_event(executor._session_factory, **payload)
    return True
