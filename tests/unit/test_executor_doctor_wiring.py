"""`executor.doctor_wiring` with fakes: the Doctor's budget, the request it is sent, and the
actions its answer leads to."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.doctor import DoctorRequest, DoctorResponse
from autopack.executor import doctor_wiring


class Recorder:
    """Records calls of the executor methods the Doctor's actions use."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def method(self, name: str, result: Any = None) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            return result

        return call


def make_executor(**overrides: Any) -> SimpleNamespace:
    calls = Recorder()
    executor = SimpleNamespace(
        run_id="run-1",
        calls=calls,
        doctor=None,
        model_router=SimpleNamespace(disable_provider=calls.method("disable_provider")),
        _doctor_calls_by_phase={},
        _run_doctor_calls=0,
        _run_total_failures=3,
        _replans_by_phase={},
        _run_replan_count=0,
        _last_builder_model_by_phase={"p": "claude-sonnet"},
        _mark_phase_failed_in_db=calls.method("_mark_phase_failed_in_db", True),
        _update_phase_attempts_in_db=calls.method("_update_phase_attempts_in_db", True),
        _rollback_to_run_checkpoint=calls.method("_rollback_to_run_checkpoint", (True, None)),
        _execute_fix=calls.method("_execute_fix", 2),
    )
    for name, value in overrides.items():
        setattr(executor, name, value)
    return executor


@pytest.mark.parametrize(
    ("phase_calls", "run_calls", "attempts", "is_infra", "expected"),
    [
        pytest.param(0, 0, 2, False, True, id="within_budget"),
        pytest.param(2, 0, 5, False, False, id="phase_cap_reached"),
        pytest.param(0, 10, 5, False, False, id="run_cap_reached"),
        pytest.param(0, 0, 1, False, False, id="too_few_builder_attempts"),
        pytest.param(0, 0, 1, True, True, id="infra_needs_no_attempts"),
    ],
)
def test_the_doctor_is_consulted_only_within_its_budget(
    phase_calls: int, run_calls: int, attempts: int, is_infra: bool, expected: bool
) -> None:
    executor = make_executor(_doctor_calls_by_phase={"p": phase_calls}, _run_doctor_calls=run_calls)
    assert (
        doctor_wiring.should_invoke_doctor(executor, "p", attempts, is_infra=is_infra) is expected
    )


def test_the_request_carries_the_failure_and_the_budget_and_counts_the_call() -> None:
    sent: list[DoctorRequest] = []
    answer = DoctorResponse(action="retry_with_fix", rationale="r", hint="h", confidence=0.8)
    doctor = SimpleNamespace(diagnose=lambda request: sent.append(request) or answer)
    executor = make_executor(doctor=doctor)
    diagnostics = SimpleNamespace(summary="dirty", untracked_files=["a"], modified_files=["b"])

    response = doctor_wiring.invoke_doctor(
        executor,
        {"phase_id": "p"},
        attempt_index=1,
        error_category="ci_fail",
        error_text="2 failed",
        diagnostics=diagnostics,
    )

    assert response is answer
    assert sent == [
        DoctorRequest(
            phase_id="p",
            error_category="ci_fail",
            builder_attempts=2,
            last_error="2 failed",
            diagnostics_summary="dirty",
            untracked_files=["a"],
            modified_files=["b"],
            provider="anthropic",
            health_budget={
                "total_failures": 3,
                "total_cap": 25,
                "doctor_calls_phase": 1,
                "doctor_calls_run": 1,
            },
        )
    ]
    assert executor._doctor_calls_by_phase == {"p": 1}
    assert executor._run_doctor_calls == 1


def test_a_failing_doctor_gives_no_response_but_the_call_still_counts() -> None:
    def broken(request: DoctorRequest) -> DoctorResponse:
        raise RuntimeError("doctor down")

    executor = make_executor(doctor=SimpleNamespace(diagnose=broken))
    response = doctor_wiring.invoke_doctor(
        executor,
        {"phase_id": "p"},
        attempt_index=0,
        error_category="infra_error",
        error_text="timeout",
        diagnostics=None,
    )
    assert response is None
    assert executor._run_doctor_calls == 1


@pytest.mark.parametrize(
    ("action", "result", "calls"),
    [
        pytest.param("retry_with_fix", None, [], id="retry"),
        pytest.param(
            "skip_phase",
            (False, "FAILED"),
            [("_mark_phase_failed_in_db", ("p", "DOCTOR_SKIP: CI_FAILED"), {})],
            id="skip",
        ),
        pytest.param(
            "replan",
            (False, "REPLAN_REQUESTED"),
            [
                (
                    "_update_phase_attempts_in_db",
                    ("p",),
                    {"revision_epoch": 2, "last_failure_reason": "DOCTOR_REPLAN"},
                )
            ],
            id="replan",
        ),
        pytest.param(
            "rollback_run",
            None,
            [("_rollback_to_run_checkpoint", ("doctor_rollback_run: p CI_FAILED",), {})],
            id="rollback",
        ),
        pytest.param(
            "execute_fix",
            None,
            [("_execute_fix", ({"phase_id": "p"}, ["git stash"]), {})],
            id="fix",
        ),
        pytest.param("unknown", None, [], id="unknown_action"),
    ],
)
def test_each_action_makes_its_call_and_returns_its_result(
    action: str, result: Any, calls: list[Any]
) -> None:
    executor = make_executor()
    response = DoctorResponse(action=action, rationale="r", fix_commands=["git stash"])

    handled = doctor_wiring.handle_doctor_action(
        executor, {"phase_id": "p"}, response, status="CI_FAILED", retry_attempt=1, revision_epoch=1
    )

    assert handled == result
    assert executor.calls.calls == calls


def test_a_replan_past_its_cap_retries_as_usual_and_disabled_providers_are_disabled() -> None:
    executor = make_executor(_replans_by_phase={"p": 1})
    phase: dict[str, Any] = {"phase_id": "p"}
    response = DoctorResponse(
        action="replan", rationale="r", hint="narrow it", disable_providers=["openai"]
    )

    handled = doctor_wiring.handle_doctor_action(
        executor, phase, response, status="CI_FAILED", retry_attempt=1, revision_epoch=0
    )

    assert handled is None
    assert phase["_doctor_hint"] == "narrow it"
    assert executor.calls.calls == [("disable_provider", ("openai",), {"reason": "doctor"})]
    assert executor._run_replan_count == 0
