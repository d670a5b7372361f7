"""Approval channels: auto policies, an answers file, and an HTTP endpoint on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from autopack.approval_channel import (
    ApprovalRequest,
    AutoApprovalChannel,
    FileApprovalChannel,
    HttpApprovalChannel,
    approval_channel_from_policy,
)
from autopack.exceptions import AutopackError

REQUEST = ApprovalRequest("req-1", "run-1", "p1", "quality_gate", "blocked", {"issues": ["x"]})


def test_auto_policies() -> None:
    assert approval_channel_from_policy("auto-approve").request_approval(REQUEST).approved
    denied = approval_channel_from_policy("auto-deny").request_approval(REQUEST)
    assert (denied.approved, denied.reason, denied.source) == (
        False,
        "policy auto-deny",
        "auto-deny",
    )


def test_file_answers_by_kind_then_phase(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("p1:quality_gate: approve\np1: deny\n")
    channel = approval_channel_from_policy(f"file:{answers}")
    assert isinstance(channel, FileApprovalChannel)
    assert channel.request_approval(REQUEST).approved
    other = ApprovalRequest("req-2", "run-1", "p1", "protected_paths", "s")
    assert not channel.request_approval(other).approved


def test_file_without_answer_or_unreadable_denies(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("other: approve\n")
    assert FileApprovalChannel(answers).request_approval(REQUEST).reason == (
        "no answer for p1:quality_gate"
    )
    missing = FileApprovalChannel(tmp_path / "none.yaml").request_approval(REQUEST)
    assert not missing.approved
    assert missing.reason.startswith("answers file unreadable")


class _Handler(BaseHTTPRequestHandler):
    answer: ClassVar[dict] = {}
    received: ClassVar[list] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Handler.received.append(json.loads(body))
        payload = json.dumps(_Handler.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def approval_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    _Handler.received = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/approve"
    finally:
        server.shutdown()
        server.server_close()


def test_http_channel_posts_the_request_and_reads_the_answer(approval_server: str) -> None:
    _Handler.answer = {"approved": True, "reason": "looks fine"}
    channel = approval_channel_from_policy(approval_server)
    assert isinstance(channel, HttpApprovalChannel)
    decision = channel.request_approval(REQUEST)
    assert (decision.approved, decision.reason, decision.source) == (True, "looks fine", "http")
    assert _Handler.received[0]["phase_id"] == "p1"
    assert _Handler.received[0]["details"] == {"issues": ["x"]}


def test_http_channel_denies_on_a_malformed_answer(approval_server: str) -> None:
    _Handler.answer = {"approved": "yes"}
    decision = HttpApprovalChannel(approval_server).request_approval(REQUEST)
    assert not decision.approved
    assert decision.reason.startswith("approval endpoint answered")


def test_http_channel_denies_when_nothing_listens() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    server.server_close()
    decision = HttpApprovalChannel(f"http://127.0.0.1:{port}/").request_approval(REQUEST)
    assert not decision.approved
    assert decision.reason.startswith("approval endpoint failed")


def test_unknown_policy_is_an_error() -> None:
    with pytest.raises(AutopackError, match="unknown approval policy 'sometimes'"):
        approval_channel_from_policy("sometimes")
    assert isinstance(approval_channel_from_policy("auto-approve"), AutoApprovalChannel)
