"""``golden report``: every seam, where its code lives now, its scenarios and their status.

Seams come from the static declarations in the tests folder (:func:`discover_seams`); their code
is resolved to files and lines (:func:`resolve_code`); a reference that is now a thin wrapper is
followed to the function it delegates to, which is listed too, with a note saying so. Scenario status comes from the results
the pytest plugin saves in the pytest cache after each run
(``.pytest_cache/v/golden_harness/results``): ``matched``, ``written``, ``traced``, the name of
the error that failed it, or ``not run`` when no run has reported on that golden yet.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import ReviewError
from golden_harness.format import GOLDEN_SUFFIX, relative_path, seam_folder
from golden_harness.seams import followed_note, resolve_seams

__all__ = ["OK_STATUSES", "SeamReport", "build_report", "load_results", "render_report"]

RESULTS_FILE = Path(".pytest_cache/v/golden_harness/results")
OK_STATUSES = frozenset({"matched", "written", "traced", "not run"})


@dataclass
class SeamReport:
    """What ``golden report`` shows for one seam; ``unresolved`` holds the message of each
    ``covers`` entry that names nothing (also listed in ``code``)."""

    name: str
    declared_in: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scenarios: dict[str, str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)


def load_results(root: Path) -> dict[str, str]:
    """Golden path (relative to ``root``) -> last status saved by the plugin."""
    file = root / RESULTS_FILE
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_bytes().decode("utf-8"))
        return {entry["golden"]: entry["status"] for entry in data["scenarios"].values()}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
        line = getattr(error, "lineno", 1)
        raise ReviewError(
            f"{relative_path(file, root)}:{line}: not the statuses the plugin saves ({error}). "
            f"Delete it and run pytest again to save them anew."
        ) from None


def build_report(root: Path, tests_dir: Path, golden_dir: Path) -> list[SeamReport]:
    """One :class:`SeamReport` per declared seam or golden folder, sorted by name."""
    seams: dict[str, SeamReport] = {}
    results = load_results(root)
    for resolved in resolve_seams(tests_dir, [root], follow_wrappers=True):
        declaration = resolved.declaration
        report = seams.setdefault(declaration.seam.name, SeamReport(declaration.seam.name))
        report.declared_in.append(relative_path(declaration.module_path.resolve(), root.resolve()))
        report.code += [f"{loc.describe(root)}  ({loc.ref})" for loc in resolved.locations]
        report.code += [f"unresolved: {error}" for error in resolved.errors]
        report.unresolved += resolved.errors
        report.notes += [followed_note(a, b) for a, b in resolved.followed]
    on_disk: dict[str, list[Path]] = defaultdict(list)
    named = {seam_folder(name): name for name in seams}  # a long seam's folder is shortened
    if golden_dir.is_dir():
        for path in sorted(golden_dir.glob(f"*/*{GOLDEN_SUFFIX}")):
            on_disk[named.get(path.parent.name, path.parent.name)].append(path)
    for seam_name, paths in on_disk.items():
        report = seams.setdefault(seam_name, SeamReport(seam_name))
        for path in paths:
            rel = relative_path(path.resolve(), root.resolve())
            report.scenarios[rel] = results.get(rel, "not run")
    for rel, status in results.items():
        seam_name = named.get(Path(rel).parent.name, Path(rel).parent.name)
        if (
            seam_name in seams
            and rel not in seams[seam_name].scenarios
            and (root / rel).parent.parent == golden_dir
        ):
            seams[seam_name].scenarios[rel] = status
    return [seams[name] for name in sorted(seams)]


def render_report(reports: list[SeamReport]) -> list[str]:
    """The lines ``golden report`` prints."""
    lines: list[str] = []
    for report in reports:
        declared = ", ".join(report.declared_in) or "no test module declares it"
        lines.append(f"seam {report.name}  [{declared}]")
        lines += [f"  code: {code}" for code in report.code] or ["  code: (no covers= references)"]
        lines += [f"  note: {note}" for note in report.notes]
        lines.append(f"  scenarios: {len(report.scenarios)}")
        lines += [f"    {status:<22} {path}" for path, status in sorted(report.scenarios.items())]
    failing = sum(1 for r in reports for s in r.scenarios.values() if s not in OK_STATUSES)
    total = sum(len(r.scenarios) for r in reports)
    lines.append(f"{len(reports)} seam(s), {total} scenario(s), {failing} failing.")
    return lines
