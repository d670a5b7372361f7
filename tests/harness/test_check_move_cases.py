"""``golden check-move`` on the moves of ``harness.check_move_cases``: every pure move is called
pure, every planted change is not, and the report says what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.check_move_cases import CASES, Case, build


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_pure_moves_are_pure_and_planted_changes_are_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    root = build(case, tmp_path / "repo")

    code = main(["--root", str(root), "check-move", "--base", "HEAD", *case.args])

    out, err = capsys.readouterr()
    assert err == ""
    assert code == (0 if case.pure else 1), out
    assert case.expect in out, out
