"""Capture-time check that every golden written is stable, and the diagnosis when it is not.

A running interpreter cannot change its own ``hash(str)`` seed, so after a capture
(``--snapshot-update``) that wrote goldens, the scenarios that wrote them run again in
subprocesses, each with another ``PYTHONHASHSEED`` and ``--golden-trace-dir``, and their traces
are compared with the goldens just written. A golden whose trace changes fails the capture,
with the events that differ.

Before blaming string hashing, the scenarios that changed run once more with the same seed as
the run to compare with: the capture's own seed when it had one (the trace must then be the
golden again), else the seed of the run that differed (the trace must then be that run's
again). Only when the difference follows the seed is the golden reported as depending on string
hashing; otherwise it is reported as unstable, with the differing events and the likely sources
of the difference (the clock, process ids, randomness, global state, thread order, an unfaked
collaborator), read from what differs.

The number of other seeds tried is the ini key ``golden_hash_check`` (default 2; 0 turns the
check off). Goldens the capture only matched are not run again.
"""

from __future__ import annotations

import os
import re
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
    """A golden whose scenario records something else under ``PYTHONHASHSEED=seed``.

    ``hashing`` is True when the difference follows the seed (a run with the same seed as the
    golden's, or as the differing run's, reproduced it); False when the same seed does not
    give the same trace, and ``sources`` names what probably differs.
    """

    golden: str
    nodeid: str
    seed: int
    differences: tuple[str, ...]
    hashing: bool = True
    control_seed: int | None = None
    sources: tuple[str, ...] = ()


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


def _run_all(
    root: Path, nodeids: list[str], runs: list[tuple[int, Path]], problems: list[str]
) -> list[tuple[int, Path]]:
    """Run ``nodeids`` once per ``(seed, out)`` at the same time; the runs that ran the tests."""
    processes = [_run(root, nodeids, seed, out) for seed, out in runs]
    codes = [process.wait() for process in processes]
    ran = []
    for (seed, out), code in zip(runs, codes, strict=True):
        if ran_the_tests(code):
            ran.append((seed, out))
            continue
        tail = (out.parent / f"{out.name}.log").read_text(errors="replace").splitlines()
        problems.append(
            f"the check run with PYTHONHASHSEED={seed} stopped with exit code {code}; "
            f"its output ends with:\n" + "\n".join(f"    {line}" for line in tail[-_TAIL:])
        )
    return ran


def compare_with_seeds(
    root: Path, written: dict[str, str], seeds: list[int], current: int | None = None
) -> tuple[list[HashDependence], list[str]]:
    """Run the scenarios ``written`` (node id -> golden path relative to ``root``) once per
    seed, all seeds at once; then run the scenarios that differ again with the same seed as the
    trace they are compared with (``current``, the capture's seed, when known). Return the goldens
    that differ (each said to depend on string hashing or not) and problems running them."""
    found: list[HashDependence] = []
    problems: list[str] = []
    nodeids = sorted(written)
    with tempfile.TemporaryDirectory(prefix="golden-hash-check-") as tmp:
        runs = _run_all(root, nodeids, [(s, Path(tmp) / f"seed-{s}") for s in seeds], problems)
        outputs = dict(runs)
        for seed, out in runs:
            for nodeid in nodeids:
                golden = written[nodeid]
                if any(f.nodeid == nodeid for f in found):
                    continue  # one seed that shows the difference is enough
                found += _compare(root / golden, _trace_of(golden, out), golden, nodeid, seed)
        if not found:
            return found, problems
        control = current if current is not None else found[0].seed
        differing = sorted({f.nodeid for f in found})
        checked = _run_all(root, differing, [(control, Path(tmp) / "same-seed")], problems)
        if checked:
            found = [_diagnose(root, f, checked[0][1], control, current, outputs) for f in found]
    return found, problems


def _diagnose(
    root: Path,
    found: HashDependence,
    control_out: Path,
    control: int,
    current: int | None,
    outputs: dict[int, Path],
) -> HashDependence:
    """Whether ``found``'s difference follows the seed: the run with seed ``control`` must give
    the golden again (``current`` known) or the differing run's trace again."""
    again = _trace_of(found.golden, control_out)
    reference = (
        root / found.golden if current is not None else _trace_of(found.golden, outputs[found.seed])
    )
    if (
        again.is_file()
        and reference.is_file()
        and again.read_text(encoding="utf-8") == reference.read_text(encoding="utf-8")
    ):
        return found
    return HashDependence(
        found.golden,
        found.nodeid,
        found.seed,
        found.differences,
        hashing=False,
        control_seed=control,
        sources=likely_sources(found.differences),
    )


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


_SOURCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "the clock (a time the harness does not freeze: read through a C library, a file's "
        "modification time, a thread that measures real time)",
        re.compile(
            r"\d{1,2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}|\b1[5-9]\d{8}(\.\d+)?\b|\btook\b|seconds?\b|\bms\b"
        ),
    ),
    (
        "randomness or ids the harness does not seed (a random.Random of the seam's own, "
        "numpy, an id made from the time)",
        re.compile(r"\b[0-9a-f]{8,}\b|<uuid-\d+>"),
    ),
    (
        "thread order (work finishing in another order: see 'Threads' in docs/harness.md)",
        re.compile(r" moved: "),
    ),
    (
        "global state another scenario or an earlier run left (a module global, a cache, a "
        "file outside the workspace)",
        re.compile(r"^global |missing in|new, not in|\bcount|\d+ -> \d+"),
    ),
    (
        "an unfaked collaborator (the seam reached something real: a service, a database, a "
        "file outside the workspace)",
        re.compile(r"^(call|subprocess|file|observed) "),
    ),
    (
        "a process id (os.getpid of a library the harness does not reach)",
        re.compile(r"\b\d{3,7}\b"),
    ),
)


def likely_sources(differences: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """What probably makes these differences, most likely first (read from what differs)."""
    sources = [name for name, pattern in _SOURCES if any(pattern.search(d) for d in differences)]
    return tuple(sources or [name for name, _ in _SOURCES])


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
        current = os.environ.get("PYTHONHASHSEED")
        seeds = other_seeds(count, current)
        known = int(current) if current is not None and current.isdigit() else None
        self.found, self.problems = compare_with_seeds(config.rootpath, written, seeds, known)
        if self.found and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not (self.found or self.problems):
            return
        hashing = [item for item in self.found if item.hashing]
        unstable = [item for item in self.found if not item.hashing]
        if unstable:
            self._report_unstable(terminalreporter, unstable)
        if not (hashing or self.problems):
            return
        terminalreporter.write_sep("-", "golden_harness: goldens that depend on string hashing")
        for problem in self.problems:
            terminalreporter.write_line(f"could not check: {problem}")
        for item in hashing:
            terminalreporter.write_line(
                f"{item.golden} ({item.nodeid}) records something else with "
                f"PYTHONHASHSEED={item.seed}:"
            )
            for line in item.differences:
                terminalreporter.write_line(f"  {line}")
        if hashing:
            terminalreporter.write_line(
                "These goldens were written but are not stable: do not commit them. The seam "
                "iterates a set (or a dict built from one) of strings, whose order changes with "
                "string hashing. Make the order deterministic where the seam builds the value "
                "(sorted(names) instead of list(names)) in a fix: commit, then capture again. "
                "See 'Goldens that depend on string hashing' in docs/harness.md."
            )

    @staticmethod
    def _report_unstable(terminalreporter: Any, unstable: list[HashDependence]) -> None:
        terminalreporter.write_sep("-", "golden_harness: goldens that are not stable")
        for item in unstable:
            terminalreporter.write_line(
                f"{item.golden} ({item.nodeid}) records something else when its scenario runs "
                f"again, and a run with the same PYTHONHASHSEED={item.control_seed} does not "
                f"record the same: string hashing is not the cause. What differs (the run with "
                f"PYTHONHASHSEED={item.seed}):"
            )
            for line in item.differences:
                terminalreporter.write_line(f"  {line}")
            terminalreporter.write_line("Likely sources, from what differs:")
            for source in item.sources:
                terminalreporter.write_line(f"  - {source}")
        terminalreporter.write_line(
            "These goldens were written but are not stable: do not commit them. Fake or pin the "
            "source in the scenario (golden.fake, golden.fake_function, a value passed in), then "
            "capture again. See 'What is deterministic' in docs/harness.md."
        )
