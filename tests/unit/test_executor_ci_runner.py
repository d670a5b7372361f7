"""`executor.ci_runner`: the normalized `CiResult`, the dict the executor keeps, and `run_ci` on real
shell commands in a temporary workspace."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from autopack.exceptions import RunStorageError
from autopack.executor.ci_runner import CiResult, run_ci, run_ci_checks

KEYS = [
    "status",
    "passed",
    "tests_run",
    "tests_passed",
    "tests_failed",
    "tests_error",
    "duration_seconds",
    "output",
    "report_path",
    "log_path",
    "skipped",
    "suspicious_zero_tests",
]


def test_a_skipped_run_is_passed_and_its_dict_is_the_historical_one() -> None:
    assert CiResult.skipped_run().as_dict() == {
        "status": "skipped",
        "passed": True,
        "tests_run": 0,
        "tests_passed": 0,
        "tests_failed": 0,
        "tests_error": 0,
        "duration_seconds": 0.0,
        "output": "",
        "report_path": None,
        "log_path": None,
        "skipped": True,
        "suspicious_zero_tests": False,
    }


@pytest.mark.parametrize(
    ("status", "passed"),
    [("passed", True), ("skipped", True), ("failed", False), ("timeout", False), ("error", False)],
)
def test_only_a_passing_or_skipped_run_is_passed(status: str, passed: bool) -> None:
    result = CiResult(status=status)
    assert result.passed is passed
    assert result.as_dict()["passed"] is passed
    assert result.as_dict()["skipped"] is (status == "skipped")
    assert list(result.as_dict()) == KEYS


def executor_on(workspace: Path) -> SimpleNamespace:
    return SimpleNamespace(workspace=workspace, run_id="run-1")


def test_a_failing_command_gives_its_counts_log_and_report(tmp_path: Path) -> None:
    phase = {"phase_id": "p", "ci": {"command": "echo '3 passed, 1 failed, 2 errors'; exit 1"}}

    result = run_ci(executor_on(tmp_path), "p", phase)

    assert (result.status, result.passed, result.skipped) == ("failed", False, False)
    assert (result.tests_run, result.tests_passed, result.tests_failed, result.tests_error) == (
        6,
        3,
        1,
        2,
    )
    assert result.log_path == ".autonomous_runs/run-1/ci/p.log"
    assert result.report_path == ".autonomous_runs/run-1/ci/p.json"
    assert (tmp_path / result.log_path).read_text() == "3 passed, 1 failed, 2 errors\n"
    report = json.loads((tmp_path / result.report_path).read_text())
    assert report["returncode"] == 1
    assert "output" not in report
    assert list(report) == [k for k in KEYS if k != "output"] + ["returncode"]


def test_the_dict_form_is_the_result_as_dict(tmp_path: Path) -> None:
    phase = {"phase_id": "p", "ci": {"command": "echo '2 passed'"}}
    as_dict = run_ci_checks(executor_on(tmp_path), "p", phase)
    assert list(as_dict) == KEYS
    assert (as_dict["status"], as_dict["passed"], as_dict["tests_run"]) == ("passed", True, 2)


def test_an_unwritable_run_folder_stops_the_run_naming_the_log(tmp_path: Path) -> None:
    (tmp_path / ".autonomous_runs").write_text("a file where the folder should be")
    with pytest.raises(RunStorageError) as info:
        run_ci(executor_on(tmp_path), "p", {"phase_id": "p", "ci": {"command": "true"}})
    assert info.value.path == str(tmp_path / ".autonomous_runs/run-1/ci/p.log")
