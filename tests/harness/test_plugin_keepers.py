"""The freeze and the ``Popen`` patch shared by consecutive scenarios never leak into other tests."""

from __future__ import annotations

import pytest

ORDERED = """
import datetime as dt
import subprocess
from golden_harness import Seam
from golden_harness.clock import freeze_keeper
from golden_harness.subprocesses import popen_keeper

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
