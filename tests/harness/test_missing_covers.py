"""``golden report`` and ``golden coverage`` on a ``covers`` entry that names nothing: each lists
it with a suggestion and exits 1, unless ``--allow-missing``; on a tiny project in a temporary git
repository (``harness.synthetic``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.synthetic import make_project, write

TYPO_IN_NAME = "shopx.orders:Orders.shipp"
TYPO_IN_MODULE = "shopx.oders:Orders.ship"


def _project(tmp_path: Path, *covers: str) -> Path:
    """The synthetic shop, its seam covering ``covers`` instead of ``Orders.ship``."""
    project = make_project(tmp_path / "project")
    scenarios = project / "tests/characterization/test_shipping.py"
    text = scenarios.read_text(encoding="utf-8")
    listed = ", ".join(repr(c) for c in covers)
    write(
        project,
        {
            "tests/characterization/test_shipping.py": text.replace(
                'covers=["shopx.orders:Orders.ship"]', f"covers=[{listed}]"
            )
        },
    )
    return project


def _golden(
    capsys: pytest.CaptureFixture[str], root: Path, *args: str
) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


@pytest.mark.parametrize("command", [["report"], ["coverage"]])
def test_a_covers_entry_naming_nothing_fails_with_the_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    project = _project(tmp_path, TYPO_IN_NAME, "shopx.pricing:compute_total")

    code, lines, err = _golden(capsys, project, *command)

    assert (code, err) == (1, "")
    assert lines[-3:] == [
        "Covers entries that name nothing:",
        f"  seam shipping: {TYPO_IN_NAME!r}: {project / 'src/shopx/orders.py'} defines no "
        "'shipp' there. Did you mean 'ship'?",
        "1 covers entry names nothing: correct it in the module's GOLDEN_SEAM, or pass "
        "--allow-missing to exit 0 anyway.",
    ]

    scenarios = project / "tests/characterization/test_shipping.py"
    scenarios.write_text(scenarios.read_text().replace("Orders.shipp", "Orders.ship"))
    code, lines, _ = _golden(capsys, project, *command)
    assert code == 0, lines
    assert "Covers entries that name nothing:" not in lines


@pytest.mark.parametrize("command", [["report"], ["coverage"]])
def test_allow_missing_lists_the_entries_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    project = _project(tmp_path, TYPO_IN_NAME, TYPO_IN_MODULE, "shopx.pricing:compute_total")

    code, lines, _ = _golden(capsys, project, *command, "--allow-missing")

    assert code == 0
    assert lines[-4] == "Covers entries that name nothing:"
    assert lines[-3].endswith("Did you mean 'ship'?")
    assert lines[-2] == (
        f"  seam shipping: {TYPO_IN_MODULE!r}: Cannot find module 'shopx.oders' (searched "
        f"[{str(project)!r}] and sys.path). Did you mean 'shopx.orders'?"
    )
    assert lines[-1] == "2 covers entries name nothing (--allow-missing: not a failure)."


def test_a_typo_in_the_top_package_is_suggested_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, "shopz.orders:Orders.ship")

    code, lines, _ = _golden(capsys, project, "report")

    assert code == 1
    assert lines[-2].endswith("Did you mean 'shopx.orders'?")


def test_coverage_json_is_written_and_fail_under_honours_allow_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, TYPO_IN_NAME, "shopx.orders:Orders.ship")
    figures = tmp_path / "figures.json"

    code, lines, _ = _golden(capsys, project, "coverage", "--json", str(figures))
    assert code == 1
    assert json.loads(figures.read_text())["seams"][0]["errors"][0].startswith(repr(TYPO_IN_NAME))

    # The one scenario runs the small-order path: 4 of 5 lines.
    code, lines, _ = _golden(capsys, project, "coverage", "--fail-under", "50", "--allow-missing")
    assert code == 0, lines
    code, lines, _ = _golden(capsys, project, "coverage", "--fail-under", "50")
    assert code == 1
    assert lines[-1] == "Below 50% (or unresolved): shipping"
    code, lines, _ = _golden(capsys, project, "coverage", "--fail-under", "90", "--allow-missing")
    assert code == 1
    assert lines[-1] == "Below 90% (or unresolved): shipping"
