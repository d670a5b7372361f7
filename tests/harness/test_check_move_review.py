"""``golden review`` shows what check-move found beyond functions: the classes and values a
``move:`` commit moved, and what it removed without a trace."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from golden_harness.cli import main
from harness.check_move_cases import CLASSES, REMOVED, Case, build


def _commit_move(root: Path) -> None:
    for args in (["add", "-A"], ["commit", "-qm", "move: the case's move"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=root,
            capture_output=True,
            check=True,
        )


def test_a_removed_method_fails_the_move_commit_and_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = build(Case(REMOVED, "a method", ()), tmp_path / "repo")
    _commit_move(root)

    code = main(["--root", str(root), "review", "--base", "HEAD~1"])
    text = capsys.readouterr().out
    assert main(["--root", str(root), "review", "--base", "HEAD~1", "--format", "json"]) == 1
    (commit,) = json.loads(capsys.readouterr().out)["commits"]

    assert code == 1
    assert "verdict: not a pure move" in text, text
    assert (
        "check-move: removed          function shop.orders.Orders._unused "
        "(src/shop/orders.py:9 in the parent): not moved, and no wrapper or alias is left: its "
        "code is nowhere now"
    ) in text, text
    assert commit["check_move"]["removed"] == [
        {"kind": "function", "name": "shop.orders.Orders._unused", "at": "src/shop/orders.py:9"}
    ]


def test_a_class_moved_with_a_changed_enum_value_fails_the_move_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = build(Case(CLASSES, "enum value", ()), tmp_path / "repo")
    _commit_move(root)

    code = main(["--root", str(root), "review", "--base", "HEAD~1"])
    text = capsys.readouterr().out

    assert code == 1
    assert (
        "check-move: NOT A PURE MOVE  class shop.outcomes.Mode (src/shop/outcomes.py:5) <- "
        "src/shop/orders.py:5 in the parent"
    ) in text, text
    assert "check-move: pure move        class shop.outcomes.Outcome" in text
