"""Mistakes of the scenario fail it and never reach a golden, whatever the seam does with them."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path("golden/ledger")

# {attrs} is filled in per run: the first capture sets `db`, a later run forgets it.
LEDGER = """
from golden_harness import Seam

GOLDEN_SEAM = Seam("ledger")


class Ledger:
    def __init__(self):
        raise RuntimeError("connects to production")

    def post(self, amount):
        try:
            self.db.save(amount)
        except Exception as error:
            self.failures = [str(error)]
            return "not posted"
        return "posted"

    def post_strictly(self, amount):
        self.db.save(amount)
        return "posted"

    def describe(self):
        cache = getattr(self, "cache", None)
        return {{"cached": cache is not None, "audited": hasattr(self, "audit")}}


def test_swallowing_seam(golden):
    golden.fake("db.save", returns=1)
    ledger = golden.isolate(Ledger, real=["post"], attrs={attrs})
    golden.call(ledger.post, 10)


def test_propagating_seam(golden):
    golden.fake("db.save", returns=1)
    ledger = golden.isolate(Ledger, real=["post_strictly"], attrs={attrs})
    golden.call(ledger.post_strictly, 10)


def test_probing_seam(golden):
    ledger = golden.isolate(Ledger, real=["describe"], attrs={{}})
    golden.call(ledger.describe)
"""

WITH_DB = LEDGER.format(attrs='{"db": golden.fake("db")}')
WITHOUT_DB = LEDGER.format(attrs="{}")
MESSAGE = (
    "*UnsetAttributeError: isolated Ledger has no attribute 'db': the scenario did not set it. "
    "Set it with golden.isolate(Ledger, attrs={'db': golden.fake('db')})*"
)


@pytest.mark.parametrize("scenario", ["swallowing", "propagating"])
def test_an_unset_attribute_fails_the_capture_and_writes_no_golden(
    inner: pytest.Pytester, scenario: str
) -> None:
    inner.makepyfile(test_ledger=WITHOUT_DB)

    result = inner.runpytest("--snapshot-update", "-k", scenario)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([MESSAGE])
    assert not (inner.path / GOLDEN).exists()


@pytest.mark.parametrize("scenario", ["swallowing", "propagating"])
def test_an_unset_attribute_is_a_scenario_error_in_verify_mode_not_a_mismatch(
    inner: pytest.Pytester, scenario: str
) -> None:
    inner.makepyfile(test_ledger=WITH_DB)
    inner.runpytest("--snapshot-update", "-k", scenario).assert_outcomes(passed=1)
    (golden,) = (inner.path / GOLDEN).glob("*.golden.yaml")
    captured = golden.read_text()
    inner.makepyfile(test_ledger=WITHOUT_DB)

    result = inner.runpytest("-k", scenario)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([MESSAGE])
    result.stdout.no_fnmatch_line("*does not match*")
    result.stdout.no_fnmatch_line("*GoldenMismatchError*")
    assert golden.read_text() == captured
    report = inner.runpytest("--snapshot-update", "-k", scenario)
    report.assert_outcomes(failed=1)
    assert golden.read_text() == captured  # a capture does not overwrite it either


def test_getattr_with_a_default_and_hasattr_still_see_an_absent_attribute(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_ledger=WITHOUT_DB)

    inner.runpytest("--snapshot-update", "-k", "probing").assert_outcomes(passed=1)

    text = (inner.path / GOLDEN / "test_probing_seam.golden.yaml").read_text()
    assert "- returned:\n    cached: false\n    audited: false\n" in text
