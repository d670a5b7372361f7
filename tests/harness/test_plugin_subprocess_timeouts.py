"""Through the plugin: timeouts, durations and start failures in goldens, captured then verified."""

from __future__ import annotations

from pathlib import Path

import pytest

SCENARIOS = """
import errno
import subprocess
import time

from golden_harness import Seam

GOLDEN_SEAM = Seam("ci")


def run_ci(argv):
    started = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
        status, output = f"exit {done.returncode}", done.stdout
    except subprocess.TimeoutExpired as expired:
        status, output = "timeout", (expired.stdout or b"").decode()
    except OSError as error:
        status, output = "error", str(error)
    return {"status": status, "output": output, "seconds": time.monotonic() - started}


def test_passes_after_a_while(golden):
    golden.subprocess(["pytest", "-q"], stdout="4 passed\\n", duration=12.5)
    golden.call(run_ci, ["pytest", "-q"])


def test_times_out(golden):
    golden.subprocess(["pytest", "-q"], stdout="..", stderr="slow\\n", times_out=True)
    golden.call(run_ci, ["pytest", "-q"])


def test_cannot_start(golden):
    missing = FileNotFoundError(errno.ENOENT, "No such file or directory", "pytest")
    golden.subprocess(["pytest", "-q"], raises=missing)
    golden.call(run_ci, ["pytest", "-q"])


def test_real_subprocess_between_scenarios():
    import sys
    done = subprocess.run([sys.executable, "-c", "print('real')"], capture_output=True, text=True)
    assert done.stdout == "real\\n"
"""

TIMED_OUT = """\
# golden_harness trace v1
# seam: ci
- subprocess:
    - "pytest"
    - "-q"
  cwd: "<workspace>"
  timeout: 300
  timed_out: true
  stdout: ".."
  stderr: "slow\\n"

- returned:
    status: "timeout"
    output: ".."
    seconds: 300.0
"""


def _golden(root: Path, name: str) -> str:
    return (root / "golden" / "ci" / f"{name}.golden.yaml").read_text(encoding="utf-8")


def test_goldens_hold_timeouts_and_start_failures_and_verify_in_any_order(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_ci=SCENARIOS)

    inner.runpytest("--snapshot-update", "-p", "no:randomly").assert_outcomes(passed=4)

    assert _golden(inner.path, "test_times_out") == TIMED_OUT
    passed = _golden(inner.path, "test_passes_after_a_while")
    assert "  timeout: 300\n  returncode: 0\n" in passed
    assert "    seconds: 12.5\n" in passed
    failed = _golden(inner.path, "test_cannot_start")
    assert (
        '  raised:\n    type: "FileNotFoundError"\n'
        "    message: \"[Errno 2] No such file or directory: 'pytest'\"\n"
    ) in failed
    for seed in ("1", "2", "3"):
        inner.runpytest(f"--randomly-seed={seed}").assert_outcomes(passed=4)


def test_a_changed_timeout_fails_verification_naming_the_field(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_ci=SCENARIOS)
    inner.runpytest("--snapshot-update", "-k", "times_out").assert_outcomes(passed=1)
    (inner.path / "test_ci.py").write_text(
        SCENARIOS.replace("timeout=300", "timeout=120"), encoding="utf-8"
    )

    result = inner.runpytest("-k", "times_out")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*subprocess `pytest -q` (event 1): `timeout`: 300 -> 120",
            '*returned (event 2): [[]"seconds"[]]: 300.0 -> 120.0',
        ]
    )
