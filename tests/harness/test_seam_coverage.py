"""``golden coverage``: per-seam line and branch coverage by the seam's own scenarios, on a tiny
project in a temporary git repository (``harness.synthetic``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.synthetic import make_project, write

UNREACHED = "  unreached branch src/shopx/orders.py:14 -> 15    if total > 100:"


def _run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), "coverage", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_reports_the_branch_no_scenario_reaches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    # A second module exercising the large-order branch does not count for this seam.
    write(
        project,
        {
            "tests/characterization/test_other.py": (
                "from golden_harness import Seam\n"
                "from shopx.orders import Orders\n"
                "from test_shipping import _orders\n\n"
                "GOLDEN_SEAM = Seam('other', covers=['shopx.pricing:compute_total'])\n\n\n"
                "def test_large(golden):\n"
                "    golden.call(_orders(golden).ship, {'id': 'B', 'items': [{'price': 200, 'qty': 1}]})\n"
            )
        },
    )

    code, lines, _ = _run(project, capsys, "--json", str(tmp_path / "figures.json"))

    assert code == 0
    assert lines[0].split() == ["seam", "scenarios", "lines", "branches", "unreached"]
    assert lines[1].split() == ["other", "1", "1/1", "100.0%", "0/0", "100.0%", "0"]
    assert lines[2].split() == ["shipping", "1", "4/5", "80.0%", "1/2", "50.0%", "1"]
    assert lines[3:5] == ["seam shipping:", UNREACHED]
    figures = json.loads((tmp_path / "figures.json").read_text())
    shipping = figures["seams"][1]
    assert (shipping["seam"], shipping["branches"], shipping["branches_hit"]) == ("shipping", 2, 1)

    code, lines, _ = _run(project, capsys, "--fail-under", "90")
    assert code == 1
    assert lines[-1] == "Below 90% (or unresolved): shipping"


def test_a_scenario_for_the_branch_reaches_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project", large_scenario=True)

    code, lines, _ = _run(project, capsys, "--fail-under", "100")

    assert code == 0, lines
    assert lines[1].split() == ["shipping", "2", "5/5", "100.0%", "2/2", "100.0%", "0"]


def test_region_seams_count_only_their_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    orders = project / "src/shopx/orders.py"
    text = orders.read_text().replace(
        "        if total > 100:", "        # golden-seam: flagging\n        if total > 100:"
    )
    write(
        project,
        {
            "src/shopx/orders.py": text.replace(
                '"large")\n', '"large")\n        # golden-seam-end: flagging\n'
            )
        },
    )
    scenarios = project / "tests/characterization/test_shipping.py"
    write(
        project,
        {
            "tests/characterization/test_shipping.py": scenarios.read_text().replace(
                '"shopx.orders:Orders.ship"', '"shopx.orders:Orders.ship#flagging"'
            )
        },
    )

    code, lines, _ = _run(project, capsys)

    assert code == 0
    assert lines[1].split() == ["shipping", "1", "1/2", "50.0%", "1/2", "50.0%", "1"]
    assert lines[3] == "  unreached branch src/shopx/orders.py:15 -> 16    if total > 100:"


def test_no_seams_and_no_tests_folder_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path / "project")
    (project / "tests/characterization/test_shipping.py").unlink()

    code, _, err = _run(project, capsys)
    assert code == 2
    assert "No seams found under" in err
    assert "GOLDEN_SEAM = Seam('name', covers=[...])" in err

    code, _, err = _run(project, capsys, "--tests", "tests/nowhere")
    assert code == 2
    assert "No tests folder" in err
