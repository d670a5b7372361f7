"""Characterization of phase state persistence: how the executor reads and writes its phase rows.

Each scenario runs one of the four persistence methods against a real in-memory SQLite database and
records what it returned, what it logged and the rows it left (`observed: db`). The database errors
the methods swallow are produced for real: a session factory that cannot open a session, and a
session whose commit fails (the row must be left as it was). Marking a phase failed notifies through
`self._send_notification`, which is faked here (it is the approvals seam).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "phase_state",
    covers=[
        "autopack.executor.state_persistence:get_phase_from_db",
        "autopack.executor.state_persistence:update_phase_attempts_in_db",
        "autopack.executor.state_persistence:mark_phase_complete_in_db",
        "autopack.executor.state_persistence:mark_phase_failed_in_db",
        "autopack.executor.state_persistence:_phase_row",
        "autopack.executor.state_persistence:_update_phase_row",
        "autopack.autonomous_executor:AutonomousExecutor._get_phase_from_db",
        "autopack.autonomous_executor:AutonomousExecutor._update_phase_attempts_in_db",
        "autopack.autonomous_executor:AutonomousExecutor._mark_phase_complete_in_db",
        "autopack.autonomous_executor:AutonomousExecutor._mark_phase_failed_in_db",
    ],
)

PERSISTENCE_METHODS = [
    "_get_phase_from_db",
    "_update_phase_attempts_in_db",
    "_mark_phase_complete_in_db",
    "_mark_phase_failed_in_db",
]

# A phase that has already been through two attempts: every counter and the reason are set, so a
# write that touches more than it should shows in the observed row.
PRIOR_STATE: dict[str, Any] = {
    "state": "EXECUTING",
    "retry_attempt": 2,
    "revision_epoch": 1,
    "escalation_level": 1,
    "last_failure_reason": "CI_FAILED",
    "last_attempt_timestamp": datetime(2023, 12, 31, 23, 0, 0, tzinfo=UTC),
}


class CommitFailingSession(Session):
    """A real session whose commit fails as a locked SQLite database does."""

    def commit(self) -> None:
        raise sqlite3.OperationalError("database is locked")


@pytest.fixture
def executor(make_executor: Any, run_db: Any) -> Any:
    """An executor whose persistence methods run against the real database."""
    return make_executor(real=PERSISTENCE_METHODS, _session_factory=run_db.session_factory)


@pytest.fixture
def unreachable_db_executor(golden: Recorder, make_executor: Any) -> Any:
    """An executor whose session factory raises, as when the database file cannot be opened."""
    golden.fake(
        "_session_factory",
        side_effect=sqlite3.OperationalError("unable to open database file"),
    )
    return make_executor(real=PERSISTENCE_METHODS)


@pytest.fixture
def commit_failing_executor(make_executor: Any, run_db: Any) -> Any:
    """An executor whose sessions read the real database but fail on commit."""
    factory = sessionmaker(class_=CommitFailingSession, **run_db.session_factory.kw)
    return make_executor(real=PERSISTENCE_METHODS, _session_factory=factory)


# --- _get_phase_from_db ------------------------------------------------------------------


def test_get_returns_the_row_of_this_run(golden: Recorder, executor: Any, run_db: Any) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(executor._get_phase_from_db, "build-api")


def test_get_returns_none_when_the_phase_has_no_row(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api")
    golden.call(executor._get_phase_from_db, "write-docs")


def test_get_ignores_the_same_phase_of_another_run(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", run_id="run-other", **PRIOR_STATE)
    golden.call(executor._get_phase_from_db, "build-api")


def test_get_logs_and_returns_none_when_the_database_cannot_be_opened(
    golden: Recorder, unreachable_db_executor: Any
) -> None:
    golden.call(unreachable_db_executor._get_phase_from_db, "build-api")


# --- _update_phase_attempts_in_db --------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"retry_attempt": 3}, id="retry_attempt_alone"),
        pytest.param({"revision_epoch": 2}, id="revision_epoch_alone"),
        pytest.param({"escalation_level": 2}, id="escalation_level_alone"),
        pytest.param(
            {"retry_attempt": 3, "revision_epoch": 2, "escalation_level": 2},
            id="every_counter",
        ),
        pytest.param({"retry_attempt": 0}, id="counter_set_to_zero"),
        pytest.param({}, id="no_counter_only_the_timestamp"),
    ],
)
def test_update_sets_only_the_counters_given(
    golden: Recorder, executor: Any, run_db: Any, changes: dict[str, int]
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(executor._update_phase_attempts_in_db, "build-api", **changes)
    golden.observe("db", run_db.rows())


@pytest.mark.parametrize(
    "reason",
    [
        pytest.param("PATCH_FAILED", id="truthy_reason_replaces"),
        pytest.param("", id="empty_reason_keeps_the_old_one"),
        pytest.param(None, id="no_reason_keeps_the_old_one"),
    ],
)
def test_update_writes_the_failure_reason_only_when_truthy(
    golden: Recorder, executor: Any, run_db: Any, reason: str | None
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(
        executor._update_phase_attempts_in_db,
        "build-api",
        retry_attempt=3,
        last_failure_reason=reason,
    )
    golden.observe("db", run_db.rows())


def test_update_stores_an_explicit_timestamp_instead_of_now(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(
        executor._update_phase_attempts_in_db,
        "build-api",
        retry_attempt=3,
        timestamp=datetime(2023, 6, 7, 8, 9, 10, tzinfo=UTC),
    )
    golden.observe("db", run_db.rows())


def test_update_leaves_the_same_phase_of_another_run_alone(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", run_id="run-other", **PRIOR_STATE)
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(
        executor._update_phase_attempts_in_db,
        "build-api",
        retry_attempt=3,
        last_failure_reason="PATCH_FAILED",
    )
    golden.observe("db", run_db.rows())


def test_update_of_a_missing_row_warns_and_writes_nothing(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(
        executor._update_phase_attempts_in_db,
        "write-docs",
        retry_attempt=1,
        last_failure_reason="PATCH_FAILED",
    )
    golden.observe("db", run_db.rows())


def test_update_logs_and_returns_false_when_the_database_cannot_be_opened(
    golden: Recorder, unreachable_db_executor: Any
) -> None:
    golden.call(
        unreachable_db_executor._update_phase_attempts_in_db,
        "build-api",
        retry_attempt=3,
        last_failure_reason="PATCH_FAILED",
    )


def test_update_logs_and_returns_false_when_the_commit_fails(
    golden: Recorder, commit_failing_executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(
        commit_failing_executor._update_phase_attempts_in_db,
        "build-api",
        retry_attempt=3,
        last_failure_reason="PATCH_FAILED",
    )
    golden.observe("db", run_db.rows())


# --- _mark_phase_complete_in_db ----------------------------------------------------------


def test_complete_sets_the_state_and_the_completion_time(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    run_db.add_phase("build-api", run_id="run-other", **PRIOR_STATE)
    golden.call(executor._mark_phase_complete_in_db, "build-api")
    golden.observe("db", run_db.rows())


def test_complete_of_a_missing_row_warns_and_writes_nothing(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(executor._mark_phase_complete_in_db, "write-docs")
    golden.observe("db", run_db.rows())


def test_complete_logs_and_returns_false_when_the_database_cannot_be_opened(
    golden: Recorder, unreachable_db_executor: Any
) -> None:
    golden.call(unreachable_db_executor._mark_phase_complete_in_db, "build-api")


def test_complete_logs_and_returns_false_when_the_commit_fails(
    golden: Recorder, commit_failing_executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(commit_failing_executor._mark_phase_complete_in_db, "build-api")
    golden.observe("db", run_db.rows())


# --- _mark_phase_failed_in_db ------------------------------------------------------------


@pytest.mark.parametrize(
    "delivered",
    [
        pytest.param(True, id="notification_delivered"),
        pytest.param(False, id="notification_not_delivered"),
    ],
)
def test_failed_sets_state_reason_and_time_then_notifies(
    golden: Recorder, executor: Any, run_db: Any, delivered: bool
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    run_db.add_phase("build-api", run_id="run-other", **PRIOR_STATE)
    golden.fake("self._send_notification", returns=delivered)
    golden.call(executor._mark_phase_failed_in_db, "build-api", "MAX_ATTEMPTS_EXHAUSTED")
    golden.observe("db", run_db.rows())


def test_failed_of_a_missing_row_warns_and_does_not_notify(
    golden: Recorder, executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(executor._mark_phase_failed_in_db, "write-docs", "DOCTOR_SKIP: CI_FAILED")
    golden.observe("db", run_db.rows())


def test_failed_logs_and_returns_false_when_the_database_cannot_be_opened(
    golden: Recorder, unreachable_db_executor: Any
) -> None:
    golden.call(
        unreachable_db_executor._mark_phase_failed_in_db, "build-api", "MAX_ATTEMPTS_EXHAUSTED"
    )


def test_failed_logs_and_does_not_notify_when_the_commit_fails(
    golden: Recorder, commit_failing_executor: Any, run_db: Any
) -> None:
    run_db.add_phase("build-api", **PRIOR_STATE)
    golden.call(
        commit_failing_executor._mark_phase_failed_in_db, "build-api", "MAX_ATTEMPTS_EXHAUSTED"
    )
    golden.observe("db", run_db.rows())
