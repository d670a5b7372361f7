"""The freeze and the ``Popen`` patch shared by consecutive scenarios never leak into other tests."""

from __future__ import annotations

import datetime as dt

import pytest

ORDERED = """
import datetime as dt
import subprocess
from golden_harness import Seam
from golden_harness.recording import freeze_keeper, popen_keeper

GOLDEN_SEAM = Seam("keepers")
REAL_POPEN = subprocess.Popen
STARTS = []


def test_1_first_scenario(golden):
    STARTS.append(freeze_keeper.starts)
    golden.subprocess(["git", "status"], stdout="clean")
    golden.call(lambda: subprocess.run(["git", "status"], capture_output=True, text=True).stdout)


def test_2_second_scenario_shares_the_patches(golden):
    assert freeze_keeper.active
    assert freeze_keeper.starts == STARTS[0]
    assert popen_keeper.active
    golden.call(lambda: dt.datetime.now().isoformat())


def test_3_plain_test_sees_real_time_and_real_subprocess():
    assert not freeze_keeper.active
    assert not popen_keeper.active
    assert subprocess.Popen is REAL_POPEN
    assert dt.datetime.now().year >= 2025
    assert subprocess.run(["echo", "real"], capture_output=True, text=True).stdout == "real\\n"
"""


def test_patches_are_shared_between_scenarios_and_released_before_other_tests(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_keepers=ORDERED)

    result = inner.runpytest("-p", "no:randomly", "--snapshot-update")

    result.assert_outcomes(passed=3)


TIMED = """
import datetime as dt
import time
from golden_harness import Seam

GOLDEN_SEAM = Seam("timed")


def test_1_scenario(golden):
    golden.call(lambda: dt.datetime.now().isoformat())


def test_2_scenario_reads_the_frozen_clock(golden):
    golden.tick(3600)
    golden.call(lambda: (time.time(), time.monotonic(), time.perf_counter()))


def test_3_plain_test():
    assert dt.datetime.now().year >= 2025
"""


def test_pytest_durations_and_junit_times_use_the_real_clock(inner: pytest.Pytester) -> None:
    """The kept freeze moves every scenario's clock, never pytest's own timing."""
    import xml.etree.ElementTree as ET

    inner.makepyfile(test_timed=TIMED)
    junit = inner.path / "junit.xml"

    result = inner.runpytest_subprocess(
        "-p", "no:randomly", "--snapshot-update", "--durations=0", "-vv", f"--junitxml={junit}"
    )

    result.assert_outcomes(passed=3)
    durations = [
        float(line.split("s ", 1)[0])
        for line in result.stdout.lines
        if line.split("s ", 1)[0].replace(".", "", 1).isdigit() and "test_timed.py::" in line
    ]
    assert len(durations) == 9  # setup, call and teardown of each test
    assert max(durations) < 60, result.stdout.str()
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    times = [float(case.get("time", "nan")) for case in suite.iter("testcase")]
    assert len(times) == 3
    assert max(times) < 60
    assert 0 <= float(suite.get("time", "nan")) < 60
    stamp = dt.datetime.fromisoformat(suite.get("timestamp", ""))
    assert stamp.year >= 2025  # the real date, not the frozen 2024-01-02
