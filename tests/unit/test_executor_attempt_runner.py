"""Attempt runner: one call into the recovery path, logged."""

from __future__ import annotations

import logging

import pytest

from autopack.executor.attempt_runner import run_single_attempt_with_recovery


def test_runs_the_recovery_path_once_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    calls = []

    class Executor:
        def _execute_phase_with_recovery(self, phase, *, attempt_index, allowed_paths):
            calls.append((phase["phase_id"], attempt_index, allowed_paths))
            return False, "PATCH_FAILED"

    with caplog.at_level(logging.INFO, logger="autopack.executor.attempt_runner"):
        result = run_single_attempt_with_recovery(
            Executor(), phase={"phase_id": "p1"}, attempt_index=2, allowed_paths=["src/"]
        )
    assert result == (False, "PATCH_FAILED")
    assert calls == [("p1", 2, ["src/"])]
    assert caplog.messages[0].startswith(
        "Attempt 2 of phase p1 ended: ok=False status=PATCH_FAILED"
    )
