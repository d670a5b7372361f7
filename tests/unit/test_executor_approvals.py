"""Smoke tests of `executor.approvals` with fakes: the calls it makes and the arguments it passes."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from autopack.approval_channel import ApprovalDecision, ApprovalRequest
from autopack.executor import approvals


class FakeChannel:
    def __init__(self, decision: ApprovalDecision | Exception) -> None:
        self.decision = decision
        self.requests: list[ApprovalRequest] = []

    def request_approval(self, request: ApprovalRequest) -> ApprovalDecision:
        self.requests.append(request)
        if isinstance(self.decision, Exception):
            raise self.decision
        return self.decision


class FakeNotifier:
    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.sent: list[tuple[str, str]] = []

    def notify(self, event: str, message: str) -> bool:
        self.sent.append((event, message))
        if self.fails:
            raise ConnectionError("notifier down")
        return True


def executor_with(decision: ApprovalDecision | Exception) -> SimpleNamespace:
    executor = SimpleNamespace(
        run_id="run-1",
        approval_channel=FakeChannel(decision),
        notifier=FakeNotifier(),
        _approval_history=[],
    )
    executor._send_notification = lambda event, message: approvals.send_notification(
        executor, event, message
    )
    return executor


@pytest.fixture(autouse=True)
def fixed_uuid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=7))


def test_an_approval_asks_the_channel_notifies_twice_and_records_the_decision() -> None:
    executor = executor_with(ApprovalDecision(approved=True, reason="looks fine", source="fake"))

    approved = approvals.request_approval(
        executor, "build-api", kind="quality_gate", summary="gate blocked", details={"n": 1}
    )

    assert approved is True
    assert executor.approval_channel.requests == [
        ApprovalRequest(
            request_id=str(uuid.UUID(int=7)),
            run_id="run-1",
            phase_id="build-api",
            kind="quality_gate",
            summary="gate blocked",
            details={"n": 1},
        )
    ]
    assert executor.notifier.sent == [
        ("approval_requested", "Approval needed for build-api (quality_gate): gate blocked"),
        ("approval_decided", "quality_gate for build-api approved: looks fine"),
    ]
    assert executor._approval_history == [
        {
            "request_id": str(uuid.UUID(int=7)),
            "phase_id": "build-api",
            "kind": "quality_gate",
            "approved": True,
        }
    ]


def test_a_failing_channel_is_a_denial_with_the_error_type_as_reason() -> None:
    executor = executor_with(TimeoutError("no answer"))

    approved = approvals.request_approval(
        executor, "build-api", kind="protected_paths", summary="s", details={}
    )

    assert approved is False
    assert executor.notifier.sent[-1] == (
        "approval_decided",
        "protected_paths for build-api denied: approval channel error: TimeoutError",
    )
    assert executor._approval_history[-1]["approved"] is False


def test_a_failing_notifier_is_logged_and_reported_as_false(
    caplog: pytest.LogCaptureFixture,
) -> None:
    executor = SimpleNamespace(notifier=FakeNotifier(fails=True))
    assert approvals.send_notification(executor, "phase_failed", "boom") is False
    assert executor.notifier.sent == [("phase_failed", "boom")]
    assert "Notification phase_failed failed: notifier down" in caplog.text


def test_notifier_answer_is_returned_as_bool() -> None:
    executor: Any = SimpleNamespace(notifier=SimpleNamespace(notify=lambda e, m: 1))
    assert approvals.send_notification(executor, "e", "m") is True
