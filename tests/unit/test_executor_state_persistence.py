"""Phase runtime state: defaults, the counters read from a row, and the attempt update."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from autopack.executor.state_persistence import (
    PhaseRuntimeState,
    get_phase_state_or_defaults,
    persist_attempt_update,
    state_from_row,
)


def test_missing_row_gives_defaults() -> None:
    assert state_from_row(None) == PhaseRuntimeState.empty() == PhaseRuntimeState(0, 0, 0)


def test_row_counters_are_read_and_none_reads_as_zero() -> None:
    row = SimpleNamespace(retry_attempt=3, revision_epoch=None, escalation_level=1)
    assert state_from_row(row) == PhaseRuntimeState(3, 0, 1)


class RecordingExecutor:
    """The two executor methods the state helpers use: a row lookup and an attempts update."""

    def __init__(self, row: object | None) -> None:
        self.row = row
        self.lookups: list[str] = []
        self.updates: list[tuple[tuple[object, ...], dict[str, object]]] = []

    def _get_phase_from_db(self, phase_id: str) -> object | None:
        self.lookups.append(phase_id)
        return self.row

    def _update_phase_attempts_in_db(self, *args: object, **kwargs: object) -> bool:
        self.updates.append((args, kwargs))
        return True


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param(None, PhaseRuntimeState(0, 0, 0), id="no_row_defaults"),
        pytest.param(
            SimpleNamespace(retry_attempt=2, revision_epoch=1, escalation_level=3),
            PhaseRuntimeState(2, 1, 3),
            id="row_counters",
        ),
        pytest.param(
            SimpleNamespace(retry_attempt=None, revision_epoch=0, escalation_level=None),
            PhaseRuntimeState(0, 0, 0),
            id="none_counters_read_as_zero",
        ),
    ],
)
def test_get_phase_state_or_defaults_reads_the_row_of_the_phase(
    row: object | None, expected: PhaseRuntimeState
) -> None:
    executor = RecordingExecutor(row)
    assert get_phase_state_or_defaults(executor=executor, phase_id="build-api") == expected
    assert executor.lookups == ["build-api"]


def test_missing_row_is_logged_as_defaults(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        get_phase_state_or_defaults(executor=RecordingExecutor(None), phase_id="build-api")
    assert [r.getMessage() for r in caplog.records] == [
        "Phase build-api has no database state; using defaults"
    ]


def test_present_row_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    row = SimpleNamespace(retry_attempt=1, revision_epoch=0, escalation_level=0)
    with caplog.at_level(logging.DEBUG):
        get_phase_state_or_defaults(executor=RecordingExecutor(row), phase_id="build-api")
    assert caplog.records == []


def test_persist_attempt_update_passes_exactly_its_arguments_on() -> None:
    executor = RecordingExecutor(None)
    result = persist_attempt_update(
        executor=executor, phase_id="build-api", next_retry_attempt=3, reason="CI_FAILED"
    )
    assert result is None
    assert executor.updates == [
        (("build-api",), {"retry_attempt": 3, "last_failure_reason": "CI_FAILED"})
    ]
