"""Orphaned goldens: files under the golden folder that no collected scenario would write.

A partial run (one node id, ``-k``, ``-m``, ``--deselect``, ``--lf``, stepwise) cannot tell an
orphan from the golden of a test it did not select, so it checks nothing. A run that selects
whole test modules checks the seam folders of the modules it collected. A run without path
arguments (pytest's ``testpaths`` or the invocation folder) checks every seam folder, so a seam
whose test module was deleted is reported too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golden_harness.naming import GOLDEN_SUFFIX

__all__ = ["OrphanScope", "find_orphans", "orphan_scope"]


@dataclass
class OrphanScope:
    """What a run may judge: every seam folder (``all_seams``) or only ``seams``."""

    all_seams: bool
    seams: set[str] = field(default_factory=set)
    expected: set[str] = field(default_factory=set)

    def merge(self, seams: Iterable[str], expected: Iterable[str]) -> None:
        """Add what one process (an xdist worker) collected."""
        self.seams.update(seams)
        self.expected.update(expected)


def orphan_scope(config: pytest.Config) -> OrphanScope | None:
    """The scope of orphan checking for this run, or None when the run is partial."""
    option = config.option
    partial = (
        getattr(option, "keyword", "")
        or getattr(option, "markexpr", "")
        or getattr(option, "deselect", None)
        or getattr(option, "lf", False)
        or getattr(option, "stepwise", False)
        or any("::" in str(arg) for arg in config.args)
    )
    if partial:
        return None
    explicit_paths = config.args_source == pytest.Config.ArgsSource.ARGS
    return OrphanScope(all_seams=not explicit_paths)


def find_orphans(golden_dir: Path, scope: OrphanScope) -> list[Path]:
    """Golden files in scope that no collected scenario expects, sorted."""
    if not golden_dir.is_dir():
        return []
    orphans = []
    for path in golden_dir.glob(f"*/*{GOLDEN_SUFFIX}"):
        if not scope.all_seams and path.parent.name not in scope.seams:
            continue
        if str(path.resolve()) not in scope.expected:
            orphans.append(path)
    return sorted(orphans)
