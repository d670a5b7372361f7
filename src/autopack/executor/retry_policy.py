"""Retry policy: how many attempts a phase gets, how many failures a run may have, and what the
next attempt's counter is."""

from __future__ import annotations

from dataclasses import dataclass

MAX_RETRY_ATTEMPTS = 5
MAX_TOTAL_FAILURES_PER_RUN = 25
"""Failed attempts a whole run may have: at the cap, the phase being retried is marked failed."""


@dataclass(frozen=True)
class AttemptState:
    """The retry counter after a failed attempt, and whether the phase has used all its attempts."""

    next_retry_attempt: int
    exhausted: bool


def next_attempt_state(
    retry_attempt: int, *, max_attempts: int = MAX_RETRY_ATTEMPTS
) -> AttemptState:
    """Return the state after attempt `retry_attempt` failed: counter + 1, exhausted at `max_attempts`."""
    next_retry = retry_attempt + 1
    return AttemptState(next_retry_attempt=next_retry, exhausted=next_retry >= max_attempts)
