"""The run's redaction: one Redactor per run, applied to run files, JSON records, CI output and log
lines. The rules themselves are the harness's (tests/harness/test_redaction.py); these tests use
secrets made of repeated characters, known through the environment given to the run."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from autopack.executor.ci_runner import run_ci
from autopack.run_files import append_run_text, write_run_json, write_run_text
from autopack.run_redaction import (
    RedactingFormatter,
    redact_data,
    redact_text,
    redacting_run,
    run_redactor,
)
from golden_harness.redaction import REDACTED

SECRET = "s3" + "x" * 14
RUN_ENV = {"DB_PASS": SECRET}


def test_a_run_has_one_redactor_made_from_the_environment_it_begins_with() -> None:
    later = "y" * 16
    with redacting_run(RUN_ENV) as redactor:
        assert run_redactor() is redactor
        with redacting_run({"DEPLOY_TOKEN": later}) as inner:
            assert inner is redactor
            assert redact_text(f"login {SECRET} then {later}") == f"login {REDACTED} then {later}"
    assert run_redactor() is not redactor


def test_outside_a_run_the_current_environment_is_read_at_each_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DB_PASS", SECRET)
    assert redact_text(f"login {SECRET}") == f"login {REDACTED}"
    monkeypatch.delenv("DB_PASS")
    assert redact_text(f"login {SECRET}") == f"login {SECRET}"


def test_data_is_redacted_by_key_and_by_value_as_json_would_hold_it() -> None:
    data = {"password": "abc", "passed": True, "notes": [f"with {SECRET}"], "count": 3}
    with redacting_run(RUN_ENV):
        assert redact_data(data) == {
            "password": REDACTED,
            "passed": True,
            "notes": [f"with {REDACTED}"],
            "count": 3,
        }
        assert redact_data({"at": Path("/srv/app")}, default=str) == {"at": "/srv/app"}
        with pytest.raises(TypeError):
            redact_data({"at": Path("/srv/app")})


def test_log_lines_are_redacted_with_their_arguments_and_traceback() -> None:
    formatter = RedactingFormatter("%(levelname)s %(message)s")
    try:
        raise RuntimeError(f"cannot connect with {SECRET}")
    except RuntimeError:
        record = logging.LogRecord(
            "autopack", logging.ERROR, __file__, 1, "login %s failed", (SECRET,), sys.exc_info()
        )
    with redacting_run(RUN_ENV):
        line = formatter.format(record)
    assert SECRET not in line
    assert line.startswith(f"ERROR login {REDACTED} failed\nTraceback")
    assert line.endswith(f"RuntimeError: cannot connect with {REDACTED}")


def test_run_files_are_written_and_appended_redacted(tmp_path: Path) -> None:
    log = tmp_path / "r" / "ci" / "p.log"
    rollback = tmp_path / "r" / "run_rollback.log"
    with redacting_run(RUN_ENV):
        write_run_text(log, f"PGPASSWORD=short\nuser {SECRET}\n")
        append_run_text(rollback, f"reason: {SECRET}\n")
    assert log.read_text() == f"PGPASSWORD={REDACTED}\nuser {REDACTED}\n"
    assert rollback.read_text() == f"reason: {REDACTED}\n"


def test_a_json_record_is_redacted_as_data_so_escaped_secrets_are_found(tmp_path: Path) -> None:
    escaped = 'q"uo\\te-' + "\u00e9" * 8  # JSON writes it as q\"uo\\te-\u00e9...
    record = tmp_path / "r" / "diagnostics" / "p-attempt1.json"
    with redacting_run({"DB_PASS": escaped}):
        write_run_json(record, {"error": f"login {escaped} refused", "attempt": 1})
    text = record.read_text()
    assert escaped not in text
    assert json.dumps(escaped)[1:-1] not in text
    assert json.loads(text) == {"error": f"login {REDACTED} refused", "attempt": 1}
    assert text == json.dumps(json.loads(text), indent=2) + "\n"


def test_a_json_record_that_json_cannot_hold_is_refused_unless_converted(tmp_path: Path) -> None:
    record = tmp_path / "r" / "research" / "p.json"
    with pytest.raises(TypeError):
        write_run_json(record, {"at": Path("/srv/app")})
    assert not record.exists()
    write_run_json(record, {"b": Path("/srv/app"), "a": 1}, sort_keys=True, default=str)
    assert record.read_text() == '{\n  "a": 1,\n  "b": "/srv/app"\n}\n'


def test_ci_output_is_redacted_as_it_is_read_and_counted_as_it_came(tmp_path: Path) -> None:
    executor = SimpleNamespace(workspace=tmp_path, run_id="run-1")
    phase = {"ci": {"command": f"echo 'connect with {SECRET}'; echo '3 passed'; exit 1"}}
    with redacting_run(RUN_ENV):
        result = run_ci(executor, "p", phase)
    assert result.output == f"connect with {REDACTED}\n3 passed\n"
    assert (result.tests_run, result.tests_passed) == (3, 3)
    assert result.log_path is not None
    assert (tmp_path / result.log_path).read_text() == result.output
