"""`execute_phase`: one attempt and its failure handling, on real SQLite and git."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from autopack.db import LearningHint, PhaseError, TokenBudgetEscalationEvent
from autopack.doctor import DoctorResponse
from autopack.manifest_generator import ManifestResult

SCOPE = {"paths": ["src/"]}
SKIP_CI = {"skip": True}


def phase(phase_id: str = "p1", builder: list | None = None, **extra) -> dict:
    return {
        "phase_id": phase_id,
        "scope": dict(SCOPE),
        "ci": SKIP_CI,
        "replay": {"builder": builder or []},
        **extra,
    }


def out_of_scope(new_file_patch) -> dict:
    return {"patch": new_file_patch("docs/x.md", "x\n")}


def test_success_marks_complete(make_executor, git_repo: Path, new_file_patch) -> None:
    p = phase(builder=[{"patch": new_file_patch("src/a.py", "x = 1\n")}])
    executor = make_executor([p])
    assert executor.execute_phase(p) == (True, "COMPLETE")
    assert executor._get_phase_from_db("p1").state == "COMPLETE"
    assert (git_repo / "src/a.py").read_text() == "x = 1\n"


def test_token_escalation_skips_diagnostics_and_doctor(make_executor, db_rows, fakes) -> None:
    p = phase(
        builder=[
            {
                "error": "stopped early",
                "tokens_used": 4200,
                "token_budget": {
                    "was_truncated": True,
                    "output_utilization": 99.0,
                    "actual_output_tokens": 100,
                },
                "token_prediction": {"selected_budget": 4096, "actual_max_tokens": 0},
            }
        ]
    )
    diagnostics, doctor = fakes.RecordingDiagnostics(), fakes.ScriptedDoctor()
    executor = make_executor([p], diagnostics_agent=diagnostics, doctor=doctor)
    assert executor.execute_phase(p) == (False, "TOKEN_ESCALATION")
    row = executor._get_phase_from_db("p1")
    assert (row.retry_attempt, row.last_failure_reason, row.state) == (
        1,
        "TOKEN_ESCALATION",
        "QUEUED",
    )
    assert diagnostics.calls == []
    assert doctor.requests == []
    assert db_rows(executor, PhaseError) == []
    assert (p["_escalated_tokens"], p["_escalated_once"]) == (5120, True)
    (event,) = db_rows(executor, TokenBudgetEscalationEvent)
    assert (event.attempt_index, event.reason, event.base_value, event.base_source) == (
        1,
        "truncation",
        4096,
        "selected_budget",
    )
    assert (event.selected_budget, event.actual_max_tokens, event.tokens_used) == (4096, None, 4200)
    assert (event.escalation_factor, event.output_utilization) == (1.25, 99.0)


def test_ordinary_failure_records_and_runs_diagnostics_but_not_the_doctor_on_attempt_one(
    make_executor, db_rows, new_file_patch, fakes
) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)])
    diagnostics, doctor = fakes.RecordingDiagnostics(), fakes.ScriptedDoctor()
    executor = make_executor([p], diagnostics_agent=diagnostics, doctor=doctor)
    assert executor.execute_phase(p) == (False, "PATCH_FAILED")
    row = executor._get_phase_from_db("p1")
    assert (row.retry_attempt, row.last_failure_reason) == (1, "PATCH_FAILED")
    assert [c["failure_class"] for c in diagnostics.calls] == ["patch_apply_error"]
    assert doctor.requests == []
    (error,) = db_rows(executor, PhaseError)
    assert (error.attempt_index, error.status) == (0, "PATCH_FAILED")
    assert "paths outside the allowed scope ['docs/x.md']" in error.message
    assert [h.hint_type for h in db_rows(executor, LearningHint)] == ["patch_apply_error"]


def test_second_failure_consults_the_doctor_and_keeps_its_hint(
    make_executor, new_file_patch, fakes
) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)] * 2)
    doctor = fakes.ScriptedDoctor(DoctorResponse("retry_with_fix", "r", hint="stay in src/"))
    executor = make_executor([p], doctor=doctor)
    executor.execute_phase(p)
    assert executor.execute_phase(p) == (False, "PATCH_FAILED")
    (request,) = doctor.requests
    assert (request.error_category, request.builder_attempts) == ("patch_apply_error", 2)
    assert p["_doctor_hint"] == "stay in src/"
    assert executor._get_phase_from_db("p1").retry_attempt == 2


@pytest.mark.parametrize("action", ["skip_phase", "mark_fatal"])
def test_doctor_skip_or_fatal_fails_the_phase(
    make_executor, new_file_patch, action: str, fakes
) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)] * 2)
    executor = make_executor([p], doctor=fakes.ScriptedDoctor(DoctorResponse(action, "r")))
    executor.execute_phase(p)
    assert executor.execute_phase(p) == (False, "FAILED")
    row = executor._get_phase_from_db("p1")
    assert (row.state, row.last_failure_reason, row.retry_attempt) == (
        "FAILED",
        "DOCTOR_SKIP: PATCH_FAILED",
        1,
    )


def test_doctor_replan_bumps_the_epoch_once_per_phase(make_executor, new_file_patch, fakes) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)] * 3)
    doctor = fakes.ScriptedDoctor(DoctorResponse("replan", "r"), DoctorResponse("replan", "r"))
    executor = make_executor([p], doctor=doctor)
    executor.execute_phase(p)
    assert executor.execute_phase(p) == (False, "REPLAN_REQUESTED")
    row = executor._get_phase_from_db("p1")
    assert (row.retry_attempt, row.revision_epoch, row.last_failure_reason) == (
        1,
        1,
        "DOCTOR_REPLAN",
    )
    assert executor.execute_phase(p) == (False, "PATCH_FAILED")
    row = executor._get_phase_from_db("p1")
    assert (row.retry_attempt, row.revision_epoch) == (2, 1)
    assert len(doctor.requests) == 2


def test_doctor_caps_two_calls_per_phase(make_executor, new_file_patch, fakes) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)] * 4)
    responses = [DoctorResponse("retry_with_fix", "r") for _ in range(3)]
    doctor = fakes.ScriptedDoctor(*responses)
    executor = make_executor([p], doctor=doctor)
    for _ in range(4):
        executor.execute_phase(p)
    assert len(doctor.requests) == 2


def test_doctor_rollback_action_restores_the_checkpoint(
    make_executor, git_repo: Path, new_file_patch, fakes
) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)] * 2)
    executor = make_executor([p], doctor=fakes.ScriptedDoctor(DoctorResponse("rollback_run", "r")))
    (git_repo / "src").mkdir()
    (git_repo / "src/leftover.py").write_text("x\n")
    executor.execute_phase(p)
    assert executor.execute_phase(p) == (False, "PATCH_FAILED")
    assert not (git_repo / "src/leftover.py").exists()
    log = (git_repo / ".autonomous_runs/run-1/run_rollback.log").read_text()
    assert log.rstrip().endswith("Reason: doctor_rollback_run: p1 PATCH_FAILED")


def test_last_attempt_marks_max_attempts_exhausted(make_executor, new_file_patch, fakes) -> None:
    p = phase(builder=[out_of_scope(new_file_patch)] * 5)
    executor = make_executor(
        [p], doctor=fakes.ScriptedDoctor(*[DoctorResponse("retry_with_fix", "r")] * 2)
    )
    executor._update_phase_attempts_in_db("p1", retry_attempt=4)
    assert executor.execute_phase(p) == (False, "FAILED")
    row = executor._get_phase_from_db("p1")
    assert (row.state, row.retry_attempt, row.last_failure_reason) == (
        "FAILED",
        5,
        "MAX_ATTEMPTS_EXHAUSTED",
    )


def test_exhausted_counter_fails_before_any_attempt(make_executor, fakes) -> None:
    p = phase()
    diagnostics = fakes.RecordingDiagnostics()
    executor = make_executor([p], diagnostics_agent=diagnostics)
    executor._update_phase_attempts_in_db("p1", retry_attempt=5)
    assert executor.execute_phase(p) == (False, "FAILED")
    assert executor._get_phase_from_db("p1").last_failure_reason == "MAX_ATTEMPTS_EXHAUSTED"
    assert diagnostics.calls == []


def test_missing_utilization_at_builder_failure_raises_and_is_handled_as_an_exception(
    make_executor, db_rows, fakes
) -> None:
    p = phase(builder=[{"error": "bad", "token_budget": {"was_truncated": False}}])
    diagnostics = fakes.RecordingDiagnostics()
    doctor = fakes.ScriptedDoctor(DoctorResponse("retry_with_fix", "r"))
    executor = make_executor([p], diagnostics_agent=diagnostics, doctor=doctor)
    assert executor.execute_phase(p) == (False, "EXCEPTION_OCCURRED")
    row = executor._get_phase_from_db("p1")
    assert (row.retry_attempt, row.last_failure_reason) == (1, "EXCEPTION: TypeError")
    assert [c["failure_class"] for c in diagnostics.calls] == ["infra_error"]
    assert doctor.requests[0].error_category == "infra_error"
    (error,) = db_rows(executor, PhaseError)
    assert (error.status, error.error_type) == ("EXCEPTION_OCCURRED", "TypeError")


def test_failure_hardening_mitigates_and_counts_an_attempt(
    make_executor, git_repo: Path, new_file_patch, fakes
) -> None:
    (git_repo / "src/pkg").mkdir(parents=True)
    command = "echo \"ModuleNotFoundError: No module named 'pkg'\"; exit 1"
    p = phase(
        builder=[{"patch": new_file_patch("src/pkg/mod.py", "x = 1\n")}], ci={"command": command}
    )
    diagnostics = fakes.RecordingDiagnostics()
    executor = make_executor([p], diagnostics_agent=diagnostics, enable_failure_hardening=True)
    assert executor.execute_phase(p) == (False, "FAILED")
    row = executor._get_phase_from_db("p1")
    assert (row.retry_attempt, row.last_failure_reason, row.state) == (
        1,
        "HARDENING_MITIGATED: missing_init_py",
        "QUEUED",
    )
    assert (git_repo / "src/pkg/__init__.py").exists()
    assert diagnostics.calls == []


def test_success_after_a_retry_records_a_hint(
    make_executor, db_rows, new_file_patch, fakes
) -> None:
    p = phase(builder=[out_of_scope(new_file_patch), {"patch": new_file_patch("src/a.py", "a\n")}])
    executor = make_executor(
        [p], doctor=fakes.ScriptedDoctor(DoctorResponse("retry_with_fix", "r"))
    )
    executor.execute_phase(p)
    assert executor.execute_phase(p) == (True, "COMPLETE")
    assert [h.hint_type for h in db_rows(executor, LearningHint)] == [
        "patch_apply_error",
        "success_after_retry",
    ]


def test_scope_generation_rewrites_a_scope_without_paths(make_executor, new_file_patch) -> None:
    p = {
        "phase_id": "p1",
        "description": "Add a module",
        "deliverables": ["src/a.py"],
        "ci": SKIP_CI,
        "replay": {"builder": [{"patch": new_file_patch("src/a.py", "a\n")}]},
    }
    executor = make_executor([p])
    assert executor.execute_phase(p) == (True, "COMPLETE")
    assert p["scope"] == {"paths": ["src/a.py"], "read_only_context": []}


class _Generator:
    def __init__(self, result=None, error: Exception | None = None) -> None:
        self.result, self.error, self.calls = result, error, []

    def generate_manifest(self, *, plan_data, skip_validation=False):
        self.calls.append(plan_data)
        if self.error:
            raise self.error
        return self.result


def test_scope_generation_low_confidence_failure_and_exception(
    make_executor, caplog: pytest.LogCaptureFixture
) -> None:
    p = {"phase_id": "p1", "scope": {"paths": []}, "replay": {"builder": []}, "ci": SKIP_CI}
    low = _Generator(ManifestResult(True, {"phases": [{"scope": {"paths": ["src/"]}}]}, 0.1))
    executor = make_executor([p], manifest_generator=low)
    with caplog.at_level(logging.INFO):
        executor.execute_phase(p)
    assert low.calls == [{"run_id": "run-1", "phases": [p]}]
    assert p["scope"] == {"paths": ["src/"]}
    assert "Generated scope for p1 has low confidence 0.10: 1 path(s)" in caplog.messages

    q = {"phase_id": "q", "scope": {}, "replay": {"builder": []}, "ci": SKIP_CI}
    for generator, message in [
        (_Generator(ManifestResult(False, error="nope")), "Scope generation failed for q: nope"),
        (
            _Generator(error=RuntimeError("boom")),
            "Scope generation raised for q: RuntimeError: boom",
        ),
    ]:
        executor.manifest_generator = generator
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            executor.execute_phase(q)
        assert q["scope"] == {}
        assert any(m.startswith(message) for m in caplog.messages)
