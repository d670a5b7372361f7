"""Phase state persistence methods on real SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from autopack.notifier import LoggingNotifier


def test_rows_are_created_queued_on_start(make_executor) -> None:
    executor = make_executor([{"phase_id": "a"}, {"phase_id": "b"}])
    row = executor._get_phase_from_db("b")
    assert (row.state, row.position, row.retry_attempt) == ("QUEUED", 1, 0)
    assert executor._get_phase_from_db("zzz") is None


def test_update_sets_only_given_counters_and_a_truthy_reason(make_executor) -> None:
    executor = make_executor([{"phase_id": "a"}])
    stamp = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert executor._update_phase_attempts_in_db(
        "a", retry_attempt=2, last_failure_reason="X", timestamp=stamp
    )
    assert executor._update_phase_attempts_in_db("a", revision_epoch=1, last_failure_reason="")
    row = executor._get_phase_from_db("a")
    assert (row.retry_attempt, row.revision_epoch, row.escalation_level) == (2, 1, 0)
    assert row.last_failure_reason == "X"
    assert row.last_attempt_timestamp.replace(tzinfo=UTC) != stamp
    assert executor._update_phase_attempts_in_db("missing", retry_attempt=1) is False


def test_given_timestamp_is_stored(make_executor) -> None:
    executor = make_executor([{"phase_id": "a"}])
    stamp = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    executor._update_phase_attempts_in_db("a", escalation_level=3, timestamp=stamp)
    row = executor._get_phase_from_db("a")
    assert row.last_attempt_timestamp.replace(tzinfo=UTC) == stamp
    assert row.escalation_level == 3


def test_mark_complete_and_failed(make_executor) -> None:
    notifier = LoggingNotifier()
    executor = make_executor([{"phase_id": "a"}, {"phase_id": "b"}], notifier=notifier)
    assert executor._mark_phase_complete_in_db("a")
    assert executor._mark_phase_failed_in_db("b", "MAX_ATTEMPTS_EXHAUSTED")
    a, b = executor._get_phase_from_db("a"), executor._get_phase_from_db("b")
    assert (a.state, a.completed_at is not None) == ("COMPLETE", True)
    assert (b.state, b.last_failure_reason) == ("FAILED", "MAX_ATTEMPTS_EXHAUSTED")
    assert [n.event for n in notifier.sent] == ["phase_failed"]
    assert "Phase b of run run-1 FAILED: MAX_ATTEMPTS_EXHAUSTED" in notifier.sent[0].text
    assert executor._mark_phase_complete_in_db("missing") is False
    assert executor._mark_phase_failed_in_db("missing", "X") is False


def test_database_errors_are_logged_and_return_none_or_false(make_executor, caplog) -> None:
    executor = make_executor([{"phase_id": "a"}])
    with executor.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE phases")
    assert executor._get_phase_from_db("a") is None
    assert executor._update_phase_attempts_in_db("a", retry_attempt=1) is False
    assert executor._mark_phase_complete_in_db("a") is False
    assert executor._mark_phase_failed_in_db("a", "X") is False
    assert "Failed to load phase a from the database" in caplog.text


def test_a_failing_notification_is_logged_as_a_failure_to_mark_after_the_row_is_written(
    make_executor, caplog
) -> None:
    executor = make_executor([{"phase_id": "a"}])

    def send_notification(event: str, message: str) -> bool:
        raise RuntimeError("notifier down")

    executor._send_notification = send_notification
    assert executor._mark_phase_failed_in_db("a", "MAX_ATTEMPTS_EXHAUSTED") is False
    messages = [record.getMessage() for record in caplog.records]
    assert messages[-2:] == [
        "Phase a marked FAILED: MAX_ATTEMPTS_EXHAUSTED",
        "Failed to mark phase a failed: notifier down",
    ]
    row = executor._get_phase_from_db("a")
    assert (row.state, row.last_failure_reason) == ("FAILED", "MAX_ATTEMPTS_EXHAUSTED")
