"""``golden strength``'s runs on a small project (``harness.synthetic`` and three more seams):
the per-line selection of scenarios against whole modules, the cache, and the shards and their
merge. The command runs in a subprocess, as users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.synthetic import make_project, write

AUDIT = """\
from golden_harness import Seam
from shopx.orders import Orders

GOLDEN_SEAM = Seam("audit", covers=["shopx.pricing:compute_total"])


def test_audit_of_a_large_order(golden):
    golden.fake("db.save", returns=None)
    golden.fake("db.flag", returns=None)
    orders = golden.isolate(Orders, real=["ship"], attrs={"db": golden.fake("db")})
    golden.call(orders.ship, {"id": "B-2", "items": [{"price": 60.0, "qty": 2}]})
"""

# The discount is computed once, by a module-scoped fixture, inside whichever test needs it
# first; only the second test records it. Its mutants are killed by that test alone.
TOTALS = """\
import pytest
from golden_harness import Seam
from shopx.pricing import compute_discounted

GOLDEN_SEAM = Seam("totals", covers=["shopx.pricing:compute_discounted"])


@pytest.fixture(scope="module")
def discounted():
    return compute_discounted([{"price": 60.0, "qty": 2}], "EUR")


def test_a_first_look(golden, discounted):
    golden.call(len, "abc")


def test_the_discounted_total(golden, discounted):
    golden.call(str, discounted)
"""


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}


def _capture(project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--snapshot-update"],
        cwd=project,
        env={**_env(), "PYTHONPATH": str(project / "src")},
        check=True,
        capture_output=True,
    )


def _strength(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golden_harness.cli", "--root", str(project), "strength", *args],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def _outcomes(path: Path) -> dict[str, tuple[str, bool, int]]:
    """Mutant id -> (outcome, taken from the cache, scenarios run against)."""
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {
        m["id"]: (m["outcome"], m["cached"], m["scenarios"])
        for s in document["seams"]
        for m in s["mutants"]
    }


def _table(stdout: str) -> list[str]:
    """The printed lines without the time column and the cache note."""
    lines = []
    for line in stdout.splitlines():
        if line.endswith(" s") and "%" in line:
            line = line.rsplit("  ", 1)[0]
        if "kept from earlier runs" not in line and not line.startswith("shard "):
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with the shipping, audit and totals seams, goldens captured; pytest's own
    order (no random order), so the fixture runs in the first test of ``test_totals.py``."""
    root = make_project(tmp_path_factory.mktemp("strength") / "project")
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'testpaths = ["tests"]', 'testpaths = ["tests"]\naddopts = "-p no:randomly"'
        )
    )
    write(
        root,
        {
            "tests/characterization/test_audit.py": AUDIT,
            "tests/characterization/test_totals.py": TOTALS,
        },
    )
    _capture(root)
    return root


def test_the_selected_scenarios_kill_what_whole_modules_kill(project: Path, tmp_path: Path):
    selected = _strength(project, "--no-cache", "--json", str(tmp_path / "selected.json"))
    every = _strength(
        project, "--no-cache", "--all-scenarios", "--json", str(tmp_path / "every.json")
    )

    assert selected.returncode == 0, selected.stdout + selected.stderr
    assert every.returncode == 0, every.stdout + every.stderr
    chosen = {k: v[0] for k, v in _outcomes(tmp_path / "selected.json").items()}
    whole = {k: v[0] for k, v in _outcomes(tmp_path / "every.json").items()}
    assert chosen == whole
    # The discount's mutants ran against the test that records the fixture's value, though
    # the fixture ran inside the other test: `* 0.9` -> `/ 0.9` is killed.
    (divided,) = [k for k in chosen if k.startswith("totals:") and "arithmetic" in k]
    assert chosen[divided] == "killed"
    assert sum(1 for v in chosen.values() if v == "killed") >= 20


def test_outcomes_are_kept_until_the_function_changes(project: Path, tmp_path: Path):
    first = _strength(project, "--no-cache", "--json", str(tmp_path / "first.json"))
    again = _strength(project, "--json", str(tmp_path / "again.json"))
    orders = project / "src/shopx/orders.py"
    original = orders.read_text()
    orders.write_text(original.replace('        """Ship one order."""', '        """Ship it."""'))
    try:
        edited = _strength(project, "--json", str(tmp_path / "edited.json"))
    finally:
        orders.write_text(original)

    assert first.returncode == again.returncode == edited.returncode == 0, edited.stderr
    ran = _outcomes(tmp_path / "first.json")
    kept = _outcomes(tmp_path / "again.json")
    assert {k: v[0] for k, v in kept.items()} == {k: v[0] for k, v in ran.items()}
    # Every mutant that ran is kept (one that no scenario executes never runs at all).
    assert all(kept[k][1] == (ran[k][2] > 0) for k in ran)
    assert not any(v[1] for v in ran.values())
    assert "outcome(s) kept from earlier runs" in again.stdout
    after_edit = _outcomes(tmp_path / "edited.json")
    # Orders.ship changed: its mutants run again; compute_discounted's stay kept.
    assert not any(v[1] for k, v in after_edit.items() if k.startswith("shipping:"))
    assert all(v[1] for k, v in after_edit.items() if k.startswith("totals:") and v[2])


@pytest.mark.parametrize("count", [2, 3])
def test_shards_partition_the_mutants_and_merge_into_the_same_table(
    project: Path, tmp_path: Path, count: int
):
    whole = _strength(project, "--json", str(tmp_path / "whole.json"))
    files = [tmp_path / f"shard-{k}.json" for k in range(count)]
    for k, file in enumerate(files):
        shard = _strength(project, "--shard", f"{k}/{count}", "--json", str(file))
        assert shard.returncode == 0, shard.stdout + shard.stderr
        assert shard.stdout.startswith(f"shard {k}/{count} of ")
    merged = _strength(project, "--merge", *map(str, files))

    parts = [set(_outcomes(f)) for f in files]
    everything = set(_outcomes(tmp_path / "whole.json"))
    assert set().union(*parts) == everything
    assert sum(len(p) for p in parts) == len(everything)
    assert all(abs(len(p) - len(everything) / count) <= 1 for p in parts)
    assert merged.returncode == 0, merged.stderr
    assert _table(merged.stdout) == _table(whole.stdout)


def test_merge_refuses_overlaps_gaps_and_other_plans(project: Path, tmp_path: Path):
    halves = [tmp_path / "0.json", tmp_path / "1.json"]
    for k, file in enumerate(halves):
        assert _strength(project, "--shard", f"{k}/2", "--json", str(file)).returncode == 0
    thirds = tmp_path / "third.json"
    assert _strength(project, "--shard", "0/3", "--json", str(thirds)).returncode == 0
    other = tmp_path / "other.json"
    assert (
        _strength(project, "--seam", "audit", "--shard", "1/2", "--json", str(other)).returncode
        == 0
    )

    twice = _strength(project, "--merge", str(halves[0]), str(halves[0]))
    gap = _strength(project, "--merge", str(halves[1]))
    mixed = _strength(project, "--merge", str(halves[0]), str(thirds))
    foreign = _strength(project, "--merge", str(halves[0]), str(other))
    bad = _strength(project, "--shard", "2/2")

    assert twice.returncode == gap.returncode == mixed.returncode == foreign.returncode == 2
    assert "Shard 0/2 is given twice" in twice.stderr
    assert "Shards 0/2 are missing from the merge" in gap.stderr
    assert "with N=2: merge the shards of one run" in mixed.stderr
    assert f"{other} is shard 1/2 of plan" in foreign.stderr
    assert bad.returncode == 2
    assert "--shard '2/2': K must be at least 0 and below N" in bad.stderr


def test_a_suite_that_does_not_collect_is_one_error_without_a_traceback(tmp_path: Path):
    root = make_project(tmp_path / "project")
    write(root, {"tests/characterization/test_broken.py": 'raise RuntimeError("broken")\n'})

    done = _strength(root)

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(
        "golden strength: The characterization suite "
        f"'{root / 'tests/characterization'}' did not run under coverage (exit code 2, "
        "interrupted); its output ends with:"
    ), done.stderr
    assert "INTERNALERROR" not in done.stderr
    assert "Traceback" not in done.stderr
