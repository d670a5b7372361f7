"""Precision and recall of ``golden check-move`` on the move patterns of
``tests/harness/check_move_cases.py``: each pattern as a pure move and with each of its planted
changes, in a scratch git repository per case.

A case counts as called pure when check-move exits 0. Precision is the share of the cases called
pure that are pure; recall the share of the pure cases called pure. The same cases run with this
checkout's ``src`` and with the ``src`` of ``--baseline`` (a temporary git worktree of that
revision, first on ``PYTHONPATH``); a flag the baseline's command does not know is left out
there. One line per case, then both sides' figures.

Usage: ``python scripts/check_move_patterns.py [--baseline REV|none]``
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from harness.check_move_cases import CASES, Case, build  # noqa: E402

BASELINE = "4488974"
"""The last revision before check-move resolved names, compared classes and values whole,
and recognised the wrappers of generators, coroutines and properties."""


def called_pure(src: Path, case: Case, scratch: Path) -> bool:
    """Whether check-move, imported from ``src``, exits 0 on the case."""
    root = build(case, scratch)
    args = list(case.args)
    while True:
        done = subprocess.run(
            [sys.executable, "-m", "golden_harness.cli", "--root", str(root), "check-move",
             "--base", "HEAD", *args],
            env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if done.returncode == 2 and "unrecognized arguments" in done.stderr and args:
            args = []
            continue
        return done.returncode == 0


def figures(expected: list[bool], called: list[bool]) -> str:
    true_pure = sum(e and c for e, c in zip(expected, called, strict=True))
    called_count, pure_count = sum(called), sum(expected)
    precision = true_pure / called_count if called_count else 1.0
    recall = true_pure / pure_count if pure_count else 1.0
    wrong = sum(c and not e for e, c in zip(expected, called, strict=True))
    return (
        f"precision {precision:.2f}, recall {recall:.2f} ({true_pure} of {pure_count} pure "
        f"moves called pure; {wrong} of {len(expected) - pure_count} planted changes called pure)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"default {BASELINE}; or 'none'")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="check-move-patterns-"))
    worktree = scratch / "baseline"
    sides = {"current": REPO / "src"}
    try:
        if args.baseline != "none":
            subprocess.run(
                ["git", "worktree", "add", "--detach", "--quiet", str(worktree), args.baseline],
                cwd=REPO,
                check=True,
            )
            sides[f"baseline {args.baseline}"] = worktree / "src"
        called: dict[str, list[bool]] = {side: [] for side in sides}
        for index, case in enumerate(CASES):
            marks = []
            for side, src in sides.items():
                verdict = called_pure(src, case, scratch / f"{index}-{side.split()[0]}")
                called[side].append(verdict)
                marks.append(f"{side.split()[0]}: {'pure' if verdict else 'not pure':<8}")
            expected = "pure" if case.pure else "not pure"
            print(f"{case.id:<70} expected {expected:<8}  " + "  ".join(marks))
        expected_pure = [case.pure for case in CASES]
        for side in sides:
            print(f"{side:<20} {figures(expected_pure, called[side])}")
    finally:
        if worktree.exists():
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, check=False
            )
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
