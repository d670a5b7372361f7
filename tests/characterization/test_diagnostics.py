"""Characterization of diagnostics and the Doctor: evidence gathering, the Doctor's caps, its request, its actions.

The four methods run real, each called on its own: `_run_diagnostics` (the context handed to the
diagnostics agent), `_should_invoke_doctor` (the per-phase, per-run and minimum-attempt rules),
`_invoke_doctor` (the `DoctorRequest` the Doctor receives and the call counters it bumps) and
`_handle_doctor_action` (what each action does to the phase, the database and the run). The agent,
the Doctor, the model router and `provider_for_model` are fakes; so are the executor methods the
actions delegate to (marking failed, updating attempts, rollback, fix commands). Counters and
bookkeeping the methods change are recorded as changes of `self`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar

import pytest

from autopack.diagnostics.agent import DiagnosticsOutcome
from autopack.doctor import DoctorResponse
from autopack.model_router import provider_for_model
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "diagnostics",
    covers=[
        "autopack.executor.diagnostics_orchestrator:run_diagnostics",
        "autopack.autonomous_executor:AutonomousExecutor._run_diagnostics",
        "autopack.executor.doctor_wiring:should_invoke_doctor",
        "autopack.executor.doctor_wiring:invoke_doctor",
        "autopack.executor.doctor_wiring:handle_doctor_action",
        "autopack.autonomous_executor:AutonomousExecutor._should_invoke_doctor",
        "autopack.autonomous_executor:AutonomousExecutor._invoke_doctor",
        "autopack.autonomous_executor:AutonomousExecutor._handle_doctor_action",
        "autopack.executor.doctor_wiring:MAX_DOCTOR_CALLS_PER_PHASE",
        "autopack.executor.doctor_wiring:MAX_DOCTOR_CALLS_PER_RUN",
        "autopack.executor.doctor_wiring:MIN_BUILDER_ATTEMPTS_FOR_DOCTOR",
        "autopack.executor.doctor_wiring:MAX_REPLANS_PER_PHASE",
        "autopack.executor.doctor_wiring:MAX_REPLANS_PER_RUN",
    ],
)

T = TypeVar("T")
# A parametrize value that the executor keeps and may change is given as a factory, so that every
# run of a scenario starts from a fresh value (a literal in the list would carry the changes of one
# run into the next run in the same process).
Factory = Callable[[], T]

REAL = ["_run_diagnostics", "_should_invoke_doctor", "_invoke_doctor", "_handle_doctor_action"]

PHASE: dict[str, Any] = {"phase_id": "build-api", "description": "Add the routes of the API"}


def outcome() -> DiagnosticsOutcome:
    """A fresh diagnostics outcome of a CI failure of `build-api` (its file lists are new lists)."""
    return DiagnosticsOutcome(
        failure_class="ci_fail",
        summary="ci_fail in build-api (attempt 1): 1 modified, 1 untracked file(s)",
        untracked_files=["src/api/new_route.py"],
        modified_files=["src/api/routes.py"],
        report_path=".autonomous_runs/run-char/diagnostics/build-api-attempt1.json",
    )


def phase(**fields: Any) -> dict[str, Any]:
    """A fresh copy of the phase under test, with `fields` added."""
    return {**PHASE, **fields}


# --- _run_diagnostics --------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_ci_result",
    [
        pytest.param(
            lambda: {"status": "failed", "tests_failed": 2, "tests_passed": 5},
            id="failed_ci_result",
        ),
        pytest.param(lambda: {"status": "skipped"}, id="ci_result_without_counts"),
        pytest.param(lambda: None, id="no_ci_result"),
    ],
)
def test_diagnostics_context_carries_the_last_ci_result_and_changed_files(
    golden: Recorder, make_executor: Any, make_ci_result: Factory[dict[str, Any] | None]
) -> None:
    ci_result = make_ci_result()
    executor = make_executor(
        real=REAL,
        _last_ci_result_by_phase={"build-api": ci_result} if ci_result else {},
        _last_files_changed_by_phase={"build-api": ("src/api/routes.py",), "other": ("x.py",)},
    )
    golden.fake("diagnostics_agent.run_diagnostics", returns=outcome())
    golden.call(executor._run_diagnostics, phase(), 1, "ci_fail", "CI_FAILED", "2 tests failed")


def test_diagnostics_without_changed_files_or_ci_result(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(real=REAL)
    golden.fake("diagnostics_agent.run_diagnostics", returns=outcome())
    golden.call(
        executor._run_diagnostics, phase(), 0, "infra_error", "INFRA_RETRY", "connection reset"
    )


def test_diagnostics_error_text_is_cut_to_2000_characters(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(real=REAL)
    error = "\n".join(f"line {n:03d}: assertion failed" for n in range(1, 101))
    golden.fake("diagnostics_agent.run_diagnostics", returns=outcome())
    golden.call(executor._run_diagnostics, phase(), 2, "ci_fail", "CI_FAILED", error)


def test_diagnostics_outcome_without_a_summary_is_logged_as_is(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(real=REAL)
    golden.fake("diagnostics_agent.run_diagnostics", returns="2 modified, 0 untracked file(s)")
    golden.call(executor._run_diagnostics, phase(), 1, "ci_fail", "CI_FAILED", "2 tests failed")


def test_diagnostics_agent_failure_is_logged_and_gives_none(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(real=REAL)
    golden.fake(
        "diagnostics_agent.run_diagnostics",
        side_effect=PermissionError("[Errno 13] Permission denied: '.autonomous_runs'"),
    )
    golden.call(executor._run_diagnostics, phase(), 1, "ci_fail", "CI_FAILED", "2 tests failed")


# --- _should_invoke_doctor ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_phase_calls", "run_calls", "builder_attempts", "is_infra"),
    [
        pytest.param(lambda: {}, 0, 2, False, id="two_attempts_is_enough"),
        pytest.param(lambda: {}, 0, 1, False, id="one_attempt_is_too_few"),
        pytest.param(lambda: {}, 0, 1, True, id="infra_error_after_one_attempt"),
        pytest.param(lambda: {"build-api": 1}, 9, 2, False, id="just_below_both_caps"),
        pytest.param(lambda: {"other": 2}, 2, 2, False, id="cap_of_another_phase"),
        pytest.param(lambda: {"build-api": 2}, 2, 3, False, id="phase_cap_reached"),
        pytest.param(lambda: {"build-api": 2}, 2, 1, True, id="phase_cap_also_for_infra"),
        pytest.param(lambda: {"build-api": 1}, 10, 3, True, id="run_cap_reached"),
        pytest.param(lambda: {"build-api": 2}, 10, 3, False, id="both_caps_phase_reported"),
        pytest.param(lambda: {}, 10, 1, False, id="run_cap_before_attempt_minimum"),
    ],
)
def test_doctor_is_consulted_within_caps_after_enough_attempts(
    golden: Recorder,
    make_executor: Any,
    make_phase_calls: Factory[dict[str, int]],
    run_calls: int,
    builder_attempts: int,
    is_infra: bool,
) -> None:
    executor = make_executor(
        real=REAL, _doctor_calls_by_phase=make_phase_calls(), _run_doctor_calls=run_calls
    )
    golden.call(executor._should_invoke_doctor, "build-api", builder_attempts, is_infra=is_infra)


# --- _invoke_doctor ----------------------------------------------------------------------


def test_doctor_request_carries_diagnostics_provider_and_health_budget(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(
        real=REAL,
        _doctor_calls_by_phase={"build-api": 1, "other": 2},
        _run_doctor_calls=3,
        _run_total_failures=4,
        _last_builder_model_by_phase={"build-api": "claude-sonnet-4-5"},
    )
    golden.fake_function(provider_for_model, returns="anthropic")
    golden.fake(
        "doctor.diagnose",
        returns=DoctorResponse(
            "retry_with_fix",
            "CI failed",
            hint="make the failing tests pass",
            confidence=0.7,
        ),
    )
    golden.call(
        executor._invoke_doctor,
        phase(),
        attempt_index=2,
        error_category="ci_fail",
        error_text="2 tests failed",
        diagnostics=outcome(),
    )


def test_doctor_request_without_diagnostics_or_builder_model(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(real=REAL)
    golden.fake(
        "doctor.diagnose",
        returns=DoctorResponse("mark_fatal", "environment failure", confidence=0.9),
    )
    golden.call(
        executor._invoke_doctor,
        phase(),
        attempt_index=0,
        error_category="infra_error",
        error_text="OSError: No space left on device",
        diagnostics=None,
    )


def test_doctor_request_tolerates_partial_diagnostics(golden: Recorder, make_executor: Any) -> None:
    executor = make_executor(
        real=REAL, _last_builder_model_by_phase={"build-api": "gpt-4o", "other": "glm-4"}
    )
    golden.fake_function(provider_for_model, returns="openai")
    golden.fake(
        "doctor.diagnose",
        returns=DoctorResponse("replan", "rejected 3 times", confidence=0.456),
    )
    partial = SimpleNamespace(summary="git status unavailable", untracked_files=None)
    golden.call(
        executor._invoke_doctor,
        phase(),
        attempt_index=2,
        error_category="auditor_reject",
        error_text="FAILED",
        diagnostics=partial,
    )


def test_doctor_request_from_diagnostics_without_a_summary_has_an_empty_summary(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(real=REAL)
    golden.fake(
        "doctor.diagnose",
        returns=DoctorResponse("retry_with_fix", "CI failed", hint="rerun the tests"),
    )
    golden.call(
        executor._invoke_doctor,
        phase(),
        attempt_index=1,
        error_category="ci_fail",
        error_text="2 tests failed",
        diagnostics="2 modified, 0 untracked file(s)",  # an agent outcome that is plain text
    )


def test_doctor_failure_still_counts_against_the_caps(golden: Recorder, make_executor: Any) -> None:
    executor = make_executor(
        real=REAL, _doctor_calls_by_phase={"build-api": 1}, _run_doctor_calls=5
    )
    golden.fake("doctor.diagnose", side_effect=RuntimeError("rule table unreadable"))
    golden.call(
        executor._invoke_doctor,
        phase(),
        attempt_index=1,
        error_category="patch_apply_error",
        error_text="error: src/api/routes.py: patch does not apply",
        diagnostics=outcome(),
    )


# --- _handle_doctor_action ---------------------------------------------------------------


def handle(
    golden: Recorder,
    executor: Any,
    response: Any,
    *,
    the_phase: dict[str, Any] | None = None,
    status: str = "CI_FAILED",
) -> None:
    """Hand `response` to the executor for the 3rd attempt (retry 2) of revision epoch 1."""
    golden.call(
        executor._handle_doctor_action,
        the_phase if the_phase is not None else phase(),
        response,
        status=status,
        retry_attempt=2,
        revision_epoch=1,
    )


def test_retry_with_fix_keeps_the_hint_for_the_next_attempt(
    golden: Recorder, make_executor: Any
) -> None:
    response = DoctorResponse("retry_with_fix", "CI failed", hint="make test_routes pass")
    handle(golden, make_executor(real=REAL), response)


def test_retry_without_hint_leaves_an_earlier_hint(golden: Recorder, make_executor: Any) -> None:
    response = DoctorResponse("retry_with_fix", "transient infrastructure error")
    the_phase = phase(_doctor_hint="regenerate the patch")
    handle(golden, make_executor(real=REAL), response, the_phase=the_phase, status="INFRA_RETRY")


def test_providers_the_doctor_names_are_disabled_first(
    golden: Recorder, make_executor: Any
) -> None:
    golden.fake("model_router.disable_provider", returns=None)
    response = DoctorResponse(
        "retry_with_fix",
        "transient infrastructure error",
        hint="retry unchanged",
        disable_providers=["anthropic", "google_gemini"],
    )
    handle(golden, make_executor(real=REAL), response, status="INFRA_RETRY")


def test_response_with_no_provider_list_or_hint(golden: Recorder, make_executor: Any) -> None:
    response = SimpleNamespace(
        action="retry_with_fix", hint=None, disable_providers=None, fix_commands=None
    )
    handle(golden, make_executor(real=REAL), response)


@pytest.mark.parametrize("action", ["skip_phase", "mark_fatal"])
def test_skip_and_fatal_mark_the_phase_failed(
    golden: Recorder, make_executor: Any, action: str
) -> None:
    golden.fake("model_router.disable_provider", returns=None)
    golden.fake("self._mark_phase_failed_in_db", returns=True)
    response = DoctorResponse(
        action,
        "give up",
        hint="free disk space first",
        disable_providers=["openai"],
        confidence=0.9,
    )
    handle(golden, make_executor(real=REAL), response, status="BLOCKED: quality gate")


@pytest.mark.parametrize(
    ("make_replans_by_phase", "run_replans"),
    [
        pytest.param(lambda: {}, 0, id="first_replan"),
        pytest.param(lambda: {"other": 1}, 4, id="just_below_the_run_cap"),
    ],
)
def test_replan_bumps_the_revision_epoch(
    golden: Recorder,
    make_executor: Any,
    make_replans_by_phase: Factory[dict[str, int]],
    run_replans: int,
) -> None:
    executor = make_executor(
        real=REAL, _replans_by_phase=make_replans_by_phase(), _run_replan_count=run_replans
    )
    golden.fake("self._update_phase_attempts_in_db", returns=True)
    handle(golden, executor, DoctorResponse("replan", "rejected 3 times"))


@pytest.mark.parametrize(
    ("make_replans_by_phase", "run_replans"),
    [
        pytest.param(lambda: {"build-api": 1}, 1, id="phase_cap_reached"),
        pytest.param(lambda: {}, 5, id="run_cap_reached"),
    ],
)
def test_replan_over_its_cap_retries_as_usual(
    golden: Recorder,
    make_executor: Any,
    make_replans_by_phase: Factory[dict[str, int]],
    run_replans: int,
) -> None:
    executor = make_executor(
        real=REAL, _replans_by_phase=make_replans_by_phase(), _run_replan_count=run_replans
    )
    handle(golden, executor, DoctorResponse("replan", "rejected 3 times"))


@pytest.mark.parametrize(
    "rollback",
    [
        pytest.param((True, None), id="rolled_back"),
        pytest.param((False, "git_reset_failed: fatal: bad object"), id="rollback_failed"),
    ],
)
def test_rollback_run_rolls_back_then_retries(
    golden: Recorder, make_executor: Any, rollback: tuple[bool, str | None]
) -> None:
    golden.fake("self._rollback_to_run_checkpoint", returns=rollback)
    response = DoctorResponse(
        "rollback_run", "files left by an earlier attempt", hint="write the files afresh"
    )
    handle(golden, make_executor(real=REAL), response, status="PATCH_FAILED")


@pytest.mark.parametrize(
    ("make_fix_commands", "ran"),
    [
        pytest.param(
            lambda: ["git checkout -- src/api/routes.py", "git clean -fd"], 2, id="two_commands"
        ),
        pytest.param(lambda: None, 0, id="no_commands"),
    ],
)
def test_execute_fix_runs_the_fix_commands_then_retries(
    golden: Recorder, make_executor: Any, make_fix_commands: Factory[list[str] | None], ran: int
) -> None:
    golden.fake("self._execute_fix", returns=ran)
    fix_commands = make_fix_commands()
    response = DoctorResponse("execute_fix", "local modifications", fix_commands=fix_commands)  # type: ignore[arg-type]
    handle(golden, make_executor(real=REAL), response, status="PATCH_FAILED")


def test_unknown_action_retries_as_usual(golden: Recorder, make_executor: Any) -> None:
    handle(golden, make_executor(real=REAL), DoctorResponse("reboot_machine", "?"))


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
