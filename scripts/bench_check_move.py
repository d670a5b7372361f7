"""Benchmark ``golden check-move`` on a large god-module split, against a baseline revision.

Generates, in a scratch git repository, a god module of about 7,000 lines (a class of several
hundred methods, module functions, dataclasses and enums, module constants), commits it, then
moves 200 of its functions (methods that leave a thin wrapper behind, module functions the god
module imports back, and the methods of the classes that move whole), the classes and some
constants into 12 new modules, and commits that as one ``move:`` commit.

``check_move(root, "HEAD~1")`` then runs on that repository in a fresh interpreter per run, once
with this checkout's ``src`` and once with the ``src`` of ``--baseline`` (a temporary git worktree
of that revision of this repository, first on ``PYTHONPATH``). Each run prints its seconds (the
call, as the run measures it), functions per second (added functions / seconds), peak memory
(the process's maximum resident set size) and its verdict counts; the last line is the ratio
``baseline seconds / current seconds``.

Usage: ``python scripts/bench_check_move.py [--baseline REV|none] [--runs N] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASELINE = "4488974"
"""The last revision before check-move was rewritten for speed (parse once, candidate pairs)."""

MODULES = 12
WRAPPED = 130  # methods moved to module functions, a thin wrapper left in the class
IMPORTED = 50  # module functions moved, imported back by the god module
MOVED_CLASSES = 12  # one per new module; 20 methods between them
KEPT_METHODS = 50
KEPT_FUNCTIONS = 30
CONSTANTS = 48  # half of them move


def _helper(i: int) -> str:
    return f"helper_{(i * 7) % (IMPORTED + KEPT_FUNCTIONS)}"


def _body(kind: str, i: int, first: str | None = None) -> list[str]:
    """About twenty lines of ordinary code, different for every ``i``."""
    uses_first = [f"{first}.store.save(run={first}.run_id, rows=seen)"] if first else []
    calls = (
        [f"seen.extend({_helper(i)}(items[:{i % 3}]).get('seen', []))"]
        if kind != "function"
        else []
    )
    return [
        f'"""{kind} number {i}: reads the plan, counts, logs."""',
        f"limit = LIMIT_{i % CONSTANTS} + {i}",
        "seen = []",
        *calls,
        "total = 0",
        f"for index, item in enumerate(items[: limit + {i % 7}]):",
        f"    if item.get('kind') == 'k{i % 11}':",
        "        total += index * 2",
        "        seen.append(item['id'])",
        f"    elif item.get('weight', 0) > {i % 13}:",
        f"        total -= {i % 5}",
        "    else:",
        "        continue",
        "try:",
        f"    payload = json.dumps({{'n': {i}, 'total': total, 'seen': seen}}, sort_keys=True)",
        "except (TypeError, ValueError) as error:",
        f"    logger.warning('{kind} %s failed: %s', {i}, error)",
        "    payload = ''",
        f"path = Path('out') / f'{kind}-{{total}}-{i}.json'",
        "result = {'path': str(path), 'payload': payload, 'count': len(seen)}",
        *uses_first,
        f"if total > {100 + i}:",
        f"    result['flag'] = PATTERN.sub('-', str(total)) + '{i}'",
        "return result",
    ]


def _method(name: str, i: int) -> list[str]:
    return [f"    def {name}(self, items, options=None):"] + [
        f"        {line}" if line else "" for line in _body("method", i, "self")
    ]


def _function(name: str, i: int, first: str = "executor") -> list[str]:
    return [f"def {name}({first}, items, options=None):"] + [
        f"    {line}" if line else "" for line in _body("method", i, first)
    ]


def _plain_function(name: str, i: int) -> list[str]:
    return [f"def {name}(items, options=None):"] + [
        f"    {line}" if line else "" for line in _body("function", i)
    ]


def _class(i: int) -> list[str]:
    """A dataclass with two methods and an enum, alternately."""
    if i % 2:
        return [
            f"class Mode{i}(Enum):",
            f'    """Modes of part {i}."""',
            "",
            f"    FAST = 'fast-{i}'",
            f"    SLOW = 'slow-{i}'",
            f"    SAFE = {i}",
            "",
            *_method(f"describe_{i}", 5000 + i),
            "",
            *(_method(f"score_{i}", 6000 + i) if i < 8 else []),
        ]
    return [
        "@dataclass",
        f"class Record{i}:",
        f'    """Record of part {i}."""',
        "",
        "    name: str",
        f"    size: int = {i}",
        "    tags: list[str] = field(default_factory=list)",
        "",
        *_method(f"describe_{i}", 5000 + i),
        "",
        *(_method(f"score_{i}", 6000 + i) if i < 8 else []),
    ]


HEADER = [
    '"""The god module of the benchmark."""',
    "",
    "from __future__ import annotations",
    "",
    "import json",
    "import logging",
    "import re",
    "from dataclasses import dataclass, field",
    "from enum import Enum",
    "from pathlib import Path",
    "",
]


def _constants(indices: range) -> list[str]:
    return [f"LIMIT_{k} = {10 + k}" for k in indices]


def generate() -> tuple[str, dict[str, str], str]:
    """The god module before the move, the new modules, and the god module after it."""
    moved_constants = range(CONSTANTS // 2)
    kept_constants = range(CONSTANTS // 2, CONSTANTS)
    before = [*HEADER, "logger = logging.getLogger(__name__)", "PATTERN = re.compile(r'[0-9]+')"]
    before += [*_constants(range(CONSTANTS)), "", ""]
    for c in range(MOVED_CLASSES):
        before += [*_class(c), "", ""]
    for f in range(IMPORTED + KEPT_FUNCTIONS):
        before += [*_plain_function(f"helper_{f}", 3000 + f), "", ""]
    before += ["class God:", '    """Does everything."""', ""]
    for m in range(WRAPPED + KEPT_METHODS):
        before += [*_method(f"step_{m}", m), ""]

    part_of = [k % MODULES for k in range(max(WRAPPED, IMPORTED, MOVED_CLASSES, CONSTANTS))]
    parts: dict[int, list[str]] = {p: [] for p in range(MODULES)}
    for k in moved_constants:
        parts[part_of[k]] += _constants(range(k, k + 1))
    for c in range(MOVED_CLASSES):
        parts[part_of[c]] += ["", "", *_class(c)]
    for f in range(IMPORTED):
        parts[part_of[f]] += ["", "", *_plain_function(f"helper_{f}", 3000 + f)]
    for m in range(WRAPPED):
        parts[part_of[m]] += ["", "", *_function(f"step_{m}", m)]
    modules = {}
    for p, lines in parts.items():
        text = "\n".join(lines)
        needed = sorted(
            f"LIMIT_{k}"
            for k in range(CONSTANTS)
            if f"LIMIT_{k} " in text and f"LIMIT_{k} =" not in text
        )
        helpers = sorted({h for h in re.findall(r"helper_[0-9]+", text) if f"def {h}(" not in text})
        imports = [*HEADER, "from benchpkg.god import PATTERN"]
        if needed:
            imports.append(f"from benchpkg.god import {', '.join(needed)}")
        for helper in helpers:
            f = int(helper.rpartition("_")[2])
            where = f"part_{part_of[f]:02d}" if f < IMPORTED else "god"
            imports.append(f"from benchpkg.{where} import {helper}")
        modules[f"src/benchpkg/part_{p:02d}.py"] = "\n".join(
            [
                *imports,
                "",
                "logger = logging.getLogger(__name__)",
                text,
                "",
            ]
        )

    after = [*HEADER]
    for p in range(MODULES):
        names = [f"part_{p:02d}"]
        after.append(f"from benchpkg import {', '.join(names)}")
    for p in range(MODULES):
        moved = [
            f"Mode{c}" if c % 2 else f"Record{c}" for c in range(MOVED_CLASSES) if c % MODULES == p
        ]
        moved += [f"helper_{f}" for f in range(IMPORTED) if part_of[f] == p]
        moved += [f"LIMIT_{k}" for k in moved_constants if part_of[k] == p]
        after.append(f"from benchpkg.part_{p:02d} import {', '.join(moved)}  # noqa: F401")
    after += ["", "logger = logging.getLogger(__name__)", "PATTERN = re.compile(r'[0-9]+')"]
    after += [*_constants(kept_constants), "", ""]
    for f in range(IMPORTED, IMPORTED + KEPT_FUNCTIONS):
        after += [*_plain_function(f"helper_{f}", 3000 + f), "", ""]
    after += ["class God:", '    """Does everything."""', ""]
    for m in range(WRAPPED + KEPT_METHODS):
        if m < WRAPPED:
            after += [
                f"    def step_{m}(self, items, options=None):",
                f"        return part_{part_of[m]:02d}.step_{m}(self, items, options)",
                "",
            ]
        else:
            after += [*_method(f"step_{m}", m), ""]
    return "\n".join(before) + "\n", modules, "\n".join(after) + "\n"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def make_repository(root: Path) -> int:
    """The scratch repository: the god module, then the move; returns the god module's lines."""
    before, modules, after = generate()
    package = root / "src/benchpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "god.py").write_text(before)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "god module")
    for name, text in modules.items():
        (root / name).write_text(text)
    (package / "god.py").write_text(after)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "move: 200 functions, 12 classes, 24 constants into 12 modules")
    return before.count("\n")


DRIVER = """
import json, resource, sys, time
from pathlib import Path
from golden_harness.moves import check_move
started = time.perf_counter()
result = check_move(Path(sys.argv[1]), "HEAD~1")
seconds = time.perf_counter() - started
verdicts = result.verdicts
print(json.dumps({
    "seconds": seconds,
    "functions": len(verdicts) + len(getattr(result, "constructors", [])),
    "pure": sum(v.pure for v in verdicts),
    "ok": result.ok,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(src: Path, root: Path) -> dict[str, float]:
    """One check-move run in a fresh interpreter importing golden_harness from ``src``."""
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(root)],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"check-move from {src} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def measure(label: str, src: Path, root: Path, runs: int) -> float:
    """Print the median run of ``runs``; return its seconds."""
    results = sorted((run(src, root) for _ in range(runs)), key=lambda r: r["seconds"])
    median = results[len(results) // 2]
    seconds = statistics.median(r["seconds"] for r in results)
    print(
        f"{label:<30} {seconds:8.2f} s  {median['functions'] / seconds:8.1f} functions/s  "
        f"peak {median['peak_mib']:7.1f} MiB  ({int(median['functions'])} added, "
        f"{int(median['pure'])} pure, ok={bool(median['ok'])})"
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--baseline",
        default=BASELINE,
        help=f"Revision of this repository to compare with, or 'none' (default: {BASELINE}).",
    )
    parser.add_argument("--runs", type=int, default=1, help="Runs per side; the median is shown.")
    parser.add_argument("--keep", type=Path, default=None, help="Build the scratch repo here.")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-check-move-"))
    root = args.keep or scratch / "repo"
    worktree = scratch / "baseline"
    try:
        lines = make_repository(root)
        print(f"god module: {lines} lines; one move: commit into {MODULES} modules ({root})")
        current = measure("current (this checkout)", REPO / "src", root, args.runs)
        if args.baseline != "none":
            _git(REPO, "worktree", "add", "--detach", "--quiet", str(worktree), args.baseline)
            before = measure(f"baseline ({args.baseline})", worktree / "src", root, args.runs)
            print(f"ratio baseline/current: {before / current:.1f}x")
    finally:
        if worktree.exists():
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, check=False
            )
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
