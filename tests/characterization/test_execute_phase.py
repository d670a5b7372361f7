"""Characterization of `execute_phase`: one attempt of a phase and the handling of its outcome.

The seam is `execute_phase` with its helpers `_derive_allowed_paths`, `_record_phase_error` and
`_record_learning_hint` (which write to a real SQLite database, observed after each call), and the
failure-hardening step inside it. Everything around it is faked: the phase-state methods, the
attempt itself (`_execute_phase_with_recovery`, reached through the real attempt runner), the
diagnostics and Doctor methods (their own seam), the escalated-budget lookup, failure hardening's
detector and the retry policy (recorded, answering as the real one does). Phases carry
`scope.paths`, so the scope-generation region (another seam) is never entered.

The scripted answers of the faked methods are the ones the real methods give in the situation a
scenario sets up (for example the Doctor is consulted only from the second builder attempt, or at
once for an infrastructure error), so that every golden tells a story the executor can live.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from autopack.autonomous_executor import AutonomousExecutor
from autopack.diagnostics.agent import DiagnosticsOutcome
from autopack.doctor import DoctorResponse
from autopack.executor.db_events import maybe_apply_retry_max_tokens_from_db
from autopack.executor.retry_policy import next_attempt_state
from autopack.failure_hardening import HardeningResult, detect_and_mitigate_failure
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "execute_phase",
    covers=[
        "autopack.autonomous_executor:AutonomousExecutor.execute_phase",
        "autopack.executor.scope_generation:derive_allowed_paths",
        "autopack.autonomous_executor:AutonomousExecutor._derive_allowed_paths",
        "autopack.executor.phase_records:record_phase_error",
        "autopack.executor.phase_records:record_learning_hint",
        "autopack.executor.phase_records:_store_row",
        "autopack.autonomous_executor:AutonomousExecutor._record_phase_error",
        "autopack.autonomous_executor:AutonomousExecutor._record_learning_hint",
        "autopack.executor.state_persistence:get_phase_state_or_defaults",
        "autopack.executor.state_persistence:state_from_row",
        "autopack.executor.state_persistence:persist_attempt_update",
        "autopack.executor.failure_mitigation:mitigate_known_failure",
        "autopack.executor.diagnostics_orchestrator:decide_failure_handling",
        "autopack.executor.diagnostics_orchestrator:FailureDecision.category",
        "autopack.executor.diagnostics_orchestrator:consult_on_failure",
        "autopack.executor.state_persistence:advance_retry",
        "autopack.executor.failed_attempts:after_exception",
        "autopack.executor.failed_attempts:after_failure",
    ],
)

REAL = ["execute_phase", "_derive_allowed_paths", "_record_phase_error", "_record_learning_hint"]
PHASE_ID = "p1"


@dataclass(frozen=True)
class Sessions:
    """The run database's session factory under a name, so a call that passes it can be recorded.

    Calling it opens a session like the factory it wraps; goldens show `!Sessions {database: ...}`.
    """

    database: str
    _open: Callable[[], Session] = field(repr=False)

    def __call__(self) -> Session:
        return self._open()


def _unreachable_database() -> Session:
    # The driver's own error: SQLAlchemy's wrapper would add a version-specific help link.
    raise sqlite3.OperationalError("unable to open database file")


def phase_row(
    retry_attempt: int | None = 0, revision_epoch: int | None = 0, escalation_level: int | None = 0
) -> SimpleNamespace:
    """What `_get_phase_from_db` gives: the counters `execute_phase` reads from the phase row."""
    return SimpleNamespace(
        retry_attempt=retry_attempt,
        revision_epoch=revision_epoch,
        escalation_level=escalation_level,
    )


def make_phase(paths: list[Any] | None = None) -> dict[str, Any]:
    return {"phase_id": PHASE_ID, "scope": {"paths": paths or ["src/"]}}


def doctor_says(action: str, **fields: Any) -> DoctorResponse:
    return DoctorResponse(action, f"rule for {action}", **fields)


def diagnose(
    phase: dict[str, Any], attempt_index: int, failure_class: str, status: str, error_text: str
) -> DiagnosticsOutcome:
    """What the diagnostics agent reports: the failure class, and one file the attempt changed."""
    summary = f"{failure_class} in {phase['phase_id']} (attempt {attempt_index}): 1 modified file"
    return DiagnosticsOutcome(failure_class, summary, modified_files=["src/parser.py"])


@pytest.fixture
def executor(golden: Recorder, make_executor: Any, run_db: Any) -> AutonomousExecutor:
    """An executor with `execute_phase` real, on a real database, before a first attempt."""
    golden.fake_function(maybe_apply_retry_max_tokens_from_db, returns=None)
    golden.fake_function(next_attempt_state, side_effect=next_attempt_state)
    golden.fake_function(detect_and_mitigate_failure)  # any call must be scripted by the scenario
    golden.fake("self._get_phase_from_db", returns=phase_row(0))
    for method in ("_update_phase_attempts_in_db", "_mark_phase_complete_in_db"):
        golden.fake(f"self.{method}", returns=True)
    golden.fake("self._mark_phase_failed_in_db", returns=True)
    return make_executor(real=REAL, _session_factory=Sessions("run-db", run_db.session_factory))


def run_phase(
    golden: Recorder, executor: AutonomousExecutor, run_db: Any, phase: dict[str, Any] | None = None
) -> None:
    """Run the seam on `phase` (a fresh one by default) and record what reached the database."""
    golden.call(executor.execute_phase, phase or make_phase())
    golden.observe("db", run_db.rows())


def attempt_ends(golden: Recorder, ok: bool, status: str) -> None:
    golden.fake("self._execute_phase_with_recovery", returns=(ok, status))


def failure_handling(
    golden: Recorder, *, consult: bool, doctor: DoctorResponse | None = None, handled: Any = None
) -> None:
    """Script diagnostics and the Doctor: whether it is consulted, its answer, the action's result."""
    golden.fake("self._run_diagnostics", side_effect=diagnose)
    golden.fake("self._should_invoke_doctor", returns=consult)
    if consult:
        golden.fake("self._invoke_doctor", returns=doctor)
    if doctor is not None:
        golden.fake("self._handle_doctor_action", returns=handled)


# -- success ---------------------------------------------------------------------------------


def test_first_attempt_success_marks_the_phase_complete(golden, executor, run_db) -> None:
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_success_after_a_retry_records_a_learning_hint_naming_the_last_status(
    golden, executor, run_db
) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(2, revision_epoch=1))
    executor._last_status_by_phase = {PHASE_ID: "CI_FAILED"}
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_success_after_a_retry_without_a_known_status_says_a_failure(
    golden, executor, run_db
) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(1))
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_phase_without_database_state_runs_its_first_attempt(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=None)
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_empty_counters_on_the_phase_row_read_as_zero(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(None, revision_epoch=None))
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_escalation_level_of_the_phase_row_is_logged(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(1, escalation_level=2))
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_escalated_budget_from_the_database_reaches_the_attempt(golden, executor, run_db) -> None:
    def apply_budget(sessions: Sessions, *, run_id: str, phase: dict, attempt_index: int) -> int:
        phase["_escalated_tokens"] = 10240
        return 10240

    golden.fake("maybe_apply_retry_max_tokens_from_db", side_effect=apply_budget)
    golden.fake("self._get_phase_from_db", returns=phase_row(1))
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db)


def test_scope_paths_become_apply_roots(golden, executor, run_db) -> None:
    (golden.workspace / "src").mkdir()
    (golden.workspace / "tests" / "unit").mkdir(parents=True)
    paths = ["src", "src/", "README.md", "docs/", "   ", "tests/unit", " README.md ", 2024]
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db, make_phase(paths))


def test_trailing_slashes_of_scope_paths_collapse_to_one(golden, executor, run_db) -> None:
    (golden.workspace / "build" / "X").mkdir(parents=True)
    paths = ["docs//", "design/UX/", "docs/", "build/X", "build/X///"]
    attempt_ends(golden, True, "COMPLETE")
    run_phase(golden, executor, run_db, make_phase(paths))


# -- token escalation ------------------------------------------------------------------------


@pytest.mark.parametrize("retry_attempt", [0, 3], ids=["first_attempt", "fourth_attempt"])
def test_token_escalation_advances_the_retry_without_records_hardening_diagnostics_or_doctor(
    golden, executor, run_db, retry_attempt: int
) -> None:
    def escalate(phase: dict, *, attempt_index: int, allowed_paths: list) -> tuple[bool, str]:
        phase["_escalated_tokens"] = 10240
        return False, "TOKEN_ESCALATION"

    golden.fake("self._get_phase_from_db", returns=phase_row(retry_attempt))
    golden.fake("self._execute_phase_with_recovery", side_effect=escalate)
    executor.enable_failure_hardening = True
    run_phase(golden, executor, run_db)


# -- failed attempts -------------------------------------------------------------------------

FAILURE_STATUSES = [
    pytest.param("FAILED", id="FAILED"),
    pytest.param("BLOCKED", id="BLOCKED"),
    pytest.param("BLOCKED: quality gate blocked and approval denied", id="BLOCKED_with_reason"),
    pytest.param("PATCH_FAILED", id="PATCH_FAILED"),
    pytest.param("CI_FAILED", id="CI_FAILED"),
    pytest.param("DELIVERABLES_VALIDATION_FAILED", id="DELIVERABLES_VALIDATION_FAILED"),
    pytest.param("YAML_VALIDATION_FAILED", id="YAML_VALIDATION_FAILED"),
    pytest.param("GOAL_DRIFT_BLOCKED", id="GOAL_DRIFT_BLOCKED"),
    pytest.param("SANDBOX_LOST", id="unknown_status"),
]


@pytest.mark.parametrize("status", FAILURE_STATUSES)
def test_failed_first_attempt_is_recorded_diagnosed_and_retried(
    golden, executor, run_db, status: str
) -> None:
    attempt_ends(golden, False, status)
    failure_handling(golden, consult=False)  # one builder attempt is not enough for the Doctor
    run_phase(golden, executor, run_db)


def test_infra_failure_consults_the_doctor_on_the_first_attempt(golden, executor, run_db) -> None:
    attempt_ends(golden, False, "INFRA_RETRY")
    executor._last_error_by_phase = {PHASE_ID: "ConnectError: connection reset by peer"}
    failure_handling(
        golden,
        consult=True,
        doctor=doctor_says("retry_with_fix", disable_providers=["anthropic"]),
        handled=None,
    )
    run_phase(golden, executor, run_db)


def test_long_error_is_cut_in_the_error_row_and_in_the_hint(golden, executor, run_db) -> None:
    attempt_ends(golden, False, "CI_FAILED")
    executor._last_error_by_phase = {PHASE_ID: "E   AssertionError: parse() " + "x" * 4000}
    failure_handling(golden, consult=False)
    run_phase(golden, executor, run_db)
    rows = run_db.rows()
    golden.observe(
        "stored lengths",
        {
            "error": len(executor._last_error_by_phase[PHASE_ID]),
            "phase_errors.message": len(rows["phase_errors"][0]["message"]),
            "learning_hints.details": len(rows["learning_hints"][0]["details"]),
        },
    )


@pytest.mark.parametrize(
    ("ok", "status"),
    [(False, "PATCH_FAILED"), (True, "COMPLETE")],
    ids=["failure", "success_after_retry"],
)
def test_database_errors_while_recording_are_logged_and_ignored(
    golden, executor, run_db, ok: bool, status: str
) -> None:
    executor._session_factory = Sessions("unreachable", _unreachable_database)
    golden.fake("self._get_phase_from_db", returns=phase_row(1))
    attempt_ends(golden, ok, status)
    failure_handling(golden, consult=False)
    run_phase(golden, executor, run_db)


# -- the attempt limit -----------------------------------------------------------------------


def test_exhausted_attempts_fail_the_phase_without_an_attempt(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(5))
    run_phase(golden, executor, run_db)


def test_failure_of_the_last_attempt_marks_the_phase_failed(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(4))
    executor._doctor_calls_by_phase = {PHASE_ID: 2}
    attempt_ends(golden, False, "PATCH_FAILED")
    failure_handling(golden, consult=False)  # the Doctor's calls for this phase are used up
    run_phase(golden, executor, run_db)


# -- the Doctor ------------------------------------------------------------------------------

DOCTOR_ACTIONS = [
    pytest.param(
        doctor_says("retry_with_fix", hint="Re-read src/parser.py before patching"),
        None,
        id="retry_with_fix",
    ),
    pytest.param(doctor_says("replan"), (False, "REPLAN_REQUESTED"), id="replan"),
    pytest.param(doctor_says("skip_phase"), (False, "FAILED"), id="skip_phase"),
    pytest.param(doctor_says("mark_fatal", confidence=0.9), (False, "FAILED"), id="mark_fatal"),
    pytest.param(doctor_says("rollback_run"), None, id="rollback_run"),
    pytest.param(
        doctor_says("execute_fix", fix_commands=["git checkout -- src/parser.py"]),
        None,
        id="execute_fix",
    ),
]


@pytest.mark.parametrize(("response", "handled"), DOCTOR_ACTIONS)
def test_doctor_action_after_the_second_failed_attempt(
    golden, executor, run_db, response: DoctorResponse, handled: Any
) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(1))
    attempt_ends(golden, False, "PATCH_FAILED")
    failure_handling(golden, consult=True, doctor=response, handled=handled)
    run_phase(golden, executor, run_db)


def test_doctor_without_an_answer_leaves_the_usual_retry(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(1))
    attempt_ends(golden, False, "PATCH_FAILED")
    failure_handling(golden, consult=True, doctor=None)
    run_phase(golden, executor, run_db)


def test_doctor_replan_over_the_replan_cap_leaves_the_usual_retry(golden, executor, run_db) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(2, revision_epoch=1))
    executor._replans_by_phase = {PHASE_ID: 1}
    executor._run_replan_count = 1
    executor._doctor_calls_by_phase = {PHASE_ID: 1}
    executor._run_doctor_calls = 1
    attempt_ends(golden, False, "PATCH_FAILED")
    failure_handling(golden, consult=True, doctor=doctor_says("replan"), handled=None)
    run_phase(golden, executor, run_db)


# Factories: the counters become the executor's own state, so each run gets fresh ones.
DOCTOR_CAPS = [
    pytest.param(
        lambda: {"_doctor_calls_by_phase": {PHASE_ID: 2}, "_run_doctor_calls": 2}, id="per_phase"
    ),
    pytest.param(
        lambda: {"_doctor_calls_by_phase": {"p0": 2}, "_run_doctor_calls": 10}, id="per_run"
    ),
]


@pytest.mark.parametrize("make_state", DOCTOR_CAPS)
def test_doctor_over_its_call_cap_is_not_consulted(
    golden, executor, run_db, make_state: Callable[[], dict[str, Any]]
) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(2))
    for name, value in make_state().items():
        setattr(executor, name, value)
    attempt_ends(golden, False, "PATCH_FAILED")
    failure_handling(golden, consult=False)
    run_phase(golden, executor, run_db)


# -- failure hardening -----------------------------------------------------------------------

MODULE_ERROR = "ModuleNotFoundError: No module named 'parser'"

HARDENING = [
    pytest.param(
        HardeningResult("missing_init_py", True, ["created src/parser/__init__.py"]),
        id="mitigated",
    ),
    pytest.param(
        HardeningResult(
            "missing_init_py",
            True,
            ["created src/parser/__init__.py", "created src/parser/grammar/__init__.py"],
        ),
        id="mitigated_by_several_actions",
    ),
    pytest.param(HardeningResult("missing_init_py", False, []), id="matched_not_mitigated"),
    pytest.param(None, id="no_known_pattern"),
    pytest.param(PermissionError("read-only file system"), id="detector_raises"),
]


@pytest.mark.parametrize("outcome", HARDENING)
def test_failure_hardening_on(golden, executor, run_db, outcome: Any) -> None:
    executor.enable_failure_hardening = True
    executor._last_error_by_phase = {PHASE_ID: MODULE_ERROR}
    if isinstance(outcome, Exception):
        golden.fake("detect_and_mitigate_failure", side_effect=outcome)
    else:
        golden.fake("detect_and_mitigate_failure", returns=outcome)
    attempt_ends(golden, False, "CI_FAILED")
    failure_handling(golden, consult=False)
    run_phase(golden, executor, run_db)


def test_failure_hardening_off_is_not_consulted(golden, executor, run_db) -> None:
    executor._last_error_by_phase = {PHASE_ID: MODULE_ERROR}
    attempt_ends(golden, False, "CI_FAILED")
    failure_handling(golden, consult=False)
    run_phase(golden, executor, run_db)


# -- an exception in the attempt -------------------------------------------------------------

EXCEPTION_HANDLING = [
    pytest.param(
        0, {"consult": True, "doctor": doctor_says("retry_with_fix")}, id="doctor_retries"
    ),
    pytest.param(
        0,
        {"consult": True, "doctor": doctor_says("skip_phase"), "handled": (False, "FAILED")},
        id="doctor_skips",
    ),
    pytest.param(0, {"consult": True, "doctor": None}, id="doctor_without_answer"),
    pytest.param(2, {"consult": False}, id="doctor_over_its_cap"),
    pytest.param(4, {"consult": False}, id="at_the_attempt_limit"),
]


@pytest.mark.parametrize(("retry_attempt", "handling"), EXCEPTION_HANDLING)
def test_exception_in_the_attempt_is_handled_as_an_infra_error(
    golden, executor, run_db, retry_attempt: int, handling: dict[str, Any]
) -> None:
    golden.fake("self._get_phase_from_db", returns=phase_row(retry_attempt))
    if retry_attempt:
        executor._doctor_calls_by_phase = {PHASE_ID: 2}
    golden.fake(
        "self._execute_phase_with_recovery",
        side_effect=ConnectionResetError("connection reset by peer"),
    )
    failure_handling(golden, **handling)
    run_phase(golden, executor, run_db)


def test_exception_in_the_escalated_budget_lookup_is_handled_like_one_in_the_attempt(
    golden, executor, run_db
) -> None:
    golden.fake(
        "maybe_apply_retry_max_tokens_from_db",
        side_effect=KeyError("phase_id"),
    )
    failure_handling(golden, consult=True, doctor=None)
    run_phase(golden, executor, run_db)


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
