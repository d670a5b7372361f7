"""Characterization of the P10 token-budget escalation, at both of its sites in one attempt.

Site 1 runs after a failed Builder call, site 2 after a successful call whose change misses
deliverables. Both escalate when the output was truncated or its utilization is at least 95.0, the
phase has not escalated before, and the attempt is not the last one: the retry budget is 1.25 times
the largest of selected_budget / actual_max_tokens / actual_output_tokens (or the complexity default
when all are 0), capped at 64000. They set `phase["_escalated_tokens"]` / `_escalated_once`, add the
p10 fields to the token_budget metadata (observed after the call), record the event through
`try_record_token_budget_escalation_event` (every keyword pinned) when telemetry is on, and return
TOKEN_ESCALATION.

The sites differ, and the scenarios pin the difference: site 2 treats a missing or None utilization
as 0 and swallows its own exceptions (logged as a warning); site 1 compares None with 95.0 and
raises TypeError (a documented legacy quirk), and lets every exception out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _attempt_support import AttemptRig, MakeAttemptRig, attempt_rig, builder_result

from autopack.deliverables import DeliverablesReport
from autopack.llm_types import BuilderResult
from golden_harness import Recorder, Seam, harvested_test

# The fixture is imported for pytest to find it in this module; `__all__` marks the import as used.
__all__ = ["attempt_rig"]

GOLDEN_SEAM = Seam(
    "token_budget_escalation",
    covers=[
        "autopack.executor.builder_pipeline:run_builder_stage#token_budget_escalation",
        "autopack.autonomous_executor:AutonomousExecutor._execute_phase_with_recovery#token_budget_escalation",
        "autopack.executor.token_budget_events:escalate_token_budget",
        "autopack.executor.token_budget_events:build_token_budget_escalation_payload",
        "autopack.executor.token_budget_events:TOKEN_ESCALATION_FACTOR",
        "autopack.executor.token_budget_events:TOKEN_ESCALATION_CEILING",
        "autopack.executor.token_budget_events:TOKEN_UTILIZATION_THRESHOLD",
        "autopack.executor.token_budget_events:COMPLEXITY_DEFAULT_BUDGETS",
    ],
)

BUILDER_FAILED = "site1_builder_failed"
DELIVERABLES_MISSING = "site2_deliverables_missing"
SITES = [BUILDER_FAILED, DELIVERABLES_MISSING]

EVENT_WRITER = "try_record_token_budget_escalation_event"
DELIVERABLE = "docs/guide.md"
PATCH = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-a\n+b\n"


@dataclass
class Attempt:
    """One attempt's Builder answer: the token metadata as the LLM service reports it."""

    token_budget: dict[str, Any] | None
    token_prediction: dict[str, Any] | None = None
    tokens_used: int = 0
    phase: dict[str, Any] = field(default_factory=dict)
    attempt_index: int = 0


def run_at_site(golden: Recorder, rig: AttemptRig, site: str, attempt: Attempt) -> BuilderResult:
    """Drive `attempt` to the escalation site `site`, observe the token_budget metadata.

    Returns the Builder's answer, so that a scenario can observe more of what the attempt left in it.
    """
    phase: dict[str, Any] = {"phase_id": "feature-report", **attempt.phase}
    rig.context({}, scope_paths=())
    answer = builder_result(
        success=site == DELIVERABLES_MISSING,
        error=None if site == DELIVERABLES_MISSING else "builder gave up",
        patch=PATCH if site == DELIVERABLES_MISSING else "",
        tokens_used=attempt.tokens_used,
        token_budget=attempt.token_budget,
        token_prediction=attempt.token_prediction,
    )
    rig.builder(answer)
    if site == DELIVERABLES_MISSING:
        phase["deliverables"] = [DELIVERABLE]
        rig.deliverables(DeliverablesReport(ok=False, missing=[DELIVERABLE], provided=[]))
    rig.run(phase, attempt_index=attempt.attempt_index)
    golden.observe("token_budget metadata", answer.metadata.get("token_budget"))
    return answer


def budget(
    utilization: float | None = 62.5, *, truncated: bool = False, output: int = 7000
) -> dict[str, Any]:
    return {
        "output_utilization": utilization,
        "actual_output_tokens": output,
        "was_truncated": truncated,
    }


def prediction(selected: int = 8192, actual_max: int = 8192) -> dict[str, Any]:
    return {"selected_budget": selected, "actual_max_tokens": actual_max}


sites = pytest.mark.parametrize("site", SITES)


# ---------------------------------------------------------------- triggers


@sites
def test_truncated_output_escalates_from_selected_budget(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(62.5, truncated=True), prediction(8192, 6000), tokens_used=9100)
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_utilization_at_threshold_escalates(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(95.0, output=7782), prediction(8192, 8192), tokens_used=9000)
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_utilization_just_below_threshold_does_not_escalate(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(94.99, output=7781), prediction(8192, 8192), tokens_used=9000)
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_phase_already_escalated_is_not_escalated_again(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(
        budget(99.0, truncated=True),
        prediction(10240, 10240),
        phase={"_escalated_tokens": 10240, "_escalated_once": True},
        attempt_index=1,
    )
    run_at_site(golden, attempt_rig(), site, attempt)


@pytest.mark.parametrize(
    "attempt_index",
    [pytest.param(3, id="second_to_last_escalates"), pytest.param(4, id="last_does_not")],
)
@sites
def test_last_attempt_is_not_escalated(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str, attempt_index: int
) -> None:
    attempt = Attempt(budget(97.5), prediction(8192, 8192), attempt_index=attempt_index)
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_builder_answer_without_token_budget_does_not_escalate(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    run_at_site(golden, attempt_rig(), site, Attempt(None, prediction()))


# ---------------------------------------------------------------- the retry budget


@pytest.mark.parametrize(
    ("selected", "actual_max", "output"),
    [
        pytest.param(12000, 8192, 7000, id="selected_budget"),
        pytest.param(8192, 16000, 7000, id="actual_max_tokens"),
        pytest.param(4096, 4096, 9000, id="actual_output_tokens"),
        pytest.param(8192, 8192, 8192, id="tie_prefers_selected_budget"),
    ],
)
@sites
def test_base_is_the_largest_candidate(
    golden: Recorder,
    attempt_rig: MakeAttemptRig,
    site: str,
    selected: int,
    actual_max: int,
    output: int,
) -> None:
    attempt = Attempt(
        budget(96.0, output=output), prediction(selected, actual_max), tokens_used=output
    )
    run_at_site(golden, attempt_rig(), site, attempt)


@pytest.mark.parametrize(
    "complexity",
    [
        pytest.param("low", id="low"),
        pytest.param("medium", id="medium"),
        pytest.param("high", id="high"),
        pytest.param("extreme", id="unknown"),
        pytest.param(None, id="absent_means_medium"),
    ],
)
@sites
def test_complexity_default_when_every_candidate_is_zero(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str, complexity: str | None
) -> None:
    attempt = Attempt(
        budget(100.0, truncated=True, output=0),
        prediction(0, 0),
        phase={} if complexity is None else {"complexity": complexity},
    )
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_base_of_one_token_is_kept(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(100.0, truncated=True, output=1), prediction(0, 0), tokens_used=1)
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_missing_candidates_count_as_zero(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(
        {"was_truncated": True, "output_utilization": 88.0}, None, phase={"complexity": "high"}
    )
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_retry_budget_is_capped_at_64000(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(99.5, output=52000), prediction(60000, 60000), tokens_used=61000)
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_telemetry_off_escalates_without_recording_an_event(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(62.5, truncated=True), prediction(8192, 8192), tokens_used=8300)
    run_at_site(golden, attempt_rig(telemetry_enabled=False), site, attempt)


@sites
def test_escalation_adds_no_key_to_the_builder_metadata(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    attempt = Attempt(budget(99.0, truncated=True), prediction(8192, 8192), tokens_used=8300)
    answer = run_at_site(golden, attempt_rig(), site, attempt)
    golden.observe("builder metadata keys", list(answer.metadata))


# ---------------------------------------------------------------- where the two sites differ


@sites
def test_truncated_output_without_utilization_escalates(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    """Site 1 records output_utilization None; site 2 records 0."""
    attempt = Attempt({"was_truncated": True, "actual_output_tokens": 8192}, prediction(8192, 8192))
    run_at_site(golden, attempt_rig(), site, attempt)


@pytest.mark.parametrize(
    "token_budget",
    [
        pytest.param({"was_truncated": False, "actual_output_tokens": 5000}, id="missing"),
        pytest.param({"was_truncated": False, "output_utilization": None}, id="none"),
    ],
)
@sites
def test_utilization_missing_without_truncation(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str, token_budget: dict[str, Any]
) -> None:
    """Site 1 raises TypeError (None >= 95.0); site 2 treats it as 0 and does not escalate."""
    run_at_site(golden, attempt_rig(), site, Attempt(token_budget, prediction()))


@sites
def test_unparsable_selected_budget(
    golden: Recorder, attempt_rig: MakeAttemptRig, site: str
) -> None:
    """Site 1 lets the ValueError out; site 2 logs it and reports the missing deliverables."""
    attempt = Attempt(budget(99.0), {"selected_budget": "n/a", "actual_max_tokens": 8192})
    run_at_site(golden, attempt_rig(), site, attempt)


@sites
def test_failing_event_writer(golden: Recorder, attempt_rig: MakeAttemptRig, site: str) -> None:
    """Site 1 lets the error out; site 2 logs it after the phase is already marked escalated."""
    rig = attempt_rig()
    # The rig fakes the writer by identity under its qualified name; script it to fail.
    golden.fake(EVENT_WRITER, side_effect=RuntimeError("event table locked"))
    attempt = Attempt(budget(99.0), prediction(8192, 8192), tokens_used=8200)
    run_at_site(golden, rig, site, attempt)


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
