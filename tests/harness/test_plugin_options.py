"""Each ``--golden-*`` option and ini key, driven end to end through pytester."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conftest import DEMO_DIR, copy_demo


def _names(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.golden.yaml"))


DEMO_NAMES = _names(DEMO_DIR / "golden")


def test_golden_dir_option(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=False)

    inner.runpytest("--snapshot-update", "--golden-dir", "traces/goldens").assert_outcomes(passed=4)

    assert _names(inner.path / "traces/goldens") == DEMO_NAMES
    assert not (inner.path / "golden").exists()
    inner.runpytest("--golden-dir", "traces/goldens").assert_outcomes(passed=4)


def test_golden_dir_ini(inner: pytest.Pytester) -> None:
    copy_demo(inner, goldens=False)
    inner.makeini("[pytest]\ngolden_dir = snapshots/golden\n")

    inner.runpytest("--snapshot-update").assert_outcomes(passed=4)

    assert _names(inner.path / "snapshots/golden") == DEMO_NAMES


def test_trace_dir_writes_traces_and_never_touches_goldens(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=False)
    monkeypatch.setenv("CI", "true")

    result = inner.runpytest("--golden-trace-dir", "out")

    result.assert_outcomes(passed=4)
    assert not (inner.path / "golden").exists()
    for name in DEMO_NAMES:
        assert (inner.path / "out" / name).read_text() == (DEMO_DIR / "golden" / name).read_text()


def test_trace_dir_does_not_compare(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=True)
    monkeypatch.setenv("SHOP_VARIANT", "keyword_changed")

    inner.runpytest("--golden-trace-dir", "out").assert_outcomes(passed=4)

    assert (
        "retries: 3"
        in (inner.path / "out/order_shipping/test_ships_paid_order.golden.yaml").read_text()
    )


LOGGING = """
import logging
from golden_harness import Seam

GOLDEN_SEAM = Seam("logs")
log = logging.getLogger("app.deep.module")


def test_logs(golden):
    golden.call(lambda: (log.debug("debug detail"), log.info("info line")))
"""


@pytest.mark.parametrize(("level", "expected"), [("INFO", 1), ("DEBUG", 2)])
def test_log_level_ini(inner: pytest.Pytester, level: str, expected: int) -> None:
    inner.makepyfile(test_logs=LOGGING)
    inner.makeini(f"[pytest]\ngolden_log_level = {level}\n")

    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)

    text = (inner.path / "golden/logs/test_logs.golden.yaml").read_text()
    assert text.count("- log:") == expected
    assert 'logger: "app"' in text


CLOCK = """
import datetime as dt
import uuid
from golden_harness import Seam

GOLDEN_SEAM = Seam("clock")


def test_clock(golden):
    golden.call(lambda: (dt.datetime.now().isoformat(), str(uuid.uuid4())))
"""


def test_freeze_and_seed_ini(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_clock=CLOCK)
    inner.makeini("[pytest]\ngolden_freeze = 1999-12-31T23:59:59\ngolden_seed = 3\n")

    inner.runpytest("--snapshot-update").assert_outcomes(passed=1)

    text = (inner.path / "golden/clock/test_clock.golden.yaml").read_text()
    assert '"1999-12-31T23:59:59"' in text
    assert "<uuid-1>" in text


def test_options_are_listed_in_one_group(inner: pytest.Pytester) -> None:
    result = inner.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "golden traces (golden_harness):",
            "*--golden-dir=GOLDEN_DIR*",
            "*--golden-trace-dir=GOLDEN_TRACE_DIR*",
            "*--golden-orphans={fail,warn,ignore}*",
        ]
    )


def test_new_only_update_writes_missing_goldens_and_keeps_failing_ones(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_demo(inner, goldens=True)
    (inner.path / "golden/order_shipping/test_empty_order_is_not_shipped.golden.yaml").unlink()
    monkeypatch.setenv("SHOP_VARIANT", "keyword_changed")

    result = inner.runpytest("--snapshot-update-new-only", "-p", "no:randomly")

    result.assert_outcomes(passed=1, failed=3)
    assert _names(inner.path / "golden") == DEMO_NAMES
    shipped = inner.path / "golden/order_shipping/test_ships_paid_order.golden.yaml"
    assert (
        shipped.read_text()
        == (DEMO_DIR / "golden/order_shipping/test_ships_paid_order.golden.yaml").read_text()
    )
