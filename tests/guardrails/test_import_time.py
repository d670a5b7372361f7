"""The import-time guard, timing synthetic packages in real fresh interpreters."""

from __future__ import annotations

import json

import check_import_time
import pytest
from check_import_time import Row, build_rows, format_table, main

FAST = {
    "synthperf/__init__.py": "",
    "synthperf/god.py": "import json\n",
    "synthperf/executor/__init__.py": "",
    "synthperf/executor/light.py": "X = 1\n",
    "synthperf/executor/handlers/__init__.py": "",
    "synthperf/executor/handlers/one.py": "Y = 2\n",
}
SLOW_SOURCE = "import time\ntime.sleep(0.4)\n"


def _args(src, baseline, *extra: str) -> list[str]:
    return [
        "--src", str(src), "--module", "synthperf.god", "--package", "synthperf.executor",
        "--runs", "3", "--baseline", str(baseline), *extra,
    ]  # fmt: skip


@pytest.fixture
def measured(src_tree, tmp_path, capsys):
    """A synthetic package and a baseline written from its fast version."""
    src = src_tree(FAST)
    baseline = tmp_path / "baseline.json"
    assert main(_args(src, baseline, "--write-baseline")) == 0
    capsys.readouterr()
    return src, baseline


def test_write_baseline_records_every_discovered_module(measured):
    _, baseline = measured
    data = json.loads(baseline.read_text())
    assert sorted(data["modules_ms"]) == [
        "synthperf.executor",
        "synthperf.executor.handlers",
        "synthperf.executor.handlers.one",
        "synthperf.executor.light",
        "synthperf.god",
    ]
    assert data["runs"] == 3
    assert all(0 < ms < 1000 for ms in data["modules_ms"].values())


def test_unchanged_package_passes_under_enforce(measured, capsys, monkeypatch):
    # The verdict is judged on measurements equal to the baseline: a second real measurement of the
    # same code varies with machine load, and a timed assertion would fail on a busy machine.
    src, baseline = measured
    recorded = json.loads(baseline.read_text())["modules_ms"]
    monkeypatch.setattr(
        check_import_time, "measure", lambda _src, names, _runs: {n: recorded[n] for n in names}
    )
    assert main(_args(src, baseline, "--enforce")) == 0
    out = capsys.readouterr().out
    assert "import time: OK, 5 modules" in out
    assert "synthperf.executor.light" in out


def test_planted_slow_module_fails_under_enforce_and_is_named(measured, capsys):
    src, baseline = measured
    (src / "synthperf/executor/handlers/one.py").write_text(SLOW_SOURCE)
    assert main(_args(src, baseline, "--enforce")) == 1
    out = capsys.readouterr().out
    assert "FAILED, over the limit: synthperf.executor.handlers.one (" in out
    table_row = next(
        line for line in out.splitlines() if line.startswith("synthperf.executor.handlers.one")
    )
    assert table_row.rstrip().endswith("OVER")


def test_slow_module_is_only_reported_without_enforce(measured, capsys):
    src, baseline = measured
    (src / "synthperf/executor/light.py").write_text(SLOW_SOURCE)
    assert main(_args(src, baseline)) == 0
    assert "informational (1 over the limit)" in capsys.readouterr().out


def test_missing_baseline_is_explained(src_tree, tmp_path, capsys):
    src = src_tree(FAST)
    missing = tmp_path / "none.json"
    assert main(_args(src, missing)) == 0
    out = capsys.readouterr().out
    assert f"no baseline at {str(missing)!r}" in out
    assert "--write-baseline" in out
    assert main(_args(src, missing, "--enforce")) == 2


def test_unknown_module_is_a_clear_error(src_tree, tmp_path, capsys):
    src = src_tree(FAST)
    code = main(
        ["--src", str(src), "--module", "synthperf.nope", "--baseline", str(tmp_path / "b")]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot import 'synthperf.nope'" in err
    assert "ModuleNotFoundError" in err


def test_corrupt_baseline_is_a_clear_error(src_tree, tmp_path, capsys):
    src = src_tree(FAST)
    baseline = tmp_path / "baseline.json"
    baseline.write_text('{"modules": 1}')
    assert main(_args(src, baseline)) == 2
    assert "is not a baseline file" in capsys.readouterr().err


def test_limit_is_the_larger_of_factor_and_slack():
    rows = build_rows({"a": 10.0, "b": 100.0, "c": 1.0}, {"a": 10.0, "b": 40.0}, 3.0, 50.0)
    assert [(r.module, r.limit_ms, r.over_limit) for r in rows] == [
        ("a", 60.0, False),
        ("b", 120.0, False),
        ("c", None, False),
    ]
    assert Row("d", 61.0, 10.0, 60.0).over_limit


def test_table_lists_module_median_baseline_ratio():
    table = format_table([Row("pkg.mod", 12.0, 8.0, 58.0), Row("pkg.new", 3.0, None, None)])
    header, first, second = table.splitlines()
    assert header.split() == [
        "module",
        "median",
        "ms",
        "baseline",
        "ms",
        "ratio",
        "limit",
        "ms",
        "share",
        "%",
        "status",
    ]
    assert first.split() == ["pkg.mod", "12.0", "8.0", "1.50", "58.0", "-", "ok"]
    assert second.split() == ["pkg.new", "3.0", "-", "-", "-", "-", "new"]


def test_share_is_the_percent_of_the_reference_and_can_be_enforced():
    medians = {"god": 200.0, "leaf": 20.0, "heavy": 180.0}
    rows = build_rows(medians, medians, 3.0, 50.0, reference="god", max_share=10.0)
    assert [(r.module, r.share, r.over_share, r.status) for r in rows] == [
        ("god", None, False, "ok"),
        ("leaf", 10.0, False, "ok"),
        ("heavy", 90.0, True, "OVER"),
    ]
    assert format_table(rows).splitlines()[3].split()[-2:] == ["90.0", "OVER"]
    assert [r.share for r in build_rows(medians, None, 3.0, 50.0)] == [None, None, None]


def test_a_leaf_importing_what_the_god_module_imports_fails_max_share(
    measured, capsys, monkeypatch
):
    # Judged on fixed medians: the share of real measurements varies with machine load.
    src, baseline = measured
    recorded = json.loads(baseline.read_text())["modules_ms"]
    fixed = {**recorded, "synthperf.god": 100.0, "synthperf.executor.light": 40.0}
    monkeypatch.setattr(
        check_import_time, "measure", lambda _s, names, _r: {n: fixed[n] for n in names}
    )
    monkeypatch.setattr(check_import_time, "load_baseline", lambda _p: fixed)
    assert main(_args(src, baseline, "--max-share", "50")) == 0
    assert "0 module(s) above 50% of synthperf.god" in capsys.readouterr().out
    assert main(_args(src, baseline, "--enforce", "--max-share", "30")) == 1
    out = capsys.readouterr().out
    assert "1 module(s) above 30% of synthperf.god\n  synthperf.executor.light: 40.0%" in out
    assert "synthperf.executor.light (40.0% of synthperf.god > 30%)" in out


@pytest.mark.parametrize("value", ["0", "-5", "101"])
def test_max_share_outside_a_percent_is_a_clear_error(measured, capsys, value):
    src, baseline = measured
    assert main(_args(src, baseline, "--max-share", value)) == 2
    assert f"--max-share is a percent in (0, 100], got {float(value)!r}" in capsys.readouterr().err
