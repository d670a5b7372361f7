"""``golden coverage``: per seam, the share of the seam's lines and branches that its own
scenarios execute, and the branches none of them reaches.

The characterization suite runs once under ``coverage run`` with branch measurement, restricted
to the seams' files, each test in its own context (the ``_coverage_plugin`` module) and
with ``--golden-trace-dir`` (goldens are neither needed nor compared). For each seam, only the
contexts of the test modules that declare it count, and only the lines inside the seam's code
(whole definitions, or ``#region`` blocks).
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coverage import Coverage
from coverage.python import PythonFileReporter
from coverage.results import analysis_from_file_reporter

from golden_harness.exceptions import ReviewError
from golden_harness.measure._coverage_plugin import FIXTURE_CONTEXTS_VARIABLE, ITEMS_VARIABLE
from golden_harness.moves import run_pytest, stop_reason, with_fixed_hashing
from golden_harness.seams import ResolvedSeam, followed_note, resolve_seams

__all__ = [
    "SeamCoverage",
    "coverage_json",
    "find_seams",
    "measure_coverage",
    "render_coverage",
    "run_suite_with_contexts",
]

_NO_CONTEXT = r"^\Z(?<=\A.)"


@dataclass
class SeamCoverage:
    """Coverage of one seam by its own scenarios."""

    seam: str
    scenarios: int
    lines: int = 0
    lines_hit: int = 0
    branches: int = 0
    branches_hit: int = 0
    unreached: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    followed: list[str] = field(default_factory=list)

    @staticmethod
    def percent(hit: int, total: int) -> float:
        return 100.0 * hit / total if total else 100.0

    @property
    def line_percent(self) -> float:
        return self.percent(self.lines_hit, self.lines)

    @property
    def branch_percent(self) -> float:
        return self.percent(self.branches_hit, self.branches)


def find_seams(root: Path, tests: Path) -> list[ResolvedSeam]:
    """Every seam declared under ``tests``, thin wrappers in ``covers`` followed to the function
    they delegate to; a missing folder or no seam is a ReviewError."""
    if not tests.is_dir():
        raise ReviewError(
            f"No tests folder {str(tests)!r}: pass --tests with the folder of the "
            f"characterization modules (test_<seam>.py declaring GOLDEN_SEAM = Seam(...))."
        )
    seams = resolve_seams(tests, [root], follow_wrappers=True)
    if not seams:
        raise ReviewError(
            f"No seams found under {str(tests)!r}: no test_*.py module there declares "
            f"GOLDEN_SEAM = Seam('name', covers=[...]), so there is nothing to measure."
        )
    return seams


def run_suite_with_contexts(
    root: Path,
    tests: Path,
    seams: list[ResolvedSeam],
    work: Path,
    *,
    fixture_contexts: bool = False,
) -> dict[str, dict[str, Any]]:
    """Run the suite under ``tests`` once under coverage (the seams' files, branches, one
    context per test, and with ``fixture_contexts`` one per setup of a fixture of a wider scope)
    into ``work/coverage.db``; return node id -> ``{"path": test module file, "fixtures":
    [fixture names]}``.

    The user's pytest configuration applies; pytest-xdist's ``-n`` (and the cache plugin's
    ``--lf``-like selections) of ``addopts`` are turned off for this run, as coverage contexts
    are per process."""
    files = sorted({str(loc.file) for s in seams for loc in s.locations})
    rc = work / "coveragerc"
    rc.write_text(
        "[run]\nbranch = True\n"
        f"data_file = {work / 'coverage.db'}\n"
        "include =\n" + "".join(f"    {f}\n" for f in files),
        encoding="utf-8",
    )
    env = with_fixed_hashing(os.environ)
    env[ITEMS_VARIABLE] = str(work / "items.json")
    (work / "tmp").mkdir(exist_ok=True)
    env["TMPDIR"] = str(work / "tmp")  # removed with ``work``, also when the run is stopped
    if fixture_contexts:
        env[FIXTURE_CONTEXTS_VARIABLE] = "1"
    paths = [str(root / "src"), str(root), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    args = [
        str(tests),
        "-p", "golden_harness.measure._coverage_plugin", f"--golden-trace-dir={work / 'traces'}",
        "-o", f"cache_dir={work / 'cache'}", f"--basetemp={work / 'basetemp'}", "-q",
    ]  # fmt: skip
    done = run_pytest(args, cwd=root, env=env, runner=["coverage", "run", f"--rcfile={rc}", "-m"])
    reason = stop_reason(done.returncode)
    if reason is not None:
        tail = (done.stdout + done.stderr).splitlines()[-25:]
        raise ReviewError(
            f"The characterization suite {str(tests)!r} did not run under coverage (exit code "
            f"{done.returncode}, {reason}); its output ends with:\n"
            + "\n".join(f"    {line}" for line in tail)
        )
    items = work / "items.json"
    found: dict[str, dict[str, Any]] = (
        json.loads(items.read_text(encoding="utf-8")) if items.is_file() else {}
    )
    return found


def _headers(file: Path) -> set[int]:
    """Lines that run at import time, not in a scenario: ``def`` and ``class`` headers with their
    decorators, and assignments in a module or class body (an alias such as ``ship = execute``
    is measured through the function it is bound to)."""
    headers: set[int] = set()

    tree = ast.parse(file.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            headers.update(range(first, node.body[0].lineno))
    bodies = [tree.body]
    while bodies:
        for statement in bodies.pop():
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                end = statement.end_lineno or statement.lineno
                headers.update(range(statement.lineno, end + 1))
            elif isinstance(statement, ast.ClassDef):
                bodies.append(statement.body)
    return headers


def _measure(cov: Coverage, seam: ResolvedSeam, nodeids: list[str], root: Path) -> SeamCoverage:
    result = SeamCoverage(
        seam.declaration.seam.name,
        len(nodeids),
        errors=list(seam.errors),
        followed=[followed_note(a, b) for a, b in seam.followed],
    )
    data = cov.get_data()
    data.set_query_contexts([f"^{re.escape(n)}$" for n in nodeids] or [_NO_CONTEXT])
    for location in seam.locations:
        reporter = PythonFileReporter(str(location.file), cov)
        analysis = analysis_from_file_reporter(data, 2, reporter, str(location.file))
        lines = {n for a, b in location.lines for n in range(a, b + 1)} - _headers(location.file)
        result.lines += len(analysis.statements & lines)
        result.lines_hit += len(analysis.executed & lines)
        branching = {n for n, exits in analysis.exit_counts.items() if exits > 1 and n in lines}
        possible = {arc for arc in analysis.arc_possibilities_set if arc[0] in branching}
        taken = {arc for arc in analysis.arcs_executed_set if arc in possible}
        result.branches += len(possible)
        result.branches_hit += len(taken)
        text = location.file.read_text(encoding="utf-8").splitlines()
        name = (
            location.file.relative_to(root) if location.file.is_relative_to(root) else location.file
        )
        for start, end in sorted(possible - taken):
            target = "exit" if end < 0 else str(end)
            result.unreached.append(
                f"{name.as_posix()}:{start} -> {target}    {text[start - 1].strip()}"
            )
    return result


def measure_coverage(root: Path, tests: str) -> tuple[list[SeamCoverage], float]:
    """Run the suite under ``tests`` once and measure every declared seam; returns the
    per-seam figures and the run time in seconds."""
    started = time.monotonic()
    folder = (root / tests).resolve()
    seams = find_seams(root, folder)
    with tempfile.TemporaryDirectory(prefix="golden-coverage-") as tmp:
        work = Path(tmp)
        items = run_suite_with_contexts(root, folder, seams, work)
        cov = Coverage(data_file=str(work / "coverage.db"), config_file=str(work / "coveragerc"))
        cov.load()
        results = []
        for seam in seams:
            module = str(seam.declaration.module_path.resolve())
            nodeids = sorted(n for n, item in items.items() if item["path"] == module)
            results.append(_measure(cov, seam, nodeids, root))
    return results, time.monotonic() - started


def render_coverage(results: list[SeamCoverage], seconds: float) -> list[str]:
    """The table and the unreached branches ``golden coverage`` prints."""
    width = max([len("seam"), *(len(r.seam) for r in results)])
    lines = [f"{'seam':<{width}}  scenarios  lines              branches           unreached"]
    for r in results:
        line_cell = f"{r.lines_hit}/{r.lines} {r.line_percent:5.1f}%"
        branch_cell = f"{r.branches_hit}/{r.branches} {r.branch_percent:5.1f}%"
        lines.append(
            f"{r.seam:<{width}}  {r.scenarios:>9}  {line_cell:<17}  {branch_cell:<17}  "
            f"{len(r.unreached):>9}"
        )
    for r in results:
        if r.unreached or r.errors or r.followed or not r.scenarios:
            lines.append(f"seam {r.seam}:")
        lines += [f"  {note}" for note in r.followed]
        if not r.scenarios:
            lines.append("  no scenario ran (does its module collect any test?)")
        lines += [f"  unresolved: {error}" for error in r.errors]
        lines += [f"  unreached branch {branch}" for branch in r.unreached]
    lines.append(f"{len(results)} seam(s); measured in {seconds:.1f} s.")
    return lines


def coverage_json(results: list[SeamCoverage], seconds: float) -> str:
    """The figures as JSON, for CI dashboards."""
    return json.dumps(
        {"seconds": round(seconds, 2), "seams": [asdict(r) for r in results]}, indent=2
    )
