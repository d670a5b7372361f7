"""The one place that starts pytest subprocesses and reads their exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from golden_harness.moves import CommandExit, ran_the_tests, run_pytest, start_pytest, stop_reason


def test_the_golden_command_exits_0_1_or_2() -> None:
    assert [(e.name, int(e)) for e in CommandExit] == [("OK", 0), ("FOUND", 1), ("ERROR", 2)]


@pytest.mark.parametrize(
    ("code", "reason", "ran"),
    [
        (pytest.ExitCode.OK, None, True),
        (pytest.ExitCode.TESTS_FAILED, None, True),
        (pytest.ExitCode.INTERRUPTED, "interrupted", False),
        (pytest.ExitCode.INTERNAL_ERROR, "internal error", False),
        (pytest.ExitCode.USAGE_ERROR, "usage error", False),
        (pytest.ExitCode.NO_TESTS_COLLECTED, "no tests collected", False),
    ],
)
def test_each_pytest_exit_code_is_read_through_exit_code(
    code: pytest.ExitCode, reason: str | None, ran: bool
) -> None:
    assert stop_reason(int(code)) == reason
    assert ran_the_tests(int(code)) is ran


def test_collecting_nothing_can_count_as_a_run() -> None:
    assert stop_reason(5, collecting_nothing_stops=False) is None
    assert stop_reason(4, collecting_nothing_stops=False) == "usage error"


def _project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "test_one.py").write_text(body, encoding="utf-8")
    return tmp_path


def test_run_pytest_runs_a_real_pytest_and_captures_its_output(tmp_path: Path) -> None:
    project = _project(tmp_path, "def test_fails():\n    assert 1 == 2\n")
    done = run_pytest(
        ["-q", "-p", "no:cacheprovider", "-p", "no:randomly"], cwd=project, env=os.environ
    )
    assert done.returncode == pytest.ExitCode.TESTS_FAILED
    assert "1 failed" in done.stdout


def test_start_pytest_writes_its_output_to_the_log(tmp_path: Path) -> None:
    project = _project(tmp_path, "")
    log = tmp_path / "run.log"
    process = start_pytest(["-q", "-p", "no:cacheprovider"], cwd=project, env=os.environ, log=log)
    assert stop_reason(process.wait()) == "no tests collected"
    assert "no tests ran" in log.read_text(encoding="utf-8")
