"""`_run_ci_checks`: skip, shell commands and pytest, with logs under the run folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RESULT_KEYS = [
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


@pytest.fixture
def executor(make_executor):
    return make_executor([{"phase_id": "p"}], start=False)


def test_skip(executor) -> None:
    result = executor._run_ci_checks("p", {"phase_id": "p", "ci": {"skip": True}})
    assert list(result) == RESULT_KEYS
    assert (result["status"], result["passed"], result["skipped"]) == ("skipped", True, True)


def test_scope_ci_is_used_when_the_phase_has_none(executor) -> None:
    result = executor._run_ci_checks("p", {"phase_id": "p", "scope": {"ci": {"skip": True}}})
    assert result["skipped"] is True


def test_shell_command_success_and_failure(executor, git_repo: Path) -> None:
    ok = executor._run_ci_checks("p", {"ci": {"command": "echo 3 passed && exit 0"}})
    assert list(ok) == RESULT_KEYS
    assert (ok["status"], ok["passed"], ok["tests_passed"], ok["suspicious_zero_tests"]) == (
        "passed",
        True,
        3,
        False,
    )
    assert ok["log_path"] == ".autonomous_runs/run-1/ci/p.log"
    assert (git_repo / ok["log_path"]).read_text() == "3 passed\n"
    report = json.loads((git_repo / ok["report_path"]).read_text())
    assert report["returncode"] == 0
    assert "output" not in report
    bad = executor._run_ci_checks("p", {"ci": {"command": ["git", "no-such-command"]}})
    assert (bad["status"], bad["passed"]) == ("failed", False)


def test_a_command_that_cannot_start(executor) -> None:
    result = executor._run_ci_checks("p", {"ci": {"command": ["/nonexistent/ci-tool"]}})
    assert (result["status"], result["passed"]) == ("error", False)
    assert result["output"].startswith("CI could not start: FileNotFoundError")


def test_long_output_keeps_head_and_tail(executor, git_repo: Path) -> None:
    result = executor._run_ci_checks(
        "p", {"ci": {"command": "python3 -c \"print('a' * 6000 + 'b' * 6000)\""}}
    )
    assert result["output"].startswith("a" * 5000)
    assert result["output"].endswith("b" * 4999 + "\n")
    assert "[2001 characters omitted]" in result["output"]
    assert len((git_repo / result["log_path"]).read_text()) == 12001


def test_pytest_counts_and_environment(executor, git_repo: Path) -> None:
    (git_repo / "src/lib").mkdir(parents=True)
    (git_repo / "src/lib/__init__.py").write_text("VALUE = 2\n")
    (git_repo / "tests").mkdir()
    (git_repo / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider -p no:randomly\n")
    (git_repo / "tests/test_lib.py").write_text(
        "import os\nfrom lib import VALUE\n\n"
        "def test_value():\n    assert VALUE == 2\n\n"
        "def test_env():\n    assert os.environ['TESTING'] == '1'\n\n"
        "def test_fails():\n    assert VALUE == 3\n"
    )
    result = executor._run_ci_checks("p", {"ci": {"paths": ["tests/"]}})
    assert (result["status"], result["passed"]) == ("failed", False)
    assert (result["tests_run"], result["tests_passed"], result["tests_failed"]) == (3, 2, 1)
    assert result["suspicious_zero_tests"] is False


def test_pytest_with_no_tests_is_suspicious(executor, git_repo: Path) -> None:
    (git_repo / "tests").mkdir()
    (git_repo / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    result = executor._run_ci_checks("p", {"ci": {}})
    assert result["suspicious_zero_tests"] is True
    assert result["passed"] is False
