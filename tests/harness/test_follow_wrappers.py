"""After a move, a ``covers`` target that became a thin wrapper is followed by ``golden report``,
``coverage`` and ``strength`` to the function it delegates to, and they say what to put in
``covers``. The project (``harness.synthetic``) moves ``Orders.ship`` to ``shopx/mod.py::execute``
behind ``return execute(self, order)``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from golden_harness.cli import main
from golden_harness.seams import resolve_seams
from harness.synthetic import commit, make_project, move_ship, move_ship_to_execute

NOTE = (
    "shopx.orders:Orders.ship is a thin wrapper around shopx.mod:execute: measured there too "
    "(put 'shopx.mod:execute' in covers)"
)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}


@pytest.fixture
def moved(tmp_path: Path) -> Path:
    """The project with goldens captured before the move, then moved (not committed)."""
    project = make_project(tmp_path / "project", large_scenario=True)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--snapshot-update"],
        cwd=project,
        env={**_env(), "PYTHONPATH": str(project / "src")},
        check=True,
        capture_output=True,
    )
    commit(project, "capture: shipping")
    move_ship_to_execute(project)
    return project


def test_resolve_seams_follows_a_wrapper_only_when_asked(moved: Path) -> None:
    tests = moved / "tests/characterization"

    (plain,) = resolve_seams(tests, [moved])
    (followed,) = resolve_seams(tests, [moved], follow_wrappers=True)

    assert [loc.ref for loc in plain.locations] == ["shopx.orders:Orders.ship"]
    assert plain.followed == ()
    assert [loc.describe(moved) for loc in followed.locations] == [
        "src/shopx/orders.py:10-12",
        "src/shopx/mod.py:6-11",
    ]
    assert followed.followed == (("shopx.orders:Orders.ship", "shopx.mod:execute"),)


def test_a_wrapper_calling_a_module_attribute_is_followed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    move_ship(project, "pure")  # `from shopx import shipping` ... `shipping.ship(self, order)`

    (seam,) = resolve_seams(project / "tests/characterization", [project], follow_wrappers=True)

    assert seam.followed == (("shopx.orders:Orders.ship", "shopx.shipping:ship"),)


def test_report_and_coverage_measure_the_delegate_and_say_so(
    moved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(moved), "report"]) == 0
    report = capsys.readouterr().out.splitlines()
    assert main(["--root", str(moved), "coverage"]) == 0
    coverage = capsys.readouterr().out.splitlines()

    assert "  code: src/shopx/mod.py:6-11  (shopx.mod:execute)" in report
    assert f"  note: {NOTE}" in report
    # The wrapper's one line and the five of execute, both branches of `if total > 100`.
    assert coverage[1].split() == ["shipping", "2", "6/6", "100.0%", "2/2", "100.0%", "0"]
    assert f"  {NOTE}" in coverage


def test_strength_mutates_the_delegate(moved: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "golden_harness.cli", "--root", str(moved), "strength"],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[0] == "shipping"
    assert int(lines[1].split()[4]) > 10, lines  # total; the wrapper alone has one mutant
    assert f"  {NOTE}" in lines
    assert "  survived src/shopx/mod.py:9 (comparison changed)" in lines


def test_a_class_attribute_bound_to_the_moved_function_is_resolved_and_followed(
    moved: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = moved / "src/shopx/orders.py"
    text = orders.read_text()
    wrapper_start = text.index("    def ship(")
    orders.write_text(text[:wrapper_start] + "    ship = execute\n")

    (plain,) = resolve_seams(moved / "tests/characterization", [moved])
    (followed,) = resolve_seams(moved / "tests/characterization", [moved], follow_wrappers=True)
    assert main(["--root", str(moved), "coverage"]) == 0
    coverage = capsys.readouterr().out.splitlines()

    assert plain.errors == ()
    assert [loc.describe(moved) for loc in plain.locations] == ["src/shopx/orders.py:10"]
    assert followed.followed == (("shopx.orders:Orders.ship", "shopx.mod:execute"),)
    assert [loc.describe(moved) for loc in followed.locations] == [
        "src/shopx/orders.py:10",
        "src/shopx/mod.py:6-11",
    ]
    # The alias line runs when the class is defined, not in a scenario: only execute's five lines
    # and both branches of `if total > 100` are measured.
    assert coverage[1].split() == ["shipping", "2", "5/5", "100.0%", "2/2", "100.0%", "0"]
    assert f"  {NOTE}" in coverage
