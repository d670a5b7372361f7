"""``golden strength``: the mutation score of each seam's goldens.

For every mutant of a seam's code (the ``_mutants`` module; only the seam's lines, so a
``#region`` seam gets only its block's mutants) the scenarios that execute a mutated line run
against their committed goldens; the mutant is killed when one fails (its trace changed, or the
seam broke), survives when all pass. Which scenarios execute a line comes from one run of the
suite under coverage, each test in its own context (the ``_scenario_map`` module, kept until a
source or a scenario changes). A module-level value runs at import, in no scenario: its mutants
run every scenario of every seam that covers code of its file (that code reads it).

Speed: the tests are collected once, in this process; every mutant then runs in a fork of it
(the ``_fork_runner`` module) that gives the live function the mutated code and runs the chosen
scenarios, fastest first, up to the first failure. Outcomes are kept in the pytest cache folder
(the ``_strength_cache`` module); ``--since REV`` keeps the mutants on the lines a change
touched (the ``_since`` module); ``--shard K/N`` runs one of N disjoint slices (the ``_shards``
module, which also merges them).

A mutant that uses five times the processor time of its scenarios' unmutated run (at least
5 s) is stopped and reported as a timeout, apart from the kills (the score counts it as caught).
Processor time, not wall-clock time: a busy machine slows a run down without making it use more
processor time. A child that waits without computing is stopped after ten times that limit
(at least 60 s). POSIX only (``os.fork``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from golden_harness.exceptions import ReviewError
from golden_harness.format import relative_path
from golden_harness.measure._apply import MutantBreaksImport, apply_mutant
from golden_harness.measure._children import Outcome
from golden_harness.measure._fork_runner import FAILED, Forker, SessionRunner
from golden_harness.measure._mutants import Mutant, mutants_in
from golden_harness.measure._scenario_map import (
    ScenarioMap,
    scenario_map,
    sources_digest,
    statement_starts,
)
from golden_harness.measure._seam_coverage import find_seams
from golden_harness.measure._since import Touched, touched_lines
from golden_harness.measure._strength_cache import Inputs, ResultCache, mutant_key
from golden_harness.seams import ResolvedSeam, followed_note

__all__ = [
    "MutantResult",
    "SeamStrength",
    "StrengthRun",
    "measure_strength",
    "mutant_id",
    "result_order",
]

NOT_APPLICABLE = 97
"""Exit code of a child whose mutant could not replace the live code."""
_MIN_CPU = 5.0
_BASELINE_CPU = 3600.0
_OUTCOMES = {0: "survived", FAILED: "killed", NOT_APPLICABLE: "not applicable"}


@dataclass(frozen=True)
class MutantResult:
    """A mutant and its outcome: ``killed``, ``timeout`` (reported apart, counted as caught by
    the score), ``survived`` or ``not applicable`` (the mutated code could not replace the
    function; not counted). ``scenarios``: how many scenarios it ran against (0: no scenario
    executes its lines, so it survives without a run); ``cached``: taken from an earlier run."""

    id: str
    seam: str
    file: str
    line: int
    operator: str
    before: str
    after: str
    outcome: str
    scenarios: int = 0
    cached: bool = False


@dataclass
class SeamStrength:
    """The mutation results of one seam."""

    seam: str
    results: list[MutantResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    followed: list[str] = field(default_factory=list)
    others: dict[str, int] = field(default_factory=dict)
    """Other seams' modules whose scenarios ran (they execute its lines): module -> mutants."""
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
        """Mutants stopped for using five times their scenarios' processor time."""
        return self.count("timeout")

    @property
    def detected(self) -> int:
        """Killed or timed out: the mutants the score counts as caught."""
        return self.count("killed", "timeout")

    @property
    def total(self) -> int:
        return self.count("killed", "timeout", "survived")


@dataclass
class StrengthRun:
    """One run of ``golden strength`` (or the merge of its shards).

    ``plan``: a digest of the ids of every mutant planned before sharding, ``planned`` their
    number; ``shard``: (K, N) when this run is one slice; ``since``: the revision whose changes
    were measured; ``cached``: outcomes taken from earlier runs."""

    seams: list[SeamStrength]
    seconds: float
    plan: str
    planned: int
    shard: tuple[int, int] | None = None
    since: str | None = None
    cached: int = 0
    notes: list[str] = field(default_factory=list)


def mutant_id(seam: str, mutant: Mutant, root: Path) -> str:
    """A mutant's id, the same on every machine for the same code: seam, file, span, operator
    and a digest of the replacement."""
    digest = hashlib.sha256(mutant.replacement.encode("utf-8")).hexdigest()[:10]
    (a, b), (c, d) = mutant.start, mutant.end
    return f"{seam}:{relative_path(mutant.file, root)}:{a}.{b}-{c}.{d}:{mutant.operator}:{digest}"


def result_order(result: MutantResult) -> tuple[str, int, int, int, int, str]:
    """Results in source order (file, start, end), then by id: the same in one run and in the
    merge of its shards."""
    head, _, _ = result.id.rsplit(":", 2)
    _, _, span = head.rpartition(":")
    start, _, end = span.partition("-")
    a, _, b = start.partition(".")
    c, _, d = end.partition(".")
    return (result.file, int(a), int(b), int(c), int(d.split("#")[0]), result.id)


@dataclass
class _Planned:
    seam: str
    mutant: Mutant
    id: str
    scenarios: list[str] = field(default_factory=list)
    key: str = ""


def _sample(mutants: list[Mutant], limit: int | None) -> list[Mutant]:
    if limit is None or len(mutants) <= limit:
        return mutants
    step = len(mutants) / limit
    return [mutants[int(i * step)] for i in range(limit)]


def _plan(
    root: Path,
    resolved: list[ResolvedSeam],
    selected: list[str],
    max_mutants: int | None,
    touched: Touched | None,
) -> list[_Planned]:
    planned: list[_Planned] = []
    for name in selected:
        parts = [r for r in resolved if r.declaration.seam.name == name]
        locations = [loc for r in parts for loc in r.locations]
        if touched is not None:  # files the change does not touch have no mutant to keep
            locations = [
                loc for loc in locations if touched.lines.get(relative_path(loc.file, root))
            ]
        found = [
            m for loc in locations for m in mutants_in(loc.file, loc.ref.split(":")[0], loc.lines)
        ]
        if touched is not None:
            found = [
                m
                for m in found
                if touched.touches(relative_path(m.file, root), m.start[0], m.end[0])
            ]
        seen: dict[str, int] = {}
        for mutant in _sample(found, max_mutants):
            base = mutant_id(name, mutant, root)
            seen[base] = seen.get(base, 0) + 1
            ident = base if seen[base] == 1 else f"{base}#{seen[base]}"
            planned.append(_Planned(name, mutant, ident))
    return planned


def plan_digest(ids: list[str]) -> str:
    """A digest of the planned mutants' ids (every shard of one plan has the same)."""
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()[:16]


def deal(ids: list[str], shard: tuple[int, int]) -> set[str]:
    """Shard K of N (zero-based): every N-th id of the sorted ids, from the K-th on."""
    k, n = shard
    return set(sorted(ids)[k::n])


def _preload(modules: set[str]) -> None:
    for module in sorted(modules):
        try:
            importlib.import_module(module)
        except Exception as error:
            raise ReviewError(
                f"Cannot import seam module {module!r} ({type(error).__name__}: {error}); "
                f"make it importable from the repository (src/ or the root) first."
            ) from None


@contextlib.contextmanager
def _session_output(log: Path, root: Path) -> Iterator[None]:
    """pytest's own output into ``log``, the current folder ``root``, for the in-process run."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = (os.dup(1), os.dup(2))
    cwd = os.getcwd()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(cwd)
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


class _Run:
    """The work of one ``measure_strength`` call inside the in-process pytest session."""

    def __init__(
        self,
        root: Path,
        tests: Path,
        resolved: list[ResolvedSeam],
        planned: list[_Planned],
        work: Path,
        *,
        jobs: int,
        read_cache: bool,
        every_scenario: bool = False,
    ) -> None:
        self.root, self.tests, self.resolved, self.planned = root, tests, resolved, planned
        self.work, self.jobs, self.read_cache = work, jobs, read_cache
        self.every_scenario = every_scenario
        self.outcomes: dict[str, tuple[str, bool]] = {}
        self.errors: dict[str, list[str]] = {}
        self.spans: dict[str, tuple[float, float]] = {}
        self.broken: set[str] = set()
        """Seams whose scenarios fail unmutated: their mutants are not reported."""
        self.cache = ResultCache(None)
        self.map = ScenarioMap()
        self.notes: list[str] = []

    def _map(self, folder: Path | None) -> ScenarioMap:
        digest = sources_digest(self.root, self.tests, self.resolved)
        stored = folder / f"map-{digest[:20]}.json" if folder is not None else None
        if stored is not None and stored.is_file():
            found = ScenarioMap.from_json(stored.read_text(encoding="utf-8"))
            if found is not None:
                return found
        (self.work / "map").mkdir()
        built = scenario_map(self.root, self.tests, self.resolved, self.work / "map")
        if stored is not None and folder is not None:
            for old in folder.glob("map-*.json"):
                old.unlink(missing_ok=True)
            partial = stored.with_suffix(".tmp")
            partial.write_text(built.to_json(), encoding="utf-8")
            os.replace(partial, stored)
        return built

    def _select(self, item: _Planned, starts: dict[Path, dict[int, int]]) -> list[str]:
        mutant = item.mutant
        file = relative_path(mutant.file, self.root)
        own = {
            relative_path(r.declaration.module_path.resolve(), self.root)
            for r in self.resolved
            if r.declaration.seam.name == item.seam
        }
        if mutant.kind == "value":
            readers = {
                relative_path(r.declaration.module_path.resolve(), self.root)
                for r in self.resolved
                if any(loc.file.resolve() == mutant.file.resolve() for loc in r.locations)
            }
            return sorted(self.map.of_modules(own | readers))
        if mutant.file not in starts:
            starts[mutant.file] = statement_starts(mutant.source)
        first = starts[mutant.file].get(mutant.start[0], mutant.start[0])
        lines = {first, *range(mutant.start[0], mutant.end[0] + 1)}
        executing = self.map.executing(file, lines)
        if self.every_scenario:  # whole modules: the seam's own and those executing a line
            return sorted(self.map.of_modules(own | {self.map.scenarios[k][0] for k in executing}))
        return sorted(executing)

    def plan(self, config: pytest.Config) -> tuple[list[Path], list[Path]]:
        """Before collection: the map, each mutant's scenarios, the cached outcomes; the test
        modules the other mutants need, and every test module the map knows."""
        folder = config.cache.mkdir("golden-strength") if config.cache is not None else None
        if folder is None:
            self.notes.append("no pytest cache folder (-p no:cacheprovider): nothing is kept")
        self.map = self._map(folder)
        self.cache = ResultCache(folder, read=self.read_cache)
        golden_dir = Path(config.getoption("golden_dir", None) or config.getini("golden_dir"))
        seams_of = {
            relative_path(r.declaration.module_path.resolve(), self.root): r.declaration.seam.name
            for r in self.resolved
        }
        inputs = Inputs(self.root, config.rootpath / golden_dir, seams_of)
        starts: dict[Path, dict[int, int]] = {}
        needed: set[str] = set()
        for item in self.planned:
            item.scenarios = self._select(item, starts)
            item.key = mutant_key(
                item.mutant, self.root, [self.map.scenarios[k] for k in item.scenarios], inputs
            )
            kept = self.cache.get(item.key)
            if not item.scenarios:
                self.outcomes[item.id] = ("survived", False)
            elif kept is not None:
                self.outcomes[item.id] = (kept, True)
            else:
                needed.update(self.map.scenarios[k][0] for k in item.scenarios)
        known = {module for module, _ in self.map.scenarios.values()}
        return [self.root / m for m in sorted(needed)], [self.root / m for m in sorted(known)]

    def _record(self, item: _Planned, outcome: str, seconds: float) -> None:
        self.outcomes[item.id] = (outcome, False)
        self.cache.put(item.key, outcome)
        now = time.monotonic()
        first, _ = self.spans.get(item.seam, (now - seconds, now))
        self.spans[item.seam] = (min(first, now - seconds), now)

    def run(self, forker: Forker) -> None:
        """After collection: the unmutated run, then one child per mutant left to run."""
        todo = [p for p in self.planned if p.id not in self.outcomes]
        _preload({p.mutant.module for p in todo})
        missing: dict[str, set[str]] = {}
        for item in todo:
            lost = {k for k in item.scenarios if k not in forker.items}
            if lost:
                missing.setdefault(item.seam, set()).update(lost)
        for seam, lost in sorted(missing.items()):
            self.errors.setdefault(seam, []).append(
                f"{len(lost)} scenario(s) of the coverage run were not collected now, such as "
                f"{min(lost)}: the mutants they execute were not run"
            )
        todo = [p for p in todo if all(k in forker.items for k in p.scenarios)]
        wanted = {k for p in todo for k in p.scenarios}
        order = [k for k in forker.items if k in wanted]
        baseline = forker.baseline(order, _BASELINE_CPU) if order else None
        failing = set() if baseline is None else {k for k in order if not baseline.passed.get(k)}
        for item in todo:
            broken = sorted(k for k in item.scenarios if k in failing)
            if broken and item.seam not in self.broken:
                self.broken.add(item.seam)
                shown = " ".join(self.map.scenarios[k][1] for k in broken[:3])
                self.errors.setdefault(item.seam, []).append(
                    f"its scenarios do not pass unmutated ({len(broken)} failing, such as "
                    f"{broken[0]}): run `pytest {shown}` and fix them first."
                )
        runnable = [p for p in todo if p.seam not in self.broken]
        cpu = {} if baseline is None else baseline.cpu
        extra = max(cpu.values(), default=0.0)
        bodies, limits = [], []
        for item in runnable:
            item.scenarios.sort(key=lambda k: (cpu.get(k, 0.0), k))
            bodies.append(forker.mutant_body(item.scenarios, _applier(item.mutant)))
            spent = sum(cpu.get(k, 0.0) for k in item.scenarios) + extra
            limits.append(max(_MIN_CPU, 5 * spent + 1))

        def done(index: int, outcome: Outcome) -> None:
            code = outcome.code
            verdict = "timeout" if code is None else _OUTCOMES.get(code, "killed")
            self._record(runnable[index], verdict, outcome.wall)

        try:
            forker.run(bodies, limits, parallel=self.jobs, done=done)
        finally:
            self.cache.save()


def _applier(mutant: Mutant) -> Callable[[], int | None]:
    def apply() -> int | None:
        try:
            apply_mutant(mutant)
        except MutantBreaksImport:
            return FAILED  # the module would not import: every scenario fails
        except ValueError:
            return NOT_APPLICABLE
        return None

    return apply


def measure_strength(
    root: Path,
    tests: str,
    seam: str | None = None,
    *,
    jobs: int = 2,
    max_mutants: int | None = None,
    since: str | None = None,
    shard: tuple[int, int] | None = None,
    use_cache: bool = True,
    every_scenario: bool = False,
) -> StrengthRun:
    """Mutation results per seam (all seams, or the one named ``seam``).

    ``since``: only mutants on lines touched since that revision; ``shard`` (K, N): only slice
    K of N; ``use_cache=False``: run every mutant (outcomes are still kept for later runs);
    ``every_scenario``: a mutant runs every scenario of its seam's modules and of the modules
    executing its lines, not only the scenarios executing them (slower; checks the selection)."""
    started = time.monotonic()
    folder = (root / tests).resolve()
    resolved = find_seams(root, folder)
    names = sorted({r.declaration.seam.name for r in resolved})
    if seam is not None and seam not in names:
        raise ReviewError(f"No seam named {seam!r}; the declared seams are {names}.")
    for path in (root, root / "src"):
        if path.is_dir() and str(path) not in sys.path:
            sys.path.insert(0, str(path))
    selected = [seam] if seam else names
    touched = touched_lines(root, since) if since is not None else None
    planned = _plan(root, resolved, selected, max_mutants, touched)
    digest = plan_digest([p.id for p in planned])
    total = len(planned)
    if touched is not None:
        selected = [n for n in selected if any(p.seam == n for p in planned)]
    if shard is not None:
        mine = deal([p.id for p in planned], shard)
        planned = [p for p in planned if p.id in mine]
    with tempfile.TemporaryDirectory(prefix="golden-strength-") as tmp:
        work = Path(tmp)
        run = _Run(
            root,
            folder,
            resolved,
            planned,
            work,
            jobs=jobs,
            read_cache=use_cache,
            every_scenario=every_scenario,
        )
        if planned:
            _in_process_session(root, folder, work, run)
    results = []
    for name in selected:
        parts = [r for r in resolved if r.declaration.seam.name == name]
        result = SeamStrength(
            name,
            errors=[e for r in parts for e in r.errors] + run.errors.get(name, []),
            followed=[followed_note(a, b) for r in parts for a, b in r.followed],
        )
        own = {relative_path(r.declaration.module_path.resolve(), root) for r in parts}
        for item in (p for p in planned if p.seam == name):
            if item.id not in run.outcomes or name in run.broken:
                continue
            outcome, cached = run.outcomes[item.id]
            before, after = item.mutant.describe()
            result.results.append(
                MutantResult(
                    item.id, name, relative_path(item.mutant.file, root), item.mutant.line,
                    item.mutant.operator, before, after, outcome, len(item.scenarios), cached,
                )
            )  # fmt: skip
            counts = result.value_readers if item.mutant.kind == "value" else result.others
            for module in sorted({run.map.scenarios[k][0] for k in item.scenarios} - own):
                counts[module] = counts.get(module, 0) + 1
        result.results.sort(key=result_order)
        first, last = run.spans.get(name, (0.0, 0.0))
        result.seconds = last - first
        results.append(result)
    return StrengthRun(
        results,
        time.monotonic() - started,
        digest,
        total,
        shard,
        since,
        cached=sum(1 for outcome, cached in run.outcomes.values() if cached),
        notes=run.notes + (_touched_notes(touched) if touched is not None else []),
    )


def _touched_notes(touched: Touched) -> list[str]:
    moved = (
        [f"counted whole as pure moves (check-move): {', '.join(sorted(touched.moved))}"]
        if touched.moved
        else []
    )
    return moved + touched.notes


def _in_process_session(root: Path, tests: Path, work: Path, run: _Run) -> None:
    """Collect the needed test modules once, in this process, and run the mutants in forks."""
    runner = SessionRunner(root, work, run.plan, run.run)
    log = work / "session.log"
    args = [str(tests), "--golden-orphans=ignore"]
    with _session_output(log, root):
        code = pytest.main(args, plugins=[runner])
    if runner.error is not None:
        raise runner.error
    if runner.interrupt is not None:
        raise runner.interrupt
    if code == pytest.ExitCode.INTERRUPTED and not runner.finished:
        raise KeyboardInterrupt
    if not runner.finished and any(p.id not in run.outcomes for p in run.planned):
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise ReviewError(
            f"The characterization suite {str(tests)!r} could not be collected for the mutant "
            f"runs (pytest exit code {int(code)}); its output ends with:\n"
            + "\n".join(f"    {line}" for line in tail)
        )
