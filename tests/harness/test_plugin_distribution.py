"""Goldens are identical under pytest-xdist (``-n 2``) and under random test order."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conftest import DEMO_DIR, copy_demo


def _goldens(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted((root / "golden").rglob("*.golden.yaml"))
    }


EXPECTED = _goldens(DEMO_DIR)


def test_capture_with_two_workers_gives_the_same_goldens(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=False)

    result = inner.runpytest_subprocess("-n", "2", "--snapshot-update")

    result.assert_outcomes(passed=4)
    assert _goldens(inner.path) == EXPECTED


def test_two_workers_verify_and_still_report_orphans(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    orphan = inner.path / "golden/order_shipping/test_gone.golden.yaml"
    orphan.write_text(
        (DEMO_DIR / "golden/order_shipping/test_ships_paid_order.golden.yaml").read_text()
    )

    result = inner.runpytest_subprocess("-n", "2")

    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["orphaned golden golden/order_shipping/test_gone.golden.yaml*"])


def test_two_workers_on_a_node_id_leave_other_goldens(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=True)
    before = _goldens(inner.path)

    result = inner.runpytest_subprocess(
        "-n", "2", "--snapshot-update", "test_order_shipping.py::test_ships_paid_order"
    )

    result.assert_outcomes(passed=1)
    assert _goldens(inner.path) == before


@pytest.mark.parametrize("seed", ["1", "2", "987654"])
def test_random_order_gives_the_same_goldens(inner: pytest.Pytester, seed: str) -> None:
    copy_demo(inner, goldens=False)

    result = inner.runpytest(
        "-p", "randomly", "-p", "no:cacheprovider", f"--randomly-seed={seed}", "--snapshot-update"
    )

    result.assert_outcomes(passed=4)
    assert _goldens(inner.path) == EXPECTED
