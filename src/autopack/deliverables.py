"""Deliverables validation: does a builder's change produce every file the phase promised?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autopack.governed_apply import patch_paths


@dataclass
class DeliverablesReport:
    """Which expected deliverables a change provides and which are missing."""

    ok: bool
    missing: list[str] = field(default_factory=list)
    provided: list[str] = field(default_factory=list)


def validate_deliverables(
    patch_content: str, deliverables: list[str], workspace: Path
) -> DeliverablesReport:
    """Check each deliverable is touched by the patch or already exists as a non-empty file.

    A deliverable ending in `/` is a directory: some touched path must lie under it.
    """
    touched = patch_paths(patch_content) if patch_content.strip() else []
    missing: list[str] = []
    provided: list[str] = []
    for item in deliverables:
        if item.endswith("/"):
            hit = any(p.startswith(item) for p in touched)
        else:
            target = Path(workspace) / item
            hit = item in touched or (target.is_file() and target.stat().st_size > 0)
        (provided if hit else missing).append(item)
    return DeliverablesReport(ok=not missing, missing=missing, provided=provided)
