"""``golden verify-move --base REV``: run the characterization suite on REV and on the working
tree, and compare the traces the two produce, without reading or writing committed goldens.

Each side runs ``python -m pytest <selection> --golden-trace-dir DIR`` in its own folder (REV in a
temporary git worktree, removed on every exit), both at once. Each side imports its own code and
its own tests: the side's ``src/`` and root come first on ``PYTHONPATH``, ahead of site-packages
and the ``.pth`` entries of an editable install. The harness itself is the one running this
command on both sides (a link to its package is put first on ``PYTHONPATH``), so REV's scenarios
are recorded and rendered exactly like the working tree's. Both sides hash strings with the same
fixed seed (:mod:`golden_harness.moves._hash_seed`).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import GoldenFormatError, ReviewError
from golden_harness.format import GOLDEN_SUFFIX, REVISION_SIDES, diff_events, load_trace
from golden_harness.moves._git import resolve_revision, temporary_worktree
from golden_harness.moves._hash_seed import with_fixed_hashing
from golden_harness.moves._interrupts import stop_process
from golden_harness.moves._pytest_run import start_pytest, stop_reason

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The installed golden_harness package folder (this module is in its ``moves`` sub-package)."""

__all__ = [
    "DEFAULT_TESTS",
    "ScenarioComparison",
    "SideRun",
    "VerifyMoveResult",
    "compare_trace_dirs",
    "render_verify_move",
    "side_environment",
    "verify_move",
]

DEFAULT_TESTS = "tests/characterization"
_LOG_TAIL = 25


@dataclass
class SideRun:
    """One side's pytest run: its folder, traces, exit code and failed tests."""

    label: str
    root: Path
    trace_dir: Path
    log: Path
    returncode: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScenarioComparison:
    """One scenario (``seam/scenario``): ``equal``, ``different``, ``only base`` or
    ``only working tree``, with the per-event differences when different."""

    scenario: str
    status: str
    differences: tuple[str, ...] = ()


@dataclass
class VerifyMoveResult:
    """What ``verify-move`` found; :attr:`ok` is the exit verdict."""

    base: str
    commit: str
    comparisons: list[ScenarioComparison]
    sides: list[SideRun]
    seconds: float

    def count(self, status: str) -> int:
        return sum(1 for c in self.comparisons if c.status == status)

    @property
    def ok(self) -> bool:
        """True when at least one scenario ran on both sides, every such scenario is equal, and
        no test failed on either side."""
        both = self.count("equal") + self.count("different")
        return both > 0 and self.count("different") == 0 and not any(s.failed for s in self.sides)


def side_environment(side_root: Path, shim: Path, base_env: dict[str, str]) -> dict[str, str]:
    """The environment of one side's pytest: the harness link, then ``src/`` and the root of
    that side, then whatever ``PYTHONPATH`` held; ``PYTHONSAFEPATH`` is cleared so that
    ``python -m`` keeps the side's folder importable."""
    paths = [str(shim)]
    if (side_root / "src").is_dir():
        paths.append(str(side_root / "src"))
    paths.append(str(side_root))
    if base_env.get("PYTHONPATH"):
        paths.append(base_env["PYTHONPATH"])
    env = dict(base_env)
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("PYTHONSAFEPATH", None)
    return env


def _selection(side_root: Path, args: Sequence[str], tests: str) -> list[str]:
    """The pytest arguments: ``args`` as given, with ``tests`` in front when none of them names
    a path (``-k name`` alone still runs only the characterization suite)."""
    names_path = any(
        not a.startswith("-") and ("::" in a or (side_root / a).exists()) for a in args
    )
    return list(args) if names_path else [tests, *args]


def _shim(folder: Path) -> Path:
    """A folder holding only a link to the running harness package."""
    shim = folder / "harness"
    shim.mkdir()
    (shim / "golden_harness").symlink_to(_PACKAGE_DIR)
    return shim


def _start(side: SideRun, selection: list[str], shim: Path, work: Path) -> subprocess.Popen[bytes]:
    args = [
        *selection,
        f"--golden-trace-dir={side.trace_dir}",
        "-o",
        f"cache_dir={work / ('cache-' + side.trace_dir.name)}",
        f"--junitxml={side.trace_dir}.xml",
        "-q",
    ]
    env = with_fixed_hashing(side_environment(side.root, shim, dict(os.environ)))
    return start_pytest(args, cwd=side.root, env=env, log=side.log)


def _failed_tests(junit: Path) -> list[str]:
    if not junit.is_file():
        return []
    failed = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname', '')}::{case.get('name', '')}")
    return failed


def _check_side(side: SideRun) -> None:
    reason = stop_reason(side.returncode, collecting_nothing_stops=False)
    if reason is not None:
        tail = side.log.read_text(encoding="utf-8", errors="replace").splitlines()[-_LOG_TAIL:]
        raise ReviewError(
            f"pytest on the {side.label} ({side.root}) stopped with exit code {side.returncode} "
            f"({reason}); its output ends with:\n"
            + "\n".join(f"    {line}" for line in tail)
            + "\nFix the selection or the suite so that it runs there."
        )
    side.failed = _failed_tests(Path(f"{side.trace_dir}.xml"))


def _traces(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix().removesuffix(GOLDEN_SUFFIX): p
        for p in folder.rglob(f"*{GOLDEN_SUFFIX}")
    }


def compare_trace_dirs(base: Path, work: Path) -> list[ScenarioComparison]:
    """Compare the traces of two ``--golden-trace-dir`` folders scenario by scenario."""
    old, new = _traces(base), _traces(work)
    found = []
    for scenario in sorted(set(old) | set(new)):
        if scenario not in new:
            found.append(ScenarioComparison(scenario, "only base"))
        elif scenario not in old:
            found.append(ScenarioComparison(scenario, "only working tree"))
        else:
            a = old[scenario].read_text(encoding="utf-8")
            b = new[scenario].read_text(encoding="utf-8")
            if a == b:
                found.append(ScenarioComparison(scenario, "equal"))
                continue
            try:
                lines = diff_events(
                    load_trace(a, "base"), load_trace(b, "working tree"), REVISION_SIDES
                )
            except GoldenFormatError as error:
                lines = [f"unreadable trace: {error}"]
            found.append(
                ScenarioComparison(scenario, "different", tuple(lines) or ("comments differ",))
            )
    return found


def verify_move(
    root: Path, base: str, pytest_args: Sequence[str] = (), *, tests: str = DEFAULT_TESTS
) -> VerifyMoveResult:
    """Run the suite on ``base`` (in a temporary worktree) and on the working tree at ``root``
    at the same time, and compare the traces each produced."""
    commit = resolve_revision(root, base)
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="golden-verify-move-") as tmp,
        temporary_worktree(root, commit) as worktree,
    ):
        work = Path(tmp)
        shim = _shim(work)
        sides = [
            SideRun(f"base {base}", worktree, work / "base", work / "base.log"),
            SideRun("working tree", root, work / "working", work / "working.log"),
        ]
        processes = [
            _start(side, _selection(side.root, pytest_args, tests), shim, work) for side in sides
        ]
        try:
            for side, process in zip(sides, processes, strict=True):
                side.returncode = process.wait()
        finally:
            for process in processes:
                stop_process(process)
        for side in sides:
            _check_side(side)
        comparisons = compare_trace_dirs(sides[0].trace_dir, sides[1].trace_dir)
    if not comparisons:
        outcomes = "; ".join(
            f"{side.label}: pytest exit code {side.returncode}"
            + (f" ({reason})" if (reason := stop_reason(side.returncode)) else "")
            for side in sides
        )
        raise ReviewError(
            f"No scenario produced a trace on either side (pytest "
            f"{' '.join(pytest_args) or tests}; {outcomes}): are there characterization "
            f"modules there yet, is the selection right, and do their tests use `golden`?"
        )
    return VerifyMoveResult(base, commit, comparisons, sides, time.monotonic() - started)


def render_verify_move(result: VerifyMoveResult, *, verbose: bool = False) -> list[str]:
    """The lines ``golden verify-move`` prints: a header, the scenarios that are not equal
    (different, with their per-event differences, or run on one side only), the tests that
    failed, the counts and the verdict. ``verbose`` lists the equal scenarios too."""
    lines = [
        f"verify-move: base {result.base} ({result.commit[:12]}) against the working tree, "
        f"{len(result.comparisons)} scenario(s)"
    ]
    listed = [c for c in result.comparisons if verbose or c.status != "equal"]
    width = max((len(c.status) for c in listed), default=0)
    for comparison in listed:
        label = comparison.status.upper() if comparison.status == "different" else comparison.status
        lines.append(f"  {label:<{width}}  {comparison.scenario}")
        lines += [f"      {line}" for line in comparison.differences]
    for side in result.sides:
        lines += [f"  test failed on the {side.label}: {test}" for test in side.failed]
    lines.append(
        f"{result.count('equal')} equal, {result.count('different')} different, "
        f"{result.count('only base')} only on the base, {result.count('only working tree')} "
        f"only in the working tree; "
        f"{sum(len(s.failed) for s in result.sides)} failed test(s); {result.seconds:.1f} s."
    )
    if result.ok:
        lines.append("Same behaviour: every scenario run on both sides produced the same trace.")
    elif result.count("equal") + result.count("different") == 0:
        lines.append("Nothing to compare: no scenario ran on both sides.")
    else:
        lines.append("Not the same behaviour (see above).")
    return lines
