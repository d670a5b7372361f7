"""``golden diff``: changed goldens between a git revision and the working tree, per event.

Compares every ``*.golden.yaml`` under the golden folder at ``base`` (default ``HEAD``) with the
working tree, untracked goldens included, or with a second revision ``head``, and renders each
change with :func:`golden_harness.format.diff_events` rather than as a raw text diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from golden_harness.exceptions import GoldenFormatError
from golden_harness.format import GOLDEN_SUFFIX, Sides, diff_events, load_trace, read_text_file
from golden_harness.moves import blob_at, git

__all__ = ["GoldenChange", "changed_goldens", "describe_change", "render_changes"]


@dataclass(frozen=True)
class GoldenChange:
    """One golden that differs: its path (relative to the repository) and both texts."""

    path: str
    old: str | None
    new: str | None


def changed_goldens(
    root: Path, golden_dir: str, base: str, head: str | None = None
) -> list[GoldenChange]:
    """The goldens under ``golden_dir`` that differ between ``base`` and the working tree, or
    between ``base`` and the revision ``head`` when one is given."""
    git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if head is None:
        names = git(root, "diff", "--name-only", "--no-renames", base, "--", golden_dir)
        names += git(root, "ls-files", "--others", "--exclude-standard", "--", golden_dir)
    else:
        git(root, "rev-parse", "--verify", "--quiet", f"{head}^{{commit}}")
        names = git(root, "diff", "--name-only", "--no-renames", base, head, "--", golden_dir)
    changes = []
    for name in sorted(set(names.splitlines())):
        if not name.endswith(GOLDEN_SUFFIX):
            continue
        old = blob_at(root, base, name)
        if head is None:
            file = root / name
            new = read_text_file(file) if file.is_file() else None
        else:
            new = blob_at(root, head, name)
        if old != new:
            changes.append(GoldenChange(name, old, new))
    return changes


def describe_change(
    change: GoldenChange, base: str, new_side: str = "in the working tree"
) -> tuple[str, list[str]]:
    """What a change is (``new, 3 events``, ``removed, had 2 events``, ``changed, 1
    difference(s)``, ``unreadable``) and its lines: the per-event differences of a changed golden,
    the error of an unreadable one. ``base`` names the old side (``at BASE``), ``new_side`` the
    new one."""
    try:
        old = load_trace(change.old, f"{base}:{change.path}") if change.old is not None else None
        new = load_trace(change.new, change.path) if change.new is not None else None
    except GoldenFormatError as error:
        return "unreadable", [str(error)]
    if old is None:
        return f"new, {len(new or [])} events", []
    if new is None:
        return f"removed, had {len(old)} events", []
    differences = diff_events(old, new, Sides(f"at {base}", new_side))
    return f"changed, {len(differences)} difference(s)", differences or [
        "only comments or layout changed"
    ]


def render_changes(changes: list[GoldenChange], base: str) -> list[str]:
    """Lines describing each change per event; unreadable goldens are reported, not skipped."""
    lines: list[str] = []
    for change in changes:
        what, details = describe_change(change, base)
        lines.append(f"{change.path} ({what})")
        lines += [f"  {line}" for line in details]
    lines.append(f"{len(changes)} golden(s) differ from {base}.")
    return lines
