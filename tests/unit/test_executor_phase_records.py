"""`executor.phase_records`: the phase error and the learning hint a failed attempt stores, best effort."""

from __future__ import annotations

from autopack.db import LearningHint, PhaseError
from autopack.executor import phase_records


def test_phase_error_row_holds_the_attempt_and_a_message_cut_to_4000_characters(
    make_executor, db_rows
) -> None:
    executor = make_executor([{"phase_id": "a"}])
    phase_records.record_phase_error(
        executor, {"phase_id": "a"}, 2, "EXCEPTION_OCCURRED", "x" * 5000, error_type="ValueError"
    )
    [row] = db_rows(executor, PhaseError)
    assert (row.run_id, row.phase_id, row.attempt_index, row.status, row.error_type) == (
        "run-1",
        "a",
        2,
        "EXCEPTION_OCCURRED",
        "ValueError",
    )
    assert row.message == "x" * 4000
    assert row.created_at is not None


def test_learning_hint_is_kept_for_the_run_and_stored(make_executor, db_rows) -> None:
    executor = make_executor([{"phase_id": "a"}])
    phase_records.record_learning_hint(executor, {"phase_id": "a"}, "ci_fail", "tests failed")
    assert executor._learning_hints[-1] == "[ci_fail] tests failed"
    [row] = db_rows(executor, LearningHint)
    assert (row.run_id, row.phase_id, row.hint_type, row.details) == (
        "run-1",
        "a",
        "ci_fail",
        "tests failed",
    )
    assert row.created_at is not None


def test_database_failures_are_logged_as_warnings_and_not_raised(make_executor, caplog) -> None:
    executor = make_executor([{"phase_id": "a"}])
    with executor.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE phase_errors")
        conn.exec_driver_sql("DROP TABLE learning_hints")
    phase_records.record_phase_error(executor, {"phase_id": "a"}, 0, "CI_FAILED", "boom")
    phase_records.record_learning_hint(executor, {"phase_id": "a"}, "ci_fail", "boom")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [w.split(": ", 1)[0] for w in warnings[-2:]] == [
        "Could not record the error of phase a",
        "Could not record a learning hint for a",
    ]
    assert all("no such table" in w for w in warnings[-2:])
    assert executor._learning_hints[-1] == "[ci_fail] boom"
