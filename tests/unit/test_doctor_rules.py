"""The rule-based Doctor: one test per rule, in rule order."""

from __future__ import annotations

import pytest

from autopack.doctor import DOCTOR_ACTIONS, DoctorRequest, DoctorResponse, RuleBasedDoctor


def request(category: str, attempts: int = 2, error: str = "boom", **kw) -> DoctorRequest:
    return DoctorRequest(
        phase_id="p1", error_category=category, builder_attempts=attempts, last_error=error, **kw
    )


def test_environment_failures_are_fatal_whatever_the_category() -> None:
    response = RuleBasedDoctor().diagnose(request("ci_fail", error="OSError: Permission denied"))
    assert response.action == "mark_fatal"


def test_infra_errors_retry_and_disable_the_provider_from_three_attempts() -> None:
    doctor = RuleBasedDoctor()
    early = doctor.diagnose(request("infra_error", attempts=2, provider="anthropic"))
    late = doctor.diagnose(request("infra_error", attempts=3, provider="anthropic"))
    assert (early.action, early.disable_providers) == ("retry_with_fix", [])
    assert (late.action, late.disable_providers) == ("retry_with_fix", ["anthropic"])


def test_files_left_by_an_earlier_attempt_ask_for_a_rollback() -> None:
    error = "git apply failed: error: src/a.py: already exists in working directory"
    response = RuleBasedDoctor().diagnose(
        request("patch_apply_error", error=error, untracked_files=["src/a.py"])
    )
    assert response.action == "rollback_run"
    assert response.hint


def test_existing_file_not_created_by_the_run_does_not_roll_back() -> None:
    error = "git apply failed: error: src/a.py: already exists in working directory"
    response = RuleBasedDoctor().diagnose(request("patch_apply_error", error=error))
    assert response.action == "retry_with_fix"


def test_local_modifications_get_a_checkout_fix() -> None:
    error = "git apply failed: error: patch failed: a.py:1 | error: a.py: patch does not apply"
    response = RuleBasedDoctor().diagnose(
        request("patch_apply_error", error=error, modified_files=["a.py"])
    )
    assert response.action == "execute_fix"
    assert response.fix_commands == ["git checkout -- a.py"]


@pytest.mark.parametrize(
    ("category", "attempts", "action"),
    [
        ("ci_fail", 2, "retry_with_fix"),
        ("ci_fail", 3, "replan"),
        ("deliverables_validation_failed", 4, "retry_with_fix"),
        ("auditor_reject", 2, "retry_with_fix"),
        ("auditor_reject", 3, "replan"),
        ("auditor_reject", 4, "skip_phase"),
    ],
)
def test_attempt_count_escalates_the_action(category: str, attempts: int, action: str) -> None:
    response = RuleBasedDoctor().diagnose(request(category, attempts=attempts))
    assert response.action == action
    assert response.action in DOCTOR_ACTIONS


@pytest.mark.parametrize(
    ("category", "attempts", "expected"),
    [
        pytest.param(
            "ci_fail",
            2,
            DoctorResponse(
                "retry_with_fix",
                "CI failed",
                hint="make the failing tests pass: " + "x" * 200,
                confidence=0.7,
            ),
            id="ci_fail_retry",
        ),
        pytest.param(
            "ci_fail",
            3,
            DoctorResponse("replan", "CI keeps failing after 3 builder attempts", confidence=0.6),
            id="ci_fail_replan",
        ),
        pytest.param(
            "deliverables_validation_failed",
            5,
            DoctorResponse(
                "retry_with_fix",
                "deliverables missing",
                hint="produce every listed deliverable: " + "x" * 200,
                confidence=0.7,
            ),
            id="deliverables_retry_whatever_the_count",
        ),
        pytest.param(
            "auditor_reject",
            2,
            DoctorResponse(
                "retry_with_fix",
                "change rejected",
                hint="address the review findings: " + "x" * 200,
                confidence=0.5,
            ),
            id="rejection_retry",
        ),
        pytest.param(
            "quality_gate_blocked",
            3,
            DoctorResponse(
                "replan", "rejected 3 times; the phase needs a new plan", confidence=0.5
            ),
            id="rejection_replan",
        ),
        pytest.param(
            "auditor_reject",
            6,
            DoctorResponse("skip_phase", "rejected 4 times; skipping the phase", confidence=0.5),
            id="rejection_skip",
        ),
    ],
)
def test_retry_rules_answer_in_full(category: str, attempts: int, expected: DoctorResponse) -> None:
    response = RuleBasedDoctor().diagnose(request(category, attempts=attempts, error="x" * 300))
    assert response == expected
