"""Smoke tests of `executor.governance_bridge.gate_phase` with fakes: the gate's inputs, and the
approval asked when it blocks, with its arguments."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.governance_bridge import gate_phase

CI = {"status": "passed", "passed": True}


def make_executor(report: Any, approve: bool | None = None) -> SimpleNamespace:
    calls: list[tuple[str, dict[str, Any]]] = []

    def assess_phase(**kwargs: Any) -> Any:
        calls.append(("assess_phase", kwargs))
        return report

    def request_approval(phase_id: str, **kwargs: Any) -> bool:
        calls.append(("request_approval", {"phase_id": phase_id, **kwargs}))
        assert approve is not None, "no approval expected"
        return approve

    return SimpleNamespace(
        calls=calls,
        quality_gate=SimpleNamespace(assess_phase=assess_phase),
        _request_approval=request_approval,
        _last_files_changed_by_phase={"p": ["src/a.py"]},
        _last_error_by_phase={},
    )


def report(*issues: str, blocked: bool = False) -> SimpleNamespace:
    return SimpleNamespace(
        issues=list(issues), is_blocked=blocked, quality_level="blocked" if blocked else "good"
    )


AUDITOR = SimpleNamespace(approved=True, issues=[{"severity": "minor", "text": "naming"}])


def test_a_passing_gate_completes_and_is_given_the_ci_auditor_and_files() -> None:
    executor = make_executor(report())
    assert gate_phase(executor=executor, phase_id="p", ci_result=CI, auditor_result=AUDITOR) == (
        True,
        "COMPLETE",
    )
    assert executor.calls == [
        (
            "assess_phase",
            {
                "phase_id": "p",
                "ci_result": CI,
                "auditor_approved": True,
                "auditor_issues": AUDITOR.issues,
                "files_changed": ["src/a.py"],
            },
        )
    ]


@pytest.mark.parametrize(("approve", "result"), [(True, (True, "COMPLETE")), (False, None)])
def test_a_blocked_gate_asks_for_approval(approve: bool, result: Any) -> None:
    executor = make_executor(report("no tests", "too big", blocked=True), approve=approve)
    outcome = gate_phase(executor=executor, phase_id="p", ci_result=CI, auditor_result=AUDITOR)
    assert executor.calls[1] == (
        "request_approval",
        {
            "phase_id": "p",
            "kind": "quality_gate",
            "summary": "quality gate blocked: no tests; too big",
            "details": {"issues": ["no tests", "too big"], "level": "blocked"},
        },
    )
    if approve:
        assert outcome == result
        assert executor._last_error_by_phase == {}
    else:
        assert outcome == (False, "BLOCKED: no tests; too big")
        assert executor._last_error_by_phase == {"p": "no tests; too big"}
