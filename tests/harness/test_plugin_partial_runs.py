"""Partial runs neither fail for nor delete goldens they did not select; full runs report orphans."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conftest import DEMO_DIR, copy_demo

ORPHAN = Path("golden/order_shipping/test_removed_scenario.golden.yaml")
ORPHAN_SEAM = Path("golden/deleted_seam/test_old.golden.yaml")


@pytest.fixture
def suite(inner: pytest.Pytester) -> pytest.Pytester:
    """The demo scenarios with their goldens, one orphan in their seam and one orphaned seam."""
    copy_demo(inner, goldens=True)
    for orphan in (ORPHAN, ORPHAN_SEAM):
        (inner.path / orphan).parent.mkdir(parents=True, exist_ok=True)
        (inner.path / orphan).write_text(
            (DEMO_DIR / "golden/order_shipping/test_ships_paid_order.golden.yaml").read_text()
        )
    return inner


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted((root / "golden").rglob("*"))
        if p.is_file()
    }


def test_full_run_fails_on_orphans_and_names_them(suite: pytest.Pytester) -> None:
    result = suite.runpytest()

    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*golden_harness: orphaned goldens*",
            f"orphaned golden {ORPHAN_SEAM.as_posix()}: no collected scenario writes it",
            f"orphaned golden {ORPHAN.as_posix()}: no collected scenario writes it",
            "Delete these files, or run `pytest --snapshot-update` locally*",
        ]
    )


@pytest.mark.parametrize("how", [["--golden-orphans=warn"], ["-o", "golden_orphans=warn"]])
def test_orphans_can_be_only_reported(suite: pytest.Pytester, how: list[str]) -> None:
    result = suite.runpytest(*how)

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"orphaned golden {ORPHAN.as_posix()}*"])


def test_orphans_can_be_ignored(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--golden-orphans=ignore")

    assert result.ret == pytest.ExitCode.OK
    assert "orphaned golden" not in result.stdout.str()


def test_full_update_deletes_orphans(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--snapshot-update")

    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"deleted orphaned golden {ORPHAN.as_posix()}"])
    assert not (suite.path / ORPHAN).exists()
    assert not (suite.path / ORPHAN_SEAM).exists()
    assert len(_tree(suite.path)) == 4


@pytest.mark.parametrize(
    "selection",
    [
        ["test_order_shipping.py::test_ships_paid_order"],
        ["-k", "ships_paid"],
        ["-m", "not slow"],
        ["--deselect", "test_order_shipping.py::test_empty_order_is_not_shipped"],
    ],
    ids=["node-id", "keyword", "marker", "deselect"],
)
@pytest.mark.parametrize("update", [False, True], ids=["verify", "update"])
def test_partial_runs_leave_other_goldens_alone(
    suite: pytest.Pytester, selection: list[str], update: bool
) -> None:
    before = _tree(suite.path)

    result = suite.runpytest(*selection, *(["--snapshot-update"] if update else []))

    assert result.ret == pytest.ExitCode.OK
    assert "orphaned golden" not in result.stdout.str()
    assert _tree(suite.path) == before


def test_one_file_run_checks_only_its_own_seam(suite: pytest.Pytester) -> None:
    result = suite.runpytest("test_order_shipping.py")

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"orphaned golden {ORPHAN.as_posix()}*"])
    assert ORPHAN_SEAM.as_posix() not in result.stdout.str()


def test_one_file_update_keeps_other_seams(suite: pytest.Pytester) -> None:
    suite.runpytest("test_order_shipping.py", "--snapshot-update")

    assert (suite.path / ORPHAN_SEAM).exists()
    assert not (suite.path / ORPHAN).exists()


PARAMETRIZED = """
import pytest
from golden_harness import Seam

GOLDEN_SEAM = Seam("ids")


@pytest.mark.parametrize("value", ["b/c", "bc", "a:b", "a%3Ab"])
def test_ids(golden, value):
    golden.call(lambda: value)
"""


def test_unsafe_parametrize_ids_get_distinct_stable_files(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_ids=PARAMETRIZED)

    inner.runpytest("--snapshot-update").assert_outcomes(passed=4)

    names = sorted(p.name for p in (inner.path / "golden/ids").iterdir())
    assert names == [
        "test_ids[a%253Ab].golden.yaml",
        "test_ids[a%3Ab].golden.yaml",
        "test_ids[b%2Fc].golden.yaml",
        "test_ids[bc].golden.yaml",
    ]
    assert (
        '- returned: "b/c"' in (inner.path / "golden/ids/test_ids[b%2Fc].golden.yaml").read_text()
    )
    result = inner.runpytest("test_ids.py::test_ids[b/c]")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK


SHARED_A = """
from golden_harness import Seam

GOLDEN_SEAM = Seam("shared")


def test_from_a(golden):
    golden.call(lambda: "a")
"""

SHARED_B = SHARED_A.replace("test_from_a", "test_from_b").replace('"a"', '"b"')


def test_one_file_run_does_not_judge_a_seam_another_module_also_fills(
    inner: pytest.Pytester,
) -> None:
    inner.makepyfile(test_shared_a=SHARED_A, test_shared_b=SHARED_B)
    inner.runpytest("--snapshot-update").assert_outcomes(passed=2)
    stale = inner.path / "golden/shared/test_stale.golden.yaml"
    stale.write_text((inner.path / "golden/shared/test_from_a.golden.yaml").read_text())

    only_a = inner.runpytest("test_shared_a.py")
    updated_a = inner.runpytest("test_shared_a.py", "--snapshot-update")
    both = inner.runpytest("test_shared_a.py", "test_shared_b.py")

    assert only_a.ret == pytest.ExitCode.OK
    assert updated_a.ret == pytest.ExitCode.OK
    assert (inner.path / "golden/shared/test_from_b.golden.yaml").exists()
    assert both.ret == pytest.ExitCode.TESTS_FAILED
    both.stdout.fnmatch_lines(["orphaned golden golden/shared/test_stale.golden.yaml*"])
