"""`executor.diagnostics_orchestrator`: the typed decision each failed status gets, and the evidence
request sent to the diagnostics agent."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.diagnostics_orchestrator import (
    FailureDecision,
    decide_failure_handling,
    run_diagnostics,
)


@pytest.mark.parametrize(
    ("status", "outcome", "skip", "infra", "category"),
    [
        ("TOKEN_ESCALATION", "auditor_reject", True, False, "auditor_reject"),
        ("INFRA_RETRY", "auditor_reject", False, True, "infra_error"),
        ("PATCH_FAILED", "patch_apply_error", False, False, "patch_apply_error"),
        ("CI_FAILED", "ci_fail", False, False, "ci_fail"),
        (
            "DELIVERABLES_VALIDATION_FAILED",
            "deliverables_validation_failed",
            False,
            False,
            "deliverables_validation_failed",
        ),
        ("FAILED", "auditor_reject", False, False, "auditor_reject"),
        ("BLOCKED", "auditor_reject", False, False, "auditor_reject"),
        ("BLOCKED: tests too weak", "auditor_reject", False, False, "auditor_reject"),
        ("YAML_VALIDATION_FAILED", "auditor_reject", False, False, "auditor_reject"),
        ("GOAL_DRIFT_BLOCKED", "auditor_reject", False, False, "auditor_reject"),
    ],
)
def test_each_status_gets_its_decision(
    status: str, outcome: str, skip: bool, infra: bool, category: str
) -> None:
    decision = decide_failure_handling(status)
    assert decision == FailureDecision(
        failure_outcome=outcome, skip_diagnostics=skip, is_infra=infra
    )
    assert decision.category == category


@pytest.mark.parametrize(
    "status", ["INFRA_RETRY", "CI_FAILED", "PATCH_FAILED", "FAILED", "BLOCKED: x", "ANYTHING"]
)
def test_only_a_token_escalation_skips_diagnostics(status: str) -> None:
    assert decide_failure_handling("TOKEN_ESCALATION").skip_diagnostics is True
    assert decide_failure_handling(status).skip_diagnostics is False


class FakeAgent:
    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.calls: list[dict[str, Any]] = []

    def run_diagnostics(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if self.fails:
            raise OSError("disk gone")
        return SimpleNamespace(summary="workspace clean")


def executor_with(agent: FakeAgent) -> SimpleNamespace:
    return SimpleNamespace(
        diagnostics_agent=agent,
        _last_ci_result_by_phase={"p": {"status": "failed", "tests_failed": 2}},
        _last_files_changed_by_phase={"p": ["src/a.py"]},
    )


def test_the_agent_is_told_the_failure_with_the_last_ci_result_and_files() -> None:
    agent = FakeAgent()
    outcome = run_diagnostics(
        executor_with(agent), {"phase_id": "p"}, 1, "ci_fail", "CI_FAILED", "x" * 2500
    )
    assert outcome.summary == "workspace clean"
    assert agent.calls == [
        {
            "phase_id": "p",
            "failure_class": "ci_fail",
            "context": {
                "attempt_index": 1,
                "status": "CI_FAILED",
                "error": "x" * 2000,
                "ci_status": "failed",
                "ci_tests_failed": 2,
                "files_changed": ["src/a.py"],
            },
        }
    ]


def test_a_failing_agent_gives_no_outcome() -> None:
    assert (
        run_diagnostics(
            executor_with(FakeAgent(fails=True)), {"phase_id": "p"}, 0, "ci_fail", "CI_FAILED", "e"
        )
        is None
    )
