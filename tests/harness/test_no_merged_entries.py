"""Normalization never merges two entries: keys that become one text stay two, or fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness import GoldenFormatError, Harvester, HarvestSeam, MergedKeysError, load_trace
from golden_harness.format import ScenarioCodec

# Two keys that redaction turns into the same text; built from parts (no committed key shapes).
FIRST, SECOND = "sk-" + "a" * 24, "sk-" + "b" * 24

SCENARIO = """
from golden_harness import Seam

GOLDEN_SEAM = Seam("keys")


def test_two_keys(golden):
    golden.call(lambda: {{{first!r}: {a}, {second!r}: {b}, "plain": 0}})
"""


@pytest.mark.parametrize("changed", ["first", "second"])
def test_a_change_of_either_value_fails_verification(inner: pytest.Pytester, changed: str) -> None:
    inner.makepyfile(test_keys=SCENARIO.format(first=FIRST, second=SECOND, a=1, b=2))
    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)
    golden = (inner.path / "golden/keys/test_two_keys.golden.yaml").read_text()
    assert '"<redacted>": 1' in golden
    assert '"<redacted> (2)": 2' in golden

    values = {"a": 10, "b": 2} if changed == "first" else {"a": 1, "b": 20}
    inner.makepyfile(test_keys=SCENARIO.format(first=FIRST, second=SECOND, **values))
    result = inner.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*GoldenMismatchError*"])


def test_a_golden_with_a_key_twice_is_refused_with_its_line() -> None:
    text = '# golden_harness trace v1\n- returned:\n    "a": 1\n    "a": 2\n'

    with pytest.raises(GoldenFormatError, match=r"g.golden.yaml:4: .*the key 'a' appears twice"):
        load_trace(text, "g.golden.yaml")


def two_keys(first: str, second: str) -> dict[str, int]:
    """A harvest entry returning a dict keyed by two secrets."""
    return {first: 1, second: 2}


def test_a_harvested_dict_whose_keys_merge_is_reported_not_written(tmp_path: Path) -> None:
    with pytest.raises(MergedKeysError, match=r"keys number 1 and 2 both become '<redacted>'"):
        ScenarioCodec().encode({FIRST: 1, SECOND: 2}, "the returned value")

    out = tmp_path / "harvested"
    seam = HarvestSeam("keys", entry=f"{__name__}:two_keys")
    with Harvester([seam], out, workspace=tmp_path) as harvester:
        assert two_keys(FIRST, SECOND) == {FIRST: 1, SECOND: 2}

    assert harvester.report.written == []
    (failure,) = harvester.report.seams["keys"].failures
    assert "keys number 1 and 2 both become '<redacted>'" in failure
    assert FIRST not in failure
