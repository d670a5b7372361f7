"""Capture-time check that no golden written depends on string hashing.

A running interpreter cannot change its own ``hash(str)`` seed, so after a capture
(``--snapshot-update``) that wrote goldens, the scenarios that wrote them run again in
subprocesses, each with another ``PYTHONHASHSEED`` and ``--golden-trace-dir``, and their traces
are compared with the goldens just written. A golden whose trace changes with the seed (a seam
that passes ``list(set_of_strings)`` on, or iterates such a set) fails the capture, with the
events that differ; the terminal summary says how to make it stable.

The number of other seeds tried is the ini key ``golden_hash_check`` (default 2; 0 turns the
check off). Goldens the capture only matched are not run again.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from golden_harness.exceptions import GoldenFormatError
from golden_harness.format import Sides, diff_events, load_trace
from golden_harness.moves import ran_the_tests, start_pytest

__all__ = ["HashCheck", "HashDependence", "add_options", "compare_with_seeds", "other_seeds"]

INI_KEY = "golden_hash_check"
_DEFAULT_SEEDS = "2"
_TAIL = 15


def add_options(parser: pytest.Parser) -> None:
    """Declare the ini key of the check."""
    parser.addini(
        INI_KEY,
        "After a capture, how many other PYTHONHASHSEED values the scenarios that wrote goldens "
        "run again with, to catch goldens that depend on string hashing (0: off).",
        default=_DEFAULT_SEEDS,
    )


@dataclass(frozen=True)
class HashDependence:
    """A golden whose scenario records something else under ``PYTHONHASHSEED=seed``."""

    golden: str
    nodeid: str
    seed: int
    differences: tuple[str, ...]


def other_seeds(count: int, current: str | None) -> list[int]:
    """``count`` seeds (1, 2, ...) other than the seed of this process, when it has one."""
    seeds: list[int] = []
    candidate = 1
    while len(seeds) < count:
        if str(candidate) != current:
            seeds.append(candidate)
        candidate += 1
    return seeds


def _run(root: Path, nodeids: list[str], seed: int, out: Path) -> subprocess.Popen[bytes]:
    args = [
        *nodeids, f"--golden-trace-dir={out}",
        "-p", "no:cacheprovider", "-p", "no:randomly", "-q", "--golden-orphans=ignore",
        f"--rootdir={root}", "-o", f"{INI_KEY}=0",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    return start_pytest(args, cwd=root, env=env, log=out.parent / f"{out.name}.log")


def _trace_of(golden: str, trace_dir: Path) -> Path:
    relative = Path(golden)
    return trace_dir / relative.parent.name / relative.name


def compare_with_seeds(
    root: Path, written: dict[str, str], seeds: list[int]
) -> tuple[list[HashDependence], list[str]]:
    """Run the scenarios ``written`` (node id -> golden path relative to ``root``) once per
    seed, all seeds at once; return the goldens that differ and problems running them."""
    found: list[HashDependence] = []
    problems: list[str] = []
    nodeids = sorted(written)
    with tempfile.TemporaryDirectory(prefix="golden-hash-check-") as tmp:
        runs = [(seed, Path(tmp) / f"seed-{seed}") for seed in seeds]
        processes = [_run(root, nodeids, seed, out) for seed, out in runs]
        codes = [process.wait() for process in processes]
        for (seed, out), code in zip(runs, codes, strict=True):
            if not ran_the_tests(code):
                tail = (out.parent / f"{out.name}.log").read_text(errors="replace").splitlines()
                problems.append(
                    f"the check run with PYTHONHASHSEED={seed} stopped with exit code {code}; "
                    f"its output ends with:\n" + "\n".join(f"    {line}" for line in tail[-_TAIL:])
                )
                continue
            for nodeid in nodeids:
                golden = written[nodeid]
                if any(f.nodeid == nodeid for f in found):
                    continue  # one seed that shows the dependence is enough
                found += _compare(root / golden, _trace_of(golden, out), golden, nodeid, seed)
    return found, problems


def _compare(
    golden_file: Path, trace: Path, golden: str, nodeid: str, seed: int
) -> list[HashDependence]:
    if not trace.is_file():
        return [
            HashDependence(
                golden,
                nodeid,
                seed,
                ("the scenario failed and wrote no trace with this seed (run it with "
                 f"PYTHONHASHSEED={seed} to see why)",),
            )
        ]  # fmt: skip
    if not golden_file.is_file():
        return []
    written_text = golden_file.read_text(encoding="utf-8")
    rerun_text = trace.read_text(encoding="utf-8")
    if written_text == rerun_text:
        return []
    try:
        lines = diff_events(
            load_trace(written_text, golden),
            load_trace(rerun_text, f"{golden} (PYTHONHASHSEED={seed})"),
            Sides("in the golden", f"with PYTHONHASHSEED={seed}"),
        )
    except GoldenFormatError as error:
        lines = [str(error)]
    return [HashDependence(golden, nodeid, seed, tuple(lines))] if lines else []


class HashCheck:
    """The pytest plugin object: after a capture, re-runs the scenarios that wrote goldens."""

    def __init__(self, results: dict[str, dict[str, str]]) -> None:
        self.results = results
        self.found: list[HashDependence] = []
        self.problems: list[str] = []

    def _seed_count(self, config: pytest.Config) -> int:
        raw = str(config.getini(INI_KEY)).strip()
        try:
            count = int(raw)
        except ValueError:
            count = -1
        if count < 0:
            raise pytest.UsageError(
                f"{INI_KEY} = {raw!r} is not a number of seeds: use 0 (off), 1, 2 (default)..."
            )
        return count

    def pytest_configure(self, config: pytest.Config) -> None:
        self._seed_count(config)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        config = session.config
        if getattr(config, "workeroutput", None) is not None or config.option.golden_trace_dir:
            return
        count = self._seed_count(config)
        written = {
            nodeid: entry["golden"]
            for nodeid, entry in self.results.items()
            if entry.get("status") == "written"
        }
        if not count or not written:
            return
        seeds = other_seeds(count, os.environ.get("PYTHONHASHSEED"))
        self.found, self.problems = compare_with_seeds(config.rootpath, written, seeds)
        if self.found and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not (self.found or self.problems):
            return
        terminalreporter.write_sep("-", "golden_harness: goldens that depend on string hashing")
        for problem in self.problems:
            terminalreporter.write_line(f"could not check: {problem}")
        for item in self.found:
            terminalreporter.write_line(
                f"{item.golden} ({item.nodeid}) records something else with "
                f"PYTHONHASHSEED={item.seed}:"
            )
            for line in item.differences:
                terminalreporter.write_line(f"  {line}")
        if self.found:
            terminalreporter.write_line(
                "These goldens were written but are not stable: do not commit them. The seam "
                "iterates a set (or a dict built from one) of strings, whose order changes with "
                "string hashing. Make the order deterministic where the seam builds the value "
                "(sorted(names) instead of list(names)) in a fix: commit, then capture again. "
                "See 'Goldens that depend on string hashing' in docs/harness.md."
            )
