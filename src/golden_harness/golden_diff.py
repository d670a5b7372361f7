"""``golden diff``: changed goldens between a git revision and the working tree, per event.

Compares every ``*.golden.yaml`` under the golden folder at ``base`` (default ``HEAD``) with the
working tree, untracked goldens included, and renders each change with
:func:`golden_harness.diffing.diff_events` rather than as a raw text diff.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from golden_harness.diffing import Sides, diff_events
from golden_harness.exceptions import GoldenFormatError, GoldenHarnessError
from golden_harness.golden_format import load_trace
from golden_harness.naming import GOLDEN_SUFFIX

__all__ = ["GoldenChange", "changed_goldens", "git", "render_changes"]


def git(root: Path, *args: str) -> str:
    """Run ``git -C root args`` and return its output; a failure names the command."""
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise GoldenHarnessError(f"`git {' '.join(args)}` failed in {root}: {done.stderr.strip()}")
    return done.stdout


@dataclass(frozen=True)
class GoldenChange:
    """One golden that differs: its path (relative to the repository) and both texts."""

    path: str
    old: str | None
    new: str | None


def changed_goldens(root: Path, golden_dir: str, base: str) -> list[GoldenChange]:
    """The goldens under ``golden_dir`` that differ between ``base`` and the working tree."""
    git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    names = git(root, "diff", "--name-only", "--no-renames", base, "--", golden_dir).splitlines()
    names += git(root, "ls-files", "--others", "--exclude-standard", "--", golden_dir).splitlines()
    changes = []
    for name in sorted(set(names)):
        if not name.endswith(GOLDEN_SUFFIX):
            continue
        old = _show(root, base, name)
        file = root / name
        new = file.read_text(encoding="utf-8") if file.is_file() else None
        if old != new:
            changes.append(GoldenChange(name, old, new))
    return changes


def _show(root: Path, rev: str, name: str) -> str | None:
    done = subprocess.run(
        # `cat-file blob` reads exactly that path; `git show REV:path` treats a path with `[...]`
        # (a parametrized scenario) that REV lacks as a pattern and exits 0 with no output.
        ["git", "-C", str(root), "cat-file", "blob", f"{rev}:{name}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def render_changes(changes: list[GoldenChange], base: str) -> list[str]:
    """Lines describing each change per event; unreadable goldens are reported, not skipped."""
    lines: list[str] = []
    for change in changes:
        try:
            old = (
                load_trace(change.old, f"{base}:{change.path}") if change.old is not None else None
            )
            new = load_trace(change.new, change.path) if change.new is not None else None
        except GoldenFormatError as error:
            lines += [f"{change.path} (unreadable)", f"  {error}"]
            continue
        if old is None:
            lines.append(f"{change.path} (new, {len(new or [])} events)")
        elif new is None:
            lines.append(f"{change.path} (removed, had {len(old)} events)")
        else:
            differences = diff_events(old, new, Sides(f"at {base}", "in the working tree"))
            lines.append(f"{change.path} (changed, {len(differences)} difference(s))")
            lines += [f"  {line}" for line in differences] or ["  only comments or layout changed"]
    lines.append(f"{len(changes)} golden(s) differ from {base}.")
    return lines
