"""Phase runtime state defaults."""

from __future__ import annotations

from types import SimpleNamespace

from autopack.executor.state_persistence import PhaseRuntimeState, state_from_row


def test_missing_row_gives_defaults() -> None:
    assert state_from_row(None) == PhaseRuntimeState.empty() == PhaseRuntimeState(0, 0, 0)


def test_row_counters_are_read_and_none_reads_as_zero() -> None:
    row = SimpleNamespace(retry_attempt=3, revision_epoch=None, escalation_level=1)
    assert state_from_row(row) == PhaseRuntimeState(3, 0, 1)
