"""``golden strength --since REV`` and ``golden review --strength``: mutants on the lines a change
touched, a pure move counted whole at its new place; on ``harness.synthetic``'s project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness.synthetic import SHIPPING, commit, make_project, move_ship, write

# An older copy of the shipping code, in the file the move will write: most of its lines are
# the moved function's lines too, so the diff shows only the two that differ.
LEGACY = SHIPPING.format(imported="compute_total", retries="1").replace(
    "def ship(orders, order):", "def ship_legacy(orders, order):"
)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}


def _capture(project: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--snapshot-update"],
        cwd=project,
        env={**_env(), "PYTHONPATH": str(project / "src")},
        check=True,
        capture_output=True,
    )


def _golden(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "golden_harness.cli", "--root", str(project), *args],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def _mutated_lines(path: Path) -> dict[str, set[int]]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, set[int]] = {}
    for seam in document["seams"]:
        for mutant in seam["mutants"]:
            found.setdefault(mutant["file"], set()).add(mutant["line"])
    return found


def test_only_the_changed_lines_are_mutated(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    _capture(project)
    commit(project, "capture: shipping")
    orders = project / "src/shopx/orders.py"
    orders.write_text(orders.read_text().replace("if total > 100:", "if total > 120:"))

    done = _golden(project, "strength", "--since", "HEAD", "--json", str(tmp_path / "s.json"))

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "mutants on the lines changed since HEAD"
    # Line 14's mutants, and the swap of lines 13 and 14 (listed at its first line).
    assert _mutated_lines(tmp_path / "s.json") == {"src/shopx/orders.py": {13, 14}}


def test_a_pure_move_is_measured_whole_at_its_new_place(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    write(project, {"src/shopx/shipping.py": LEGACY})
    _capture(project)
    base = commit(project, "capture: shipping, with a legacy copy")
    move_ship(project, "pure")
    diff = subprocess.run(
        ["git", "-C", str(project), "diff", "-U0", base, "--", "src/shopx/shipping.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The diff shows only the def line and the call that differs as changed.
    assert [line for line in diff.splitlines() if line.startswith("+") and "+++" not in line] == [
        "+def ship(orders, order):",
        '+    orders.db.save(order_id=order["id"], total=total, retries=2)',
    ]

    done = _golden(project, "strength", "--since", base, "--json", str(tmp_path / "s.json"))

    assert done.returncode == 0, done.stdout + done.stderr
    # Every line of the moved body is mutated: the comparison, the flag, the return.
    assert _mutated_lines(tmp_path / "s.json")["src/shopx/shipping.py"] == {7, 8, 9, 10, 11}
    assert "note: counted whole as pure moves (check-move): shopx.shipping.ship" in done.stdout


def test_review_adds_each_commits_strength_on_its_own_lines(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    _capture(project)
    base = commit(project, "capture: shipping")
    orders = project / "src/shopx/orders.py"
    orders.write_text(orders.read_text().replace("retries=2", "retries=3"))
    _capture(project)
    commit(project, "capture: three retries")
    pricing = project / "src/shopx/pricing.py"
    pricing.write_text(pricing.read_text() + "\n\ndef unused():\n    return 1\n")
    commit(project, "feat: an unused helper")

    text = _golden(project, "review", "--base", base, "--strength")
    markdown = _golden(project, "review", "--base", base, "--strength", "--format", "markdown")
    document = json.loads(
        _golden(project, "review", "--base", base, "--strength", "--format", "json").stdout
    )

    assert text.returncode == 0, text.stdout + text.stderr
    lines = text.stdout.splitlines()
    # The capture commit changed line 13: its mutants ran; the swap of lines 13 and 14 survives.
    assert "       verdict: 1 golden file(s) changed, strength 7/8 caught (87.5%)" in lines
    assert "       strength: shipping       7        0         1      8   87.5%" in lines
    assert "       strength:   survived src/shopx/orders.py:13 (statements swapped)" in lines
    # The helper is in no seam: nothing to measure.
    assert lines[lines.index("ok   " + document["commits"][1]["sha"][:10] + " other    "
                             "feat: an unused helper") + 1:][:2] == [
        "       verdict: strength no mutant",
        "       strength: no mutant",
    ]  # fmt: skip
    assert "**strength on its own lines**: 7/8 caught (87.5%)" in markdown.stdout
    first = document["commits"][0]["strength"]
    # Line 13's mutants, and the swap of lines 12 and 13 (listed at its first line).
    assert sorted(m["line"] for s in first["seams"] for m in s["mutants"]) == [12] + [13] * 7
    assert "seconds" not in first
    assert document["commits"][1]["strength"]["seams"] == []
