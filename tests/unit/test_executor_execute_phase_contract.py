"""Contract of `execute_phase`: how a failed attempt advances the retry counter, and which failures
reach diagnostics and the Doctor.

A lightweight executor reuses the real `AutonomousExecutor.execute_phase` (and the real helpers it
calls: `_derive_allowed_paths`, the attempt runner, the retry policy) and stubs everything around
it: the attempt returns a scripted status, the phase row is a plain object, persistence calls are
recorded, and diagnostics, the Doctor and failure hardening are recorded too. For a token
escalation those last ones fail the test when invoked (they record the call before raising, so a
caller that swallows the error cannot hide it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from autopack import failure_hardening
from autopack.autonomous_executor import AutonomousExecutor
from autopack.executor.retry_policy import MAX_RETRY_ATTEMPTS

PHASE_ID = "contract-phase"


class ForbiddenCall(AssertionError):
    """A stub that must not be reached on this path was invoked."""


@dataclass
class ContractExecutor:
    """Just enough of an executor for the real `execute_phase` to run one attempt."""

    workspace: Path
    status: str
    retry_attempt: int = 0
    diagnostics_allowed: bool = True
    enable_failure_hardening: bool = False
    run_id: str = "contract-run"
    _session_factory: Any = None
    _run_total_failures: int = 0
    _last_error_by_phase: dict[str, str] = field(default_factory=dict)
    _last_status_by_phase: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    execute_phase = AutonomousExecutor.execute_phase
    _derive_allowed_paths = AutonomousExecutor._derive_allowed_paths

    def _record(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))

    def named(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """The recorded (args, kwargs) of every call to stub `name`, in order."""
        return [(args, kwargs) for called, args, kwargs in self.calls if called == name]

    def _diagnostics_stub(self, name: str, *args: Any, **kwargs: Any) -> None:
        self._record(name, *args, **kwargs)
        if not self.diagnostics_allowed:
            self.forbidden.append(name)
            raise ForbiddenCall(f"{name} was invoked for status {self.status!r}")

    # -- phase state -------------------------------------------------------------------------
    def _get_phase_from_db(self, phase_id: str) -> SimpleNamespace:
        self._record("_get_phase_from_db", phase_id)
        return SimpleNamespace(
            retry_attempt=self.retry_attempt, revision_epoch=0, escalation_level=0
        )

    def _update_phase_attempts_in_db(self, phase_id: str, **kwargs: Any) -> bool:
        self._record("_update_phase_attempts_in_db", phase_id, **kwargs)
        return True

    def _mark_phase_failed_in_db(self, phase_id: str, reason: str) -> bool:
        self._record("_mark_phase_failed_in_db", phase_id, reason)
        return True

    def _mark_phase_complete_in_db(self, phase_id: str) -> bool:
        self._record("_mark_phase_complete_in_db", phase_id)
        return True

    # -- the attempt -------------------------------------------------------------------------
    def _execute_phase_with_recovery(
        self, phase: dict[str, Any], *, attempt_index: int, allowed_paths: list[str]
    ) -> tuple[bool, str]:
        self._record(
            "_execute_phase_with_recovery", attempt_index=attempt_index, allowed_paths=allowed_paths
        )
        return False, self.status

    # -- records of a failure ----------------------------------------------------------------
    def _record_phase_error(self, *args: Any, **kwargs: Any) -> None:
        self._diagnostics_stub("_record_phase_error", *args, **kwargs)

    def _record_learning_hint(self, *args: Any, **kwargs: Any) -> None:
        self._diagnostics_stub("_record_learning_hint", *args, **kwargs)

    # -- diagnostics and the Doctor ----------------------------------------------------------
    def _run_diagnostics(self, *args: Any, **kwargs: Any) -> str:
        self._diagnostics_stub("_run_diagnostics", *args, **kwargs)
        return "diagnostics-outcome"

    def _should_invoke_doctor(self, *args: Any, **kwargs: Any) -> bool:
        self._diagnostics_stub("_should_invoke_doctor", *args, **kwargs)
        return False

    def _invoke_doctor(self, *args: Any, **kwargs: Any) -> None:
        self._diagnostics_stub("_invoke_doctor", *args, **kwargs)
        self.forbidden.append("_invoke_doctor")
        raise ForbiddenCall("the Doctor was invoked although _should_invoke_doctor said no")

    def _handle_doctor_action(self, *args: Any, **kwargs: Any) -> None:
        self._diagnostics_stub("_handle_doctor_action", *args, **kwargs)
        self.forbidden.append("_handle_doctor_action")
        raise ForbiddenCall("a Doctor action was handled although the Doctor was not invoked")


@pytest.fixture
def hardening_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Failure hardening replaced by a recorder that reports no known pattern."""
    seen: list[str] = []

    def detect(error_text: str, context: dict[str, Any]) -> None:
        seen.append(error_text)

    monkeypatch.setattr(failure_hardening, "detect_and_mitigate_failure", detect)
    return seen


def make_phase() -> dict[str, Any]:
    """A minimal phase whose scope names paths, so that no scope is generated."""
    return {"phase_id": PHASE_ID, "scope": {"paths": ["src/"]}}


@pytest.mark.parametrize("retry_attempt", [0, 2, MAX_RETRY_ATTEMPTS - 1], ids=lambda n: f"retry{n}")
def test_token_escalation_advances_the_retry_attempt_and_skips_diagnostics_and_doctor(
    tmp_path: Path, hardening_calls: list[str], retry_attempt: int
) -> None:
    executor = ContractExecutor(
        workspace=tmp_path,
        status="TOKEN_ESCALATION",
        retry_attempt=retry_attempt,
        diagnostics_allowed=False,
        enable_failure_hardening=True,
    )

    result = executor.execute_phase(make_phase())

    assert result == (False, "TOKEN_ESCALATION")
    assert executor.named("_update_phase_attempts_in_db") == [
        (
            (PHASE_ID,),
            {"retry_attempt": retry_attempt + 1, "last_failure_reason": "TOKEN_ESCALATION"},
        )
    ]
    assert executor.forbidden == []
    assert executor.named("_run_diagnostics") == []
    assert executor.named("_should_invoke_doctor") == []
    assert executor.named("_record_phase_error") == []
    assert executor.named("_record_learning_hint") == []
    assert executor.named("_mark_phase_failed_in_db") == []
    assert hardening_calls == []
    assert executor._run_total_failures == 0


@pytest.mark.parametrize("retry_attempt", [0, 2], ids=lambda n: f"retry{n}")
def test_patch_failure_advances_the_retry_attempt_through_the_diagnostics_path(
    tmp_path: Path, hardening_calls: list[str], retry_attempt: int
) -> None:
    executor = ContractExecutor(
        workspace=tmp_path, status="PATCH_FAILED", retry_attempt=retry_attempt
    )

    result = executor.execute_phase(make_phase())

    assert result == (False, "PATCH_FAILED")
    assert executor.named("_update_phase_attempts_in_db") == [
        ((PHASE_ID,), {"retry_attempt": retry_attempt + 1, "last_failure_reason": "PATCH_FAILED"})
    ]
    (diagnostics,) = executor.named("_run_diagnostics")
    phase_arg, attempt_index, failure_class, status, error_text = diagnostics[0]
    assert (phase_arg["phase_id"], attempt_index, failure_class, status, error_text) == (
        PHASE_ID,
        retry_attempt,
        "patch_apply_error",
        "PATCH_FAILED",
        "PATCH_FAILED",
    )
    assert executor.named("_should_invoke_doctor") == [
        ((PHASE_ID, retry_attempt + 1), {"is_infra": False})
    ]
    assert len(executor.named("_record_phase_error")) == 1
    assert len(executor.named("_record_learning_hint")) == 1
    assert hardening_calls == []  # hardening is off unless enabled
    assert executor._run_total_failures == 1


def test_patch_failure_on_the_last_attempt_marks_the_phase_failed(tmp_path: Path) -> None:
    executor = ContractExecutor(
        workspace=tmp_path, status="PATCH_FAILED", retry_attempt=MAX_RETRY_ATTEMPTS - 1
    )

    assert executor.execute_phase(make_phase()) == (False, "FAILED")
    assert executor.named("_update_phase_attempts_in_db") == [
        ((PHASE_ID,), {"retry_attempt": MAX_RETRY_ATTEMPTS, "last_failure_reason": "PATCH_FAILED"})
    ]
    assert executor.named("_mark_phase_failed_in_db") == [
        ((PHASE_ID, "MAX_ATTEMPTS_EXHAUSTED"), {})
    ]
    assert len(executor.named("_run_diagnostics")) == 1


def test_the_attempt_runs_with_the_row_counter_and_the_scope_paths(tmp_path: Path) -> None:
    executor = ContractExecutor(workspace=tmp_path, status="TOKEN_ESCALATION", retry_attempt=3)

    executor.execute_phase(make_phase())

    assert executor.named("_execute_phase_with_recovery") == [
        ((), {"attempt_index": 3, "allowed_paths": ["src/"]})
    ]
