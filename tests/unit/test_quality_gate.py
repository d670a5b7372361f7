"""Quality gate verdicts."""

from __future__ import annotations

from autopack.quality_gate import QualityGate

PASSED = {"status": "passed", "passed": True, "skipped": False, "suspicious_zero_tests": False}


def assess(**overrides):
    args = {
        "phase_id": "p",
        "ci_result": PASSED,
        "auditor_approved": True,
        "auditor_issues": [],
        "files_changed": ["a.py"],
    }
    args.update(overrides)
    return QualityGate().assess_phase(**args)


def test_clean_change_is_ok() -> None:
    report = assess()
    assert (report.quality_level, report.is_blocked, report.issues) == ("ok", False, [])


def test_failed_ci_and_rejection_block() -> None:
    report = assess(
        ci_result={"status": "failed", "passed": False, "skipped": False},
        auditor_approved=False,
    )
    assert report.is_blocked
    assert report.issues == ["CI failed", "auditor rejected the change"]


def test_major_issue_blocks_and_minor_needs_review() -> None:
    blocked = assess(auditor_issues=[{"severity": "major", "message": "no tests"}])
    assert (blocked.quality_level, blocked.issues) == ("blocked", ["major: no tests"])
    review = assess(auditor_issues=[{"severity": "minor", "message": "naming"}])
    assert (review.quality_level, review.is_blocked) == ("needs_review", False)


def test_skipped_ci_is_not_a_failure_but_zero_tests_needs_review() -> None:
    assert (
        assess(ci_result={"status": "skipped", "passed": True, "skipped": True}).quality_level
        == "ok"
    )
    zero = assess(ci_result={**PASSED, "suspicious_zero_tests": True}, files_changed=[])
    assert zero.issues == ["CI ran zero tests", "no files changed"]
