"""Characterization of approvals and notifications: asking the approval channel, and notifying.

`_request_approval` and `_send_notification` both run real; the approval channel and the notifier
are fakes, so each scenario shows the `ApprovalRequest` the channel receives, the two notifications
around the decision, the log lines, the entry appended to `self._approval_history` (recorded as a
change of `self`), and the verdict. Request ids are uuid4 values, normalized to `<uuid-N>`.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.approval_channel import ApprovalDecision
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "approvals",
    covers=[
        "autopack.executor.approvals:request_approval",
        "autopack.executor.approvals:send_notification",
        "autopack.autonomous_executor:AutonomousExecutor._request_approval",
        "autopack.autonomous_executor:AutonomousExecutor._send_notification",
    ],
)


def protected_paths_details() -> dict[str, Any]:
    """Fresh details of a protected-path request (the request carries them to the channel)."""
    return {"paths": [".autonomous_runs/plan.yaml"]}


@pytest.fixture
def executor(make_executor: Any) -> Any:
    """An executor whose approval and notification methods are real."""
    return make_executor(real=["_request_approval", "_send_notification"])


def request_protected_paths(golden: Recorder, executor: Any) -> None:
    """Ask for approval of a protected-path write by phase `build-api`."""
    golden.call(
        executor._request_approval,
        "build-api",
        kind="protected_paths",
        summary="patch touches 1 protected path(s)",
        details=protected_paths_details(),
    )


# --- _request_approval -------------------------------------------------------------------


@pytest.mark.parametrize(
    "decision",
    [
        pytest.param(ApprovalDecision(True, "policy auto-approve", "auto-approve"), id="approved"),
        pytest.param(ApprovalDecision(False, "policy auto-deny", "auto-deny"), id="denied"),
        pytest.param(SimpleNamespace(approved="yes", reason="answered 'yes'"), id="truthy_text"),
        pytest.param(SimpleNamespace(approved=None, reason="no answer"), id="none_is_denied"),
    ],
)
def test_channel_decision_is_the_verdict(golden: Recorder, executor: Any, decision: Any) -> None:
    golden.fake("notifier.notify", returns=True)
    golden.fake("approval_channel.request_approval", returns=decision)
    request_protected_paths(golden, executor)


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(TimeoutError("timed out after 10 s"), id="timeout"),
        pytest.param(ConnectionRefusedError(111, "Connection refused"), id="connection_refused"),
        pytest.param(ValueError("approval endpoint answered 'maybe'"), id="bad_answer"),
    ],
)
def test_channel_error_is_a_denial(golden: Recorder, executor: Any, error: Exception) -> None:
    golden.fake("notifier.notify", returns=True)
    golden.fake("approval_channel.request_approval", side_effect=error)
    request_protected_paths(golden, executor)


def test_decision_without_an_answer_is_a_denial(golden: Recorder, executor: Any) -> None:
    golden.fake("notifier.notify", returns=True)
    golden.fake("approval_channel.request_approval", returns=SimpleNamespace(reason="empty"))
    request_protected_paths(golden, executor)


def test_failing_notifier_does_not_stop_the_approval(golden: Recorder, executor: Any) -> None:
    golden.fake(
        "notifier.notify",
        sequence=[OSError("chat API unreachable"), OSError("chat API unreachable")],
    )
    golden.fake(
        "approval_channel.request_approval",
        returns=ApprovalDecision(True, "answered 'approve'", "file"),
    )
    request_protected_paths(golden, executor)


def test_approvals_are_appended_to_the_history_with_fresh_ids(
    golden: Recorder, make_executor: Any
) -> None:
    history = [
        {"request_id": "earlier", "phase_id": "setup", "kind": "quality_gate", "approved": True}
    ]
    executor = make_executor(
        real=["_request_approval", "_send_notification"], _approval_history=history
    )
    golden.fake("notifier.notify", returns=True)
    golden.fake(
        "approval_channel.request_approval",
        sequence=[
            ApprovalDecision(False, "policy auto-deny", "auto-deny"),
            ApprovalDecision(True, "policy auto-approve", "auto-approve"),
        ],
    )
    golden.call(
        executor._request_approval,
        "build-api",
        kind="quality_gate",
        summary="quality gate blocked: 2 issue(s)",
        details={"issues": ["missing tests", "lint errors"]},
    )
    request_protected_paths(golden, executor)


# --- _send_notification ------------------------------------------------------------------


@pytest.mark.parametrize(
    "notify",
    [
        pytest.param({"returns": True}, id="delivered"),
        pytest.param({"returns": False}, id="not_delivered"),
        pytest.param({"returns": None}, id="none_is_not_delivered"),
        pytest.param({"returns": "message-id-17"}, id="truthy_result_is_delivered"),
        pytest.param({"side_effect": OSError("chat API unreachable")}, id="notifier_raises"),
    ],
)
def test_notification_result(golden: Recorder, executor: Any, notify: dict[str, Any]) -> None:
    golden.fake("notifier.notify", **notify)
    golden.call(
        executor._send_notification, "phase_failed", "Phase build-api of run run-char FAILED"
    )
