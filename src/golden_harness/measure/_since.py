"""The lines a change touched, for ``golden strength --since REV``.

A line is touched when the working tree adds or changes it since REV: ``git diff -U0 REV`` of
the tracked files (renames as a removal and an addition, so a renamed file is touched whole),
and every line of a Python file git does not track yet. A function that ``check-move`` calls a
pure move of one removed elsewhere is touched whole at its new place, even where the diff
matched some of its lines with unchanged text there: a move re-measures the code it moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import GoldenHarnessError
from golden_harness.moves import check_move, git, resolve_revision

__all__ = ["Touched", "touched_lines"]

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass
class Touched:
    """Per file (relative to the root, with ``/``): the touched lines; ``moved``: the functions
    counted whole as pure moves (``module.qualname``); ``notes``: what could not be read."""

    revision: str
    commit: str
    lines: dict[str, set[int]] = field(default_factory=dict)
    moved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def touches(self, file: str, first: int, last: int) -> bool:
        lines = self.lines.get(file, set())
        return any(n in lines for n in range(first, last + 1))


def _diff_lines(diff: str) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = None if name == "/dev/null" else found.setdefault(name[2:], set())
        elif (match := _HUNK.match(line)) and current is not None:
            start, count = int(match[1]), int(match[2] or 1)
            current.update(range(start, start + count))
    return found


def touched_lines(root: Path, revision: str) -> Touched:
    """The lines of the working tree at ``root`` added or changed since ``revision``."""
    commit = resolve_revision(root, revision)
    diff = git(
        root, "diff", "--no-renames", "--no-ext-diff", "--no-color", "-U0", commit, "--", "*.py"
    )
    touched = Touched(revision, commit, _diff_lines(diff))
    untracked = git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", "*.py")
    for name in filter(None, untracked.split("\0")):
        with (root / name).open(encoding="utf-8", errors="replace") as text:
            touched.lines[name] = set(range(1, sum(1 for _ in text) + 1))
    try:
        moves = check_move(root, commit)
    except GoldenHarnessError as error:
        touched.notes.append(
            f"check-move could not run ({error}); moved code counts only where the diff shows it"
        )
        return touched
    for verdict in moves.verdicts:
        if not verdict.pure:
            continue
        node = verdict.added.node
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        lines = touched.lines.setdefault(verdict.added.path, set())
        lines.update(range(first, (node.end_lineno or node.lineno) + 1))
        touched.moved.append(verdict.added.full_name)
    return touched
