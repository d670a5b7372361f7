"""The phase's CI: run it (a configured command, or pytest on the phase's test paths), read the test
counts from its output, trim the output, and write the full log and a JSON report under the run
folder.

Reads `workspace` and `run_id` from the executor. The output is redacted as soon as it is read
(`autopack.run_redaction`), so every copy of it (the log, the result the Auditor, the Doctor,
diagnostics and the Builder's hints see) holds no secret. The log and report are written through
`autopack.run_files`: a write that fails raises RunStorageError, which stops the run.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from autopack.process_group import run_in_own_group
from autopack.run_files import write_run_json, write_run_text
from autopack.run_folder import RUNS_DIRNAME
from autopack.run_redaction import redact_text

CI_COMMAND_TIMEOUT_SECONDS = 600
CI_PYTEST_TIMEOUT_SECONDS = 300
CI_OUTPUT_LIMIT = 10_000

PYTEST_SUMMARY_RE = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


@dataclass(frozen=True)
class CiResult:
    """One CI run, normalized.

    `status` is `passed`, `failed`, `timeout` (the command ran past its limit), `error` (it could
    not start) or `skipped`; the counts are read from pytest's summary line (0 when absent);
    `output` is the output trimmed to CI_OUTPUT_LIMIT characters; `log_path` and `report_path`
    are workspace-relative (None for a skipped run); `suspicious_zero_tests` marks a
    pytest run that ran no test.
    """

    status: str
    tests_run: int = 0
    tests_passed: int = 0
    tests_failed: int = 0
    tests_error: int = 0
    duration_seconds: float = 0.0
    output: str = ""
    report_path: str | None = None
    log_path: str | None = None
    suspicious_zero_tests: bool = False

    @classmethod
    def skipped_run(cls) -> CiResult:
        """The result of a phase whose CI is configured `skip`: passed, no test run."""
        return cls(status="skipped")

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"

    @property
    def passed(self) -> bool:
        """A passing run, or a skipped one (a skip never fails the phase)."""
        return self.status in ("passed", "skipped")

    def as_dict(self) -> dict[str, Any]:
        """The result dict the executor stores and passes on, keys in their historical order."""
        return {
            "status": self.status,
            "passed": self.passed,
            "tests_run": self.tests_run,
            "tests_passed": self.tests_passed,
            "tests_failed": self.tests_failed,
            "tests_error": self.tests_error,
            "duration_seconds": self.duration_seconds,
            "output": self.output,
            "report_path": self.report_path,
            "log_path": self.log_path,
            "skipped": self.skipped,
            "suspicious_zero_tests": self.suspicious_zero_tests,
        }


logger = logging.getLogger(__name__)


def run_ci_checks(executor: Any, phase_id: str, phase: dict[str, Any]) -> dict[str, Any]:
    """Run the phase's CI and return the result as the dict the executor keeps and passes on (to
    the Auditor, the quality gate, diagnostics): `run_ci(...).as_dict()`."""
    return run_ci(executor, phase_id, phase).as_dict()


def run_ci(executor: Any, phase_id: str, phase: dict[str, Any]) -> CiResult:
    """Run the phase's CI and return its normalized result; the full log goes under the run folder.

    `phase["ci"]` (else `scope["ci"]`) chooses: `skip`, a `command` (a string runs in a shell,
    600 s timeout), or pytest on `paths` (default `tests/`, 300 s timeout, with
    PYTHONPATH=<workspace>/src and TESTING=1). The command runs in a process group of its own,
    killed as a whole when its timeout expires or the run is stopped. The test counts are read
    from the output as it came; everything else holds it redacted.
    """
    ci_config = phase.get("ci") or (phase.get("scope") or {}).get("ci") or {}
    ci_dir = executor.workspace / RUNS_DIRNAME / executor.run_id / "ci"
    log_path = ci_dir / f"{phase_id}.log"
    report_path = ci_dir / f"{phase_id}.json"

    if ci_config.get("skip"):
        logger.info("CI skipped for %s", phase_id)
        return CiResult.skipped_run()

    command = ci_config.get("command")
    env = None
    if command:
        argv: Any = command
        shell = isinstance(command, str)
        timeout = CI_COMMAND_TIMEOUT_SECONDS
        is_pytest = False
    else:
        paths = [str(p) for p in (ci_config.get("paths") or ["tests/"])]
        argv = [sys.executable, "-m", "pytest", *paths, "-q", "--no-header"]
        shell = False
        timeout = CI_PYTEST_TIMEOUT_SECONDS
        is_pytest = True
        env = dict(os.environ)
        env["PYTHONPATH"] = str(executor.workspace / "src")
        env["TESTING"] = "1"

    logger.info(
        "Running CI for %s: %s (timeout %ds)",
        phase_id,
        argv if isinstance(argv, str) else " ".join(argv),
        timeout,
    )
    started = time.monotonic()
    returncode: int | None = None
    status = "failed"
    try:
        proc = run_in_own_group(
            argv, shell=shell, cwd=executor.workspace, env=env, text=True, timeout=timeout
        )
        returncode = proc.returncode
        output = (proc.stdout or "") + (proc.stderr or "")
        status = "passed" if returncode == 0 else "failed"
    except subprocess.TimeoutExpired as exc:
        output = _decode_output(exc.stdout) + _decode_output(exc.stderr)
        output += f"\nCI timed out after {timeout}s"
        status = "timeout"
    except OSError as exc:
        output = f"CI could not start: {type(exc).__name__}: {exc}"
        status = "error"
    duration = round(time.monotonic() - started, 2)

    counts = {"passed": 0, "failed": 0, "error": 0}
    for number, word in PYTEST_SUMMARY_RE.findall(output):
        key = "error" if word.startswith("error") else word
        if key in counts:
            counts[key] = int(number)
    tests_run = counts["passed"] + counts["failed"] + counts["error"]
    suspicious_zero_tests = is_pytest and tests_run == 0
    if suspicious_zero_tests:
        logger.warning("CI for %s ran zero tests (exit code %s)", phase_id, returncode)
    output = redact_text(output)

    if len(output) > CI_OUTPUT_LIMIT:
        half = CI_OUTPUT_LIMIT // 2
        trimmed = len(output) - CI_OUTPUT_LIMIT
        shown = output[:half] + f"\n... [{trimmed} characters omitted] ...\n" + output[-half:]
    else:
        shown = output

    result = CiResult(
        status=status,
        tests_run=tests_run,
        tests_passed=counts["passed"],
        tests_failed=counts["failed"],
        tests_error=counts["error"],
        duration_seconds=duration,
        output=shown,
        suspicious_zero_tests=suspicious_zero_tests,
    )
    write_run_text(log_path, output)
    result = dataclasses.replace(
        result,
        log_path=log_path.relative_to(executor.workspace).as_posix(),
        report_path=report_path.relative_to(executor.workspace).as_posix(),
    )
    report = {k: v for k, v in result.as_dict().items() if k != "output"}
    report["returncode"] = returncode
    write_run_json(report_path, report)
    logger.info(
        "CI for %s: status=%s tests_run=%d passed=%d failed=%d errors=%d (%.2fs)",
        phase_id,
        status,
        tests_run,
        counts["passed"],
        counts["failed"],
        counts["error"],
        duration,
    )
    return result


def _decode_output(data: bytes | str | None) -> str:
    """Text of a subprocess stream captured before a timeout (bytes, str or None)."""
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data
