"""``golden strength [--seam NAME]``: the mutation score of each seam's goldens.

For every mutant of a seam's code (see the ``_mutants`` module; only the seam's lines, so a
``#region`` seam gets only its block's mutants) the seam's characterization modules, and every
other characterization module whose scenarios execute a mutated line (coverage contexts of one
run of the suite), run against their committed goldens; the mutant is killed when a scenario fails (its trace changed, or the
seam broke), survives when all pass. A mutant that uses five times the processor time of the
unmutated run (at least 10 s) is stopped and reported as a timeout, apart from the kills (the
score counts it as caught). Processor time, not wall-clock time: a busy machine slows a run down
without making it use more processor time, so the outcome does not depend on the load. A child
that waits without computing is stopped after ten times that limit (at least 60 s).

Speed: this process imports the seams' modules and pytest's plugins once, then forks one child
per mutant (``--jobs`` at a time); the child gives the live function the mutated code and runs
``pytest.main`` on the seam's modules. POSIX only (``os.fork``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import math
import os
import resource
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from coverage import Coverage

from golden_harness.exceptions import ReviewError
from golden_harness.format import relative_path
from golden_harness.measure._apply import MutantBreaksImport, apply_mutant
from golden_harness.measure._mutants import Mutant, mutants_in
from golden_harness.measure._seam_coverage import find_seams, run_suite_with_contexts
from golden_harness.seams import ResolvedSeam, followed_note

__all__ = ["MutantResult", "SeamStrength", "measure_strength", "render_strength"]

_NOT_APPLICABLE = 97
_POLL = 0.01
_OUT_OF_TIME = {-signal.SIGXCPU, -signal.SIGKILL}
"""Exit codes of a child stopped by its processor-time limit (soft limit, then hard limit)."""


@dataclass(frozen=True)
class MutantResult:
    """A mutant and its outcome: ``killed``, ``timeout`` (reported apart, counted as caught by
    the score), ``survived`` or ``not applicable`` (the mutated code could not replace the
    function; not counted)."""

    mutant: Mutant
    outcome: str


@dataclass
class SeamStrength:
    """The mutation results of one seam."""

    seam: str
    results: list[MutantResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    followed: list[str] = field(default_factory=list)
    others: dict[str, int] = field(default_factory=dict)
    """Other seams' modules run too (they execute its lines): module -> mutants it ran for."""
    value_readers: dict[str, int] = field(default_factory=dict)
    """Other seams' modules run for its module-level value mutants (they cover code of the
    value's file): module -> mutants it ran for."""

    def count(self, *outcomes: str) -> int:
        return sum(1 for r in self.results if r.outcome in outcomes)

    @property
    def killed(self) -> int:
        """Mutants a scenario failed on (timeouts not included)."""
        return self.count("killed")

    @property
    def timeouts(self) -> int:
        """Mutants stopped for using five times the unmutated run's processor time."""
        return self.count("timeout")

    @property
    def detected(self) -> int:
        """Killed or timed out: the mutants the score counts as caught."""
        return self.count("killed", "timeout")

    @property
    def total(self) -> int:
        return self.count("killed", "timeout", "survived")


def _preload(modules: set[str]) -> None:
    for point in importlib.metadata.entry_points(group="pytest11"):
        try:
            point.load()
        except Exception:  # a broken plugin is reported by the child that loads it again
            continue
    for module in sorted(modules):
        try:
            importlib.import_module(module)
        except Exception as error:
            raise ReviewError(
                f"Cannot import seam module {module!r} ({type(error).__name__}: {error}); "
                f"make it importable from the repository (src/ or the root) first."
            ) from None


def _fork(root: Path, args: list[str], mutant: Mutant | None, log: Path, cpu_limit: float) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 3
    try:
        os.chdir(root)
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        # The processor time this child may use (SIGXCPU past it): unlike wall-clock time, it
        # does not grow when other work slows the machine down.
        seconds = max(1, math.ceil(cpu_limit))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        try:
            if mutant is not None:
                apply_mutant(mutant)
        except MutantBreaksImport:
            code = pytest.ExitCode.TESTS_FAILED  # the module would not import: killed
        except ValueError:
            code = _NOT_APPLICABLE
        else:
            code = int(pytest.main(args))
    finally:
        os._exit(code)


def _run_all(
    root: Path,
    args: list[str],
    mutants: list[Mutant | None],
    jobs: int,
    timeout: float,
    work: Path,
    wall_timeout: float | None = None,
    each_args: list[list[str]] | None = None,
) -> list[tuple[int | None, float, float]]:
    """Run one child per entry (None: unmutated); (exit code, or None when it ran out of time;
    wall-clock seconds; processor seconds) each.

    ``timeout`` is the processor time each child may use; ``wall_timeout`` (default: ten
    times ``timeout``, at least 60 s) stops a child that waits without computing.
    ``each_args``: the pytest arguments of each entry, in place of ``args``.
    """
    wall = wall_timeout if wall_timeout is not None else max(60.0, 10 * timeout)
    outcomes: list[tuple[int | None, float, float]] = [(None, 0.0, 0.0)] * len(mutants)
    pending = list(range(len(mutants)))
    running: dict[int, tuple[int, float]] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index = pending.pop(0)
                chosen = args if each_args is None else each_args[index]
                pid = _fork(root, chosen, mutants[index], work / f"mutant-{index}.log", timeout)
                running[pid] = (index, time.monotonic())
            for pid, (index, started) in list(running.items()):
                done, status, usage = os.wait4(pid, os.WNOHANG)
                elapsed = time.monotonic() - started
                if done:
                    code: int | None = os.waitstatus_to_exitcode(status)
                    if code in _OUT_OF_TIME:
                        code = None
                    outcomes[index] = (code, elapsed, usage.ru_utime + usage.ru_stime)
                    del running[pid]
                elif elapsed > wall:
                    os.kill(pid, signal.SIGKILL)
                    _, _, usage = os.wait4(pid, 0)
                    outcomes[index] = (None, elapsed, usage.ru_utime + usage.ru_stime)
                    del running[pid]
            time.sleep(_POLL)
    finally:
        for pid in running:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return outcomes


def _sample(mutants: list[Mutant], limit: int | None) -> list[Mutant]:
    if limit is None or len(mutants) <= limit:
        return mutants
    step = len(mutants) / limit
    return [mutants[int(i * step)] for i in range(limit)]


def _executing_modules(
    root: Path, tests: Path, seams: list[ResolvedSeam], work: Path
) -> dict[Path, dict[int, set[str]]]:
    """Per seam file, per line: the characterization modules whose scenarios execute it (one
    run of the suite under coverage, each test in its own context)."""
    items = run_suite_with_contexts(root, tests, seams, work)
    cov = Coverage(data_file=str(work / "coverage.db"), config_file=str(work / "coveragerc"))
    cov.load()
    data = cov.get_data()
    found: dict[Path, dict[int, set[str]]] = {}
    for file in sorted({loc.file for s in seams for loc in s.locations}):
        by_line = data.contexts_by_lineno(str(file))
        found[file] = {
            line: {items[c] for c in contexts if c in items} for line, contexts in by_line.items()
        }
    return found


def _value_readers(seams: list[ResolvedSeam]) -> dict[Path, set[str]]:
    """Per file of the seams' code: the characterization modules of every seam that covers
    code in it. A module-level value runs at import time, in no scenario; the code of its
    module reads it, so the seams covering any of that code are the ones whose scenarios can
    notice a change of it."""
    readers: dict[Path, set[str]] = {}
    for seam in seams:
        module = str(seam.declaration.module_path.resolve())
        for location in seam.locations:
            readers.setdefault(location.file.resolve(), set()).add(module)
    return readers


def _modules_for(
    mutant: Mutant,
    own: set[str],
    executing: dict[Path, dict[int, set[str]]],
    readers: dict[Path, set[str]],
) -> list[str]:
    """The seam's own modules and every module whose scenarios execute a line of the mutant;
    for a module-level value, the modules of every seam that covers code of its file."""
    span = range(mutant.start[0], mutant.end[0] + 1)
    if mutant.kind == "value":
        return sorted(own | readers.get(mutant.file.resolve(), set()))
    lines = executing.get(mutant.file.resolve(), executing.get(mutant.file, {}))
    others = {m for n in span for m in lines.get(n, ())}
    return sorted(own | others)


def _pytest_args(modules: list[str]) -> list[str]:
    return [
        *modules, "-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly",
        "--golden-orphans=ignore",
    ]  # fmt: skip


def measure_strength(
    root: Path,
    tests: str,
    seam: str | None = None,
    *,
    jobs: int = 2,
    max_mutants: int | None = None,
) -> tuple[list[SeamStrength], float]:
    """Mutation results per seam (all seams, or the one named ``seam``) and the run time.

    Each mutant runs the seam's own characterization modules and every other module whose
    scenarios execute one of the mutated lines (coverage contexts of one run of the suite)."""
    started = time.monotonic()
    folder = (root / tests).resolve()
    resolved = find_seams(root, folder)
    names = sorted({r.declaration.seam.name for r in resolved})
    if seam is not None and seam not in names:
        raise ReviewError(f"No seam named {seam!r}; the declared seams are {names}.")
    for path in (root, root / "src"):
        if path.is_dir() and str(path) not in sys.path:
            sys.path.insert(0, str(path))
    _preload({loc.ref.split(":")[0] for r in resolved for loc in r.locations})
    selected = [seam] if seam else names
    results = []
    with tempfile.TemporaryDirectory(prefix="golden-strength-") as tmp:
        work = Path(tmp)
        measured = [r for r in resolved if r.declaration.seam.name in selected]
        executing = _executing_modules(root, folder, measured, work)
        readers = _value_readers(resolved)
        for name in selected:
            parts = [r for r in resolved if r.declaration.seam.name == name]
            result = SeamStrength(
                name,
                errors=[e for r in parts for e in r.errors],
                followed=[followed_note(a, b) for r in parts for a, b in r.followed],
            )
            seam_started = time.monotonic()
            own = {str(r.declaration.module_path.resolve()) for r in parts}
            mutants = _sample(
                [m for r in parts for loc in r.locations
                 for m in mutants_in(loc.file, loc.ref.split(":")[0], loc.lines)],
                max_mutants,
            )  # fmt: skip
            each = [_modules_for(m, own, executing, readers) for m in mutants]
            everything = sorted(own.union(*each))
            for module in everything:
                if module in own:
                    continue
                name = relative_path(Path(module), root.resolve())
                for kind, counts in (("function", result.others), ("value", result.value_readers)):
                    ran = sum(
                        module in e for m, e in zip(mutants, each, strict=True) if m.kind == kind
                    )
                    if ran:
                        counts[name] = ran
            ((code, _, base_cpu),) = _run_all(
                root, _pytest_args(everything), [None], 1, 600.0, work, 600.0
            )
            if code != pytest.ExitCode.OK:
                shown = " ".join(relative_path(Path(m), root.resolve()) for m in everything)
                result.errors.append(
                    f"its scenarios do not pass unmutated (pytest exit code {code}): run "
                    f"`pytest {shown}` and fix them first."
                )
                results.append(result)
                continue
            timeout = max(10.0, base_cpu * 5 + 5)
            outcomes = _run_all(
                root,
                [],
                list(mutants),
                jobs,
                timeout,
                work,
                each_args=[_pytest_args(e) for e in each],
            )
            for mutant, (code, _, _) in zip(mutants, outcomes, strict=True):
                outcome = (
                    "timeout" if code is None
                    else "survived" if code == pytest.ExitCode.OK
                    else "not applicable" if code == _NOT_APPLICABLE
                    else "killed"
                )  # fmt: skip
                result.results.append(MutantResult(mutant, outcome))
            result.seconds = time.monotonic() - seam_started
            results.append(result)
    return results, time.monotonic() - started


def _percent(killed: int, total: int) -> str:
    return f"{100.0 * killed / total:5.1f}%" if total else "    -"


def render_strength(results: list[SeamStrength], seconds: float, root: Path) -> list[str]:
    """The per-seam table, the overall score, and every survivor."""
    width = max([len("overall"), *(len(r.seam) for r in results)])
    lines = [f"{'seam':<{width}}  killed  timeout  survived  total   score    time"]

    def row(name: str, killed: int, timeouts: int, total: int, detected: int, t: float) -> str:
        return (
            f"{name:<{width}}  {killed:>6}  {timeouts:>7}  {total - detected:>8}  {total:>5}  "
            f"{_percent(detected, total)}  {t:5.1f} s"
        )

    for r in results:
        lines.append(row(r.seam, r.killed, r.timeouts, r.total, r.detected, r.seconds))
    lines.append(
        row(
            "overall",
            sum(r.killed for r in results),
            sum(r.timeouts for r in results),
            sum(r.total for r in results),
            sum(r.detected for r in results),
            seconds,
        )
    )
    for r in results:
        extra = []
        if r.count("not applicable"):
            extra.append(f"{r.count('not applicable')} not applicable (not counted)")
        survivors = [x.mutant for x in r.results if x.outcome == "survived"]
        timed_out = [x.mutant for x in r.results if x.outcome == "timeout"]
        if extra or survivors or timed_out or r.errors or r.followed or r.others or r.value_readers:
            lines.append(f"seam {r.seam}:" + (f" {', '.join(extra)}" if extra else ""))
        lines += [f"  {note}" for note in r.followed]
        lines += [
            f"  also run, as its scenarios execute the mutated lines: {module} ({count} mutant(s))"
            for module, count in r.others.items()
        ]
        lines += [
            f"  also run, as its seam covers code of a mutated value's file: {module} "
            f"({count} mutant(s))"
            for module, count in r.value_readers.items()
        ]
        lines += [f"  error: {error}" for error in r.errors]
        for outcome, mutants in (("timeout", timed_out), ("survived", survivors)):
            for mutant in mutants:
                before, after = mutant.describe()
                file = (
                    mutant.file.relative_to(root)
                    if mutant.file.is_relative_to(root)
                    else mutant.file
                )
                lines.append(f"  {outcome} {file.as_posix()}:{mutant.line} ({mutant.operator})")
                lines.append(f"      - {before}")
                lines.append(f"      + {after}")
    return lines
