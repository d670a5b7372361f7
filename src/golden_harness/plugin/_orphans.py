"""Orphaned goldens: files under the golden folder that no collected scenario would write.

A partial run (one node id, ``-k``, ``-m``, ``--deselect``, ``--lf``, stepwise) cannot tell an
orphan from the golden of a test it did not select, so it checks nothing. A run that selects
whole test modules checks the seam folders of the modules it collected, except seams that a test
module it did not collect also fills (found statically, see :func:`uncollected_seams`). A run
without path arguments (pytest's ``testpaths`` or the invocation folder) checks every seam
folder, so a seam whose test module was deleted is reported too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golden_harness.format import GOLDEN_SUFFIX, seam_folder
from golden_harness.seams import static_seam_name

__all__ = ["OrphanScope", "find_orphans", "orphan_scope", "uncollected_seams"]


@dataclass
class OrphanScope:
    """What a run may judge: every seam folder (``all_seams``) or only ``seams``."""

    all_seams: bool
    seams: set[str] = field(default_factory=set)
    expected: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)

    def merge(
        self, seams: Iterable[str], expected: Iterable[str], modules: Iterable[str] = ()
    ) -> None:
        """Add what one process (an xdist worker) collected."""
        self.seams.update(seams)
        self.expected.update(expected)
        self.modules.update(modules)


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


_SKIP_DIRS = frozenset(
    {".git", ".venv", "venv", "node_modules", "site-packages", "__pycache__", ".tox"}
)


def uncollected_seams(roots: Iterable[Path], collected: set[str]) -> set[str]:
    """Seams filled by test modules under ``roots`` that are not among ``collected`` paths."""
    seams: set[str] = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.startswith(".")]
            for name in files:
                path = Path(folder, name)
                if (
                    name.startswith("test_")
                    and name.endswith(".py")
                    and str(path.resolve()) not in collected
                ):
                    seam = static_seam_name(path)
                    if seam is not None:
                        seams.add(seam)
    return seams


def find_orphans(golden_dir: Path, scope: OrphanScope, roots: Iterable[Path] = ()) -> list[Path]:
    """Golden files in scope that no collected scenario expects, sorted.

    ``roots`` are searched for test modules that fill a collected seam without having been
    collected; such seams are not judged on a run over explicit paths.
    """
    if not golden_dir.is_dir():
        return []
    judged = scope.seams
    if not scope.all_seams:
        judged = scope.seams - uncollected_seams(roots, scope.modules)
    folders = {seam_folder(seam) for seam in judged}
    orphans = []
    for path in golden_dir.glob(f"*/*{GOLDEN_SUFFIX}"):
        if not scope.all_seams and path.parent.name not in folders:
            continue
        if os.path.realpath(path) not in scope.expected:
            orphans.append(path)
    return sorted(orphans)
