"""Characterization of the CI runner: `AutonomousExecutor._run_ci_checks`.

Each scenario runs the phase's CI against scripted commands (pytest-subprocess, through
`golden.subprocess`) and pins: which configuration wins (`phase["ci"]` over `scope["ci"]`), the
command line (pytest with its paths under `sys.executable`, shown as `<python>`, or a custom command
as a shell string or an argv list), its cwd and environment additions, the timeout passed to
`subprocess.run` (the `timeout` of each subprocess event), commands that time out or cannot start,
the measured duration, the parsed pytest counts, the zero-tests warning, head and tail truncation
of long output, the log and JSON report written under `.autonomous_runs/<run_id>/ci/`, and the full
result dict.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Any

import pytest
from _storage_support import call_until_stopped

from autopack.autonomous_executor import AutonomousExecutor
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "ci_runner",
    covers=[
        "autopack.executor.ci_runner:run_ci_checks",
        "autopack.executor.ci_runner:run_ci",
        "autopack.executor.ci_runner:CiResult.skipped_run",
        "autopack.executor.ci_runner:CiResult.as_dict",
        "autopack.autonomous_executor:AutonomousExecutor._run_ci_checks",
        "autopack.executor.ci_runner:CI_COMMAND_TIMEOUT_SECONDS",
        "autopack.executor.ci_runner:CI_PYTEST_TIMEOUT_SECONDS",
        "autopack.executor.ci_runner:CI_OUTPUT_LIMIT",
        "autopack.executor.ci_runner:PYTEST_SUMMARY_RE",
    ],
)

PHASE_ID = "build-api"
PYTEST_FLAGS = ["-q", "--no-header"]


@pytest.fixture(autouse=True)
def ci_environment(golden: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sys.executable` shown as `<python>`; no PYTHONPATH or TESTING inherited from the test run."""
    executable = sys.executable
    golden.normalize(lambda text: text.replace(executable, "<python>"))
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("TESTING", raising=False)


@pytest.fixture
def executor(make_executor: Any) -> AutonomousExecutor:
    executor: AutonomousExecutor = make_executor(real=["_run_ci_checks"])
    return executor


def pytest_argv(*paths: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *paths, *PYTEST_FLAGS]


def run_ci(golden: Recorder, executor: AutonomousExecutor, phase: dict[str, Any]) -> Any:
    return golden.call(executor._run_ci_checks, PHASE_ID, phase)


# -- which configuration applies ---------------------------------------------------------------


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param({"ci": {"skip": True}}, id="phase-ci-skip"),
        pytest.param({"scope": {"ci": {"skip": True}}}, id="scope-ci-skip"),
        pytest.param(
            {"ci": {}, "scope": {"ci": {"skip": True}}}, id="empty-phase-ci-uses-scope-ci"
        ),
        pytest.param({"ci": {"skip": True, "command": "make check"}}, id="skip-wins-over-command"),
    ],
)
def test_skip_returns_skipped_result_without_running_anything(
    golden: Recorder, executor: AutonomousExecutor, phase: dict[str, Any]
) -> None:
    run_ci(golden, executor, phase)


def test_phase_ci_takes_precedence_over_scope_ci(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess("make check", stdout="all checks passed\n")
    phase = {"ci": {"command": "make check"}, "scope": {"ci": {"skip": True}}}
    run_ci(golden, executor, phase)


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param({}, id="no-ci-config"),
        pytest.param({"scope": None}, id="scope-none"),
        pytest.param({"scope": {"paths": ["src/api.py"]}}, id="scope-without-ci"),
        pytest.param({"ci": {"paths": []}}, id="empty-paths"),
        pytest.param({"ci": None, "scope": {"ci": None}}, id="ci-none"),
    ],
)
def test_pytest_on_tests_folder_by_default(
    golden: Recorder, executor: AutonomousExecutor, phase: dict[str, Any]
) -> None:
    golden.subprocess(pytest_argv("tests/"), stdout="....\n4 passed in 0.31s\n")
    run_ci(golden, executor, phase)


# -- pytest ------------------------------------------------------------------------------------


def test_pytest_on_configured_paths_passes_with_counts_log_and_report(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(
        pytest_argv("tests/unit", "tests/test_api.py"),
        stdout="........ss\n8 passed, 2 skipped in 3.46s\n",
        duration=3.456,
    )
    run_ci(golden, executor, {"ci": {"paths": ["tests/unit", "tests/test_api.py"]}})


def test_pytest_paths_from_scope_ci(golden: Recorder, executor: AutonomousExecutor) -> None:
    golden.subprocess(pytest_argv("tests/scope_only"), stdout="2 passed in 0.05s\n")
    run_ci(golden, executor, {"scope": {"ci": {"paths": ["tests/scope_only"]}}})


@pytest.mark.parametrize(
    ("summary", "returncode"),
    [
        pytest.param("3 failed, 5 passed, 2 errors in 1.20s", 1, id="failed-passed-errors"),
        pytest.param("1 failed, 1 error in 0.40s", 1, id="one-error-singular"),
        pytest.param("2 passed, 1 xfailed, 1 xpassed, 3 skipped in 0.90s", 0, id="ignored-words"),
        pytest.param("6 passed, 1 warning in 0.70s", 0, id="warnings-not-counted"),
    ],
)
def test_pytest_summary_counts(
    golden: Recorder,
    executor: AutonomousExecutor,
    summary: str,
    returncode: int,
) -> None:
    golden.subprocess(
        pytest_argv("tests/"), stdout=f"short test summary\n{summary}\n", returncode=returncode
    )
    run_ci(golden, executor, {})


def test_pytest_failure_output_joins_stdout_and_stderr(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(
        pytest_argv("tests/"),
        stdout="F.\nFAILED tests/test_api.py::test_get - assert 404 == 200\n1 failed, 1 passed\n",
        stderr="DeprecationWarning: datetime.utcnow() is deprecated\n",
        returncode=1,
    )
    run_ci(golden, executor, {})


@pytest.mark.parametrize(
    ("stdout", "returncode"),
    [
        pytest.param("\nno tests ran in 0.01s\n", 5, id="exit-5-no-tests-ran"),
        pytest.param("collected 0 items\n", 0, id="exit-0-without-summary"),
        pytest.param("ERROR: file or directory not found: tests/\n", 4, id="usage-error"),
    ],
)
def test_pytest_zero_tests_collected_is_suspicious(
    golden: Recorder,
    executor: AutonomousExecutor,
    stdout: str,
    returncode: int,
) -> None:
    golden.subprocess(pytest_argv("tests/"), stdout=stdout, returncode=returncode)
    run_ci(golden, executor, {})


# -- custom commands ---------------------------------------------------------------------------


def test_custom_command_string_runs_in_a_shell(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess("make lint && make test", stdout="lint ok\n7 passed in 2.00s\n")
    run_ci(golden, executor, {"ci": {"command": "make lint && make test"}})


def test_custom_command_list_runs_without_a_shell(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(
        ["npm", "test", "--", "--ci"],
        stdout="Tests: 1 failed, 9 passed\n",
        stderr="npm ERR! Test failed.\n",
        returncode=1,
    )
    run_ci(golden, executor, {"ci": {"command": ["npm", "test", "--", "--ci"]}})


def test_custom_command_without_test_summary_is_not_suspicious(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(["cargo", "check"], stderr="Finished dev profile\n")
    run_ci(golden, executor, {"scope": {"ci": {"command": ["cargo", "check"]}}})


# -- timeouts and commands that cannot start ---------------------------------------------------


def test_pytest_timeout_keeps_partial_bytes_output(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(
        pytest_argv("tests/slow"), times_out=True, stdout=b"....\n", stderr=b"still running\n"
    )
    run_ci(golden, executor, {"ci": {"paths": ["tests/slow"]}})


def test_custom_command_timeout_keeps_partial_text_output(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    # Scripted as text; the seam receives it as bytes, as CPython hands over partial output on POSIX.
    golden.subprocess("./run-e2e.sh", times_out=True, stdout="3 passed\nwaiting for server\n")
    run_ci(golden, executor, {"ci": {"command": "./run-e2e.sh"}})


def test_timeout_without_any_output(golden: Recorder, executor: AutonomousExecutor) -> None:
    golden.subprocess(["make", "e2e"], times_out=True)
    run_ci(golden, executor, {"ci": {"command": ["make", "e2e"]}})


def test_command_that_cannot_start_is_an_error(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory", "tox")
    golden.subprocess(["tox", "-e", "py311"], raises=missing)
    run_ci(golden, executor, {"ci": {"command": ["tox", "-e", "py311"]}})


# -- long output -------------------------------------------------------------------------------


def numbered_lines(count: int, *, last: str) -> str:
    """`count` lines of 100 characters each (numbered, so a cut shows where), then `last`."""
    lines = [f"line {n:03d} ".ljust(99, ".") + "\n" for n in range(1, count + 1)]
    return "".join(lines) + last


def test_long_failure_output_keeps_head_and_tail(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    stdout = numbered_lines(120, last="1 failed, 119 passed in 9.99s\n")
    golden.subprocess(pytest_argv("tests/"), stdout=stdout, returncode=1)
    run_ci(golden, executor, {})


def test_output_of_exactly_the_limit_is_kept_whole(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    stdout = numbered_lines(99, last="1 failed".ljust(99, ".") + "\n")
    assert len(stdout) == 10_000
    golden.subprocess(["make", "test"], stdout=stdout, returncode=2)
    run_ci(golden, executor, {"ci": {"command": ["make", "test"]}})


# -- the log and report --------------------------------------------------------------------------


def test_log_write_failure_stops_the_run_naming_the_log(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    blocker = golden.workspace / ".autonomous_runs" / "run-char" / "ci"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the ci folder should be\n", encoding="utf-8")
    golden.subprocess(pytest_argv("tests/"), stdout="1 passed in 0.01s\n")
    call_until_stopped(golden, executor._run_ci_checks, PHASE_ID, {})


def test_existing_log_and_report_are_overwritten(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    ci_dir = golden.workspace / ".autonomous_runs" / "run-char" / "ci"
    ci_dir.mkdir(parents=True)
    (ci_dir / f"{PHASE_ID}.log").write_text("previous attempt\n1 failed\n", encoding="utf-8")
    (ci_dir / f"{PHASE_ID}.json").write_text('{"status": "failed"}\n', encoding="utf-8")
    golden.subprocess(pytest_argv("tests/"), stdout="2 passed in 0.02s\n")
    run_ci(golden, executor, {})


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
