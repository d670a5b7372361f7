"""The rule-based Doctor: one test per rule, in rule order."""

from __future__ import annotations

import pytest

from autopack.doctor import DOCTOR_ACTIONS, DoctorRequest, RuleBasedDoctor


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
