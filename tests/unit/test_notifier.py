"""Logging notifier."""

from __future__ import annotations

import logging

import pytest

from autopack.notifier import LoggingNotifier


def test_notify_formats_keeps_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    notifier = LoggingNotifier()
    with caplog.at_level(logging.INFO, logger="autopack.notifier"):
        assert notifier.notify("phase_failed", "Phase p1 FAILED: X") is True
        notifier.notify("custom", "hello")
    assert [n.text for n in notifier.sent] == ["❌ Phase p1 FAILED: X", "• hello"]
    assert caplog.messages == [
        "notify[phase_failed] ❌ Phase p1 FAILED: X",
        "notify[custom] • hello",
    ]
