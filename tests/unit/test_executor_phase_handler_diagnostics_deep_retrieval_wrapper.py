"""`AutonomousExecutor._execute_diagnostics_deep_retrieval_batched` delegates to its handler module."""

from __future__ import annotations

from pathlib import Path

import pytest

from autopack.executor.phase_handlers import batched_diagnostics_deep_retrieval

from ._wrapper_support import assert_handler_wrapper_delegates


def test_wrapper_passes_every_argument_and_returns_the_handler_result(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert_handler_wrapper_delegates(
        monkeypatch,
        tmp_path,
        batched_diagnostics_deep_retrieval,
        "_execute_diagnostics_deep_retrieval_batched",
    )
