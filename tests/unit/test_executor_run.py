"""`run()`: phases in order until each completes or fails for good; resume; run record."""

from __future__ import annotations

from pathlib import Path

from autopack.db import RunRecord

SKIP_CI = {"skip": True}


def ok_phase(phase_id: str, path: str, new_file_patch) -> dict:
    return {
        "phase_id": phase_id,
        "scope": {"paths": ["src/"]},
        "ci": SKIP_CI,
        "replay": {"builder": [{"patch": new_file_patch(path, f"{phase_id}\n")}]},
    }


def test_all_phases_complete(make_executor, db_rows, new_file_patch, git_repo: Path) -> None:
    phases = [
        ok_phase("a", "src/a.txt", new_file_patch),
        ok_phase("b", "src/b.txt", new_file_patch),
    ]
    executor = make_executor(phases)
    summary = executor.run()
    assert summary.all_complete
    assert [(o.phase_id, o.state, o.attempts, o.skipped) for o in summary.phases] == [
        ("a", "COMPLETE", 1, False),
        ("b", "COMPLETE", 1, False),
    ]
    (run,) = db_rows(executor, RunRecord)
    assert (run.state, run.checkpoint_branch, run.finished_at is not None) == (
        "COMPLETE",
        "main",
        True,
    )
    assert executor.notifier.sent[-1].text == "🏁 Run run-1 COMPLETE: 2/2 phases complete"


def test_a_failed_phase_stops_the_run(make_executor, new_file_patch) -> None:
    bad = {
        "phase_id": "bad",
        "scope": {"paths": ["src/"]},
        "ci": SKIP_CI,
        "replay": {"builder": [{"error": "nope"}] * 5},
    }
    phases = [bad, ok_phase("later", "src/later.txt", new_file_patch)]
    executor = make_executor(phases)
    summary = executor.run()
    assert not summary.all_complete
    assert [(o.phase_id, o.state, o.skipped) for o in summary.phases] == [
        ("bad", "FAILED", False),
        ("later", "QUEUED", True),
    ]
    assert summary.phases[0].last_failure_reason == "MAX_ATTEMPTS_EXHAUSTED"
    assert summary.phases[0].attempts == 5


def test_running_again_resumes_and_skips_complete_phases(
    make_executor, fakes, new_file_patch
) -> None:
    phases = [ok_phase("a", "src/a.txt", new_file_patch)]
    first = make_executor(phases)
    assert first.run().all_complete
    first.close()
    again = make_executor([ok_phase("a", "src/a.txt", new_file_patch)])
    again.llm_service = fakes.RecordingLlm(again.llm_service)
    summary = again.run()
    assert summary.all_complete
    assert summary.phases[0].skipped is True
    assert again.llm_service.builder_calls == []


def test_a_phase_failed_in_an_earlier_run_stops_the_resumed_run(
    make_executor, new_file_patch
) -> None:
    first = make_executor(
        [ok_phase("a", "src/a.txt", new_file_patch), ok_phase("b", "src/b.txt", new_file_patch)]
    )
    first._mark_phase_failed_in_db("a", "DOCTOR_SKIP: FAILED")
    first.close()
    again = make_executor(
        [ok_phase("a", "src/a.txt", new_file_patch), ok_phase("b", "src/b.txt", new_file_patch)]
    )
    summary = again.run()
    assert [(o.phase_id, o.state, o.skipped) for o in summary.phases] == [
        ("a", "FAILED", True),
        ("b", "QUEUED", True),
    ]


def test_run_failure_budget_stops_the_run(make_executor) -> None:
    looping = {
        "phase_id": "loop",
        "scope": {"paths": ["src/"]},
        "ci": SKIP_CI,
        "replay": {"builder": [{"error": "x"}] * 5},
    }
    executor = make_executor([looping])
    executor._run_total_failures = 24
    summary = executor.run()
    assert summary.phases[0].state == "FAILED"
    assert summary.phases[0].last_failure_reason == "MAX_TOTAL_FAILURES_PER_RUN"


def test_attempts_count_the_attempt_the_doctor_ended(make_executor, fakes, new_file_patch) -> None:
    from autopack.doctor import DoctorResponse

    bad = {
        "phase_id": "bad",
        "scope": {"paths": ["src/"]},
        "ci": SKIP_CI,
        "replay": {"builder": [{"patch": new_file_patch("docs/x.md", "x\n")}] * 2},
    }
    executor = make_executor([bad], doctor=fakes.ScriptedDoctor(DoctorResponse("skip_phase", "r")))
    summary = executor.run()
    (outcome,) = summary.phases
    assert (outcome.state, outcome.attempts, outcome.last_failure_reason) == (
        "FAILED",
        2,
        "DOCTOR_SKIP: PATCH_FAILED",
    )
