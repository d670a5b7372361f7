"""Retry policy."""

from __future__ import annotations

import pytest

from autopack.executor.retry_policy import MAX_RETRY_ATTEMPTS, AttemptState, next_attempt_state


@pytest.mark.parametrize(
    ("retry", "expected"),
    [(0, AttemptState(1, False)), (3, AttemptState(4, False)), (4, AttemptState(5, True))],
)
def test_next_attempt_state(retry: int, expected: AttemptState) -> None:
    assert MAX_RETRY_ATTEMPTS == 5
    assert next_attempt_state(retry) == expected


def test_custom_maximum() -> None:
    assert next_attempt_state(0, max_attempts=1) == AttemptState(1, True)
