"""Import-time guard: how long importing each executor module takes in a fresh interpreter.

For each target module, one warm-up interpreter (which also leaves the bytecode cache in place) and then
`--runs` fresh interpreters each time `importlib.import_module(name)`, round-robin over the targets; the
median is reported in a table next to the committed baseline (`import_time_baseline.json` beside this
script).

Targets: `--module NAME` (repeatable) and `--package NAME` (repeatable: the package and every module
under it, found with pkgutil in a separate interpreter). With neither, the targets are
`autopack.autonomous_executor` and the package `autopack.executor`.

Each row also gives the module's share of the reference module's median (`--reference`, default the
first `--module`, so `autopack.autonomous_executor` by default): a leaf that imports what the god file
imports shows a large share whatever the machine's speed.

Without `--enforce` the check is informational and exits 0. With `--enforce` it exits 1 when a module's
median exceeds max(baseline * factor, baseline + slack) (defaults: factor 3, slack 50 ms), a generous
ceiling meant to catch a heavy import creeping in, not noise, or when `--max-share PERCENT` is given and
a module other than the reference takes more than PERCENT of the reference's time. Modules missing from the baseline are
reported as new and not enforced. `--write-baseline` records the medians measured now.
Exit status: 0 within limits or informational, 1 above a limit under --enforce, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASELINE = Path(__file__).with_name("import_time_baseline.json")
DEFAULT_MODULES = ("autopack.autonomous_executor",)
DEFAULT_PACKAGES = ("autopack.executor",)

_TIME_IMPORT = (
    "import importlib, sys, time\n"
    "start = time.perf_counter()\n"
    "importlib.import_module(sys.argv[1])\n"
    "print(repr((time.perf_counter() - start) * 1000.0))\n"
)
_DISCOVER = (
    "import importlib, json, pkgutil, sys\n"
    "def fail(name):\n"
    "    raise ImportError(f'cannot import {name!r} while listing the package')\n"
    "names = []\n"
    "for package in sys.argv[1:]:\n"
    "    module = importlib.import_module(package)\n"
    "    names.append(package)\n"
    "    path = getattr(module, '__path__', None)\n"
    "    if path is not None:\n"
    "        names.extend(i.name for i in pkgutil.walk_packages(path, package + '.', onerror=fail))\n"
    "print(json.dumps(names))\n"
)


class ImportTimeError(Exception):
    """A target that cannot be imported, or a baseline that cannot be read; names the fix."""


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    module: str
    median_ms: float
    baseline_ms: float | None
    limit_ms: float | None
    share: float | None = None
    """Percent of the reference module's median; None for the reference itself or without one."""
    max_share: float | None = None

    @property
    def over_limit(self) -> bool:
        return self.limit_ms is not None and self.median_ms > self.limit_ms

    @property
    def over_share(self) -> bool:
        return self.max_share is not None and self.share is not None and self.share > self.max_share

    @property
    def status(self) -> str:
        if self.over_limit or self.over_share:
            return "OVER"
        return "new" if self.limit_ms is None else "ok"


def _python(src: Path | None, code: str, *args: str) -> str:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(src.resolve()), env.get("PYTHONPATH")])
        )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
        raise ImportTimeError(
            f"cannot import {' '.join(args)!r}: {tail}; check the name, --src, and that the "
            "project is installed"
        )
    return proc.stdout.strip().splitlines()[-1]


def discover(src: Path | None, modules: Sequence[str], packages: Sequence[str]) -> list[str]:
    """The target modules: MODULES, then each package followed by its modules, without duplicates."""
    names = list(modules)
    if packages:
        names.extend(json.loads(_python(src, _DISCOVER, *packages)))
    return list(dict.fromkeys(names))


def measure(src: Path | None, modules: Sequence[str], runs: int) -> dict[str, float]:
    """Median milliseconds to import each of MODULES over RUNS fresh interpreters, after one
    warm-up each. The runs go round-robin over the modules, so that a change of machine load
    during the measurement weighs on every module alike and their ratios stay comparable."""
    for module in modules:
        _python(src, _TIME_IMPORT, module)
    samples: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(runs):
        for module in modules:
            samples[module].append(float(_python(src, _TIME_IMPORT, module)))
    return {module: statistics.median(values) for module, values in samples.items()}


def load_baseline(path: Path) -> dict[str, float] | None:
    """Module -> baseline milliseconds, or None when the file does not exist."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        return {str(k): float(v) for k, v in data["modules_ms"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImportTimeError(
            f"baseline {str(path)!r} is not a baseline file ({exc!r}); rewrite it with --write-baseline"
        ) from exc


def write_baseline(path: Path, medians: dict[str, float], runs: int) -> None:
    """Write MEDIANS as the baseline, with the interpreter and run count for the record."""
    data = {
        "written_by": "scripts/perf/check_import_time.py --write-baseline",
        "python": platform.python_version(),
        "runs": runs,
        "modules_ms": {name: round(ms, 1) for name, ms in sorted(medians.items())},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def build_rows(
    medians: dict[str, float],
    baseline: dict[str, float] | None,
    factor: float,
    slack_ms: float,
    *,
    reference: str | None = None,
    max_share: float | None = None,
) -> list[Row]:
    """Table rows, with the limit max(baseline * factor, baseline + slack) where a baseline exists,
    and each module's share of the REFERENCE module's median (in percent) when it was measured."""
    reference_ms = medians.get(reference) if reference is not None else None
    rows = []
    for module, median in medians.items():
        base = (baseline or {}).get(module)
        limit = None if base is None else max(base * factor, base + slack_ms)
        share = None
        if reference_ms and module != reference:
            share = 100.0 * median / reference_ms
        rows.append(Row(module, median, base, limit, share, max_share))
    return rows


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table: module, median ms, baseline ms, ratio, limit ms, share %, status."""
    header = ("module", "median ms", "baseline ms", "ratio", "limit ms", "share %", "status")
    lines = [header]
    for row in rows:
        base = "-" if row.baseline_ms is None else f"{row.baseline_ms:.1f}"
        ratio = "-" if not row.baseline_ms else f"{row.median_ms / row.baseline_ms:.2f}"
        limit = "-" if row.limit_ms is None else f"{row.limit_ms:.1f}"
        share = "-" if row.share is None else f"{row.share:.1f}"
        lines.append((row.module, f"{row.median_ms:.1f}", base, ratio, limit, share, row.status))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", default=[], help="a module to time")
    parser.add_argument("--package", action="append", default=[], help="a package to time, whole")
    parser.add_argument("--src", default="src", help="source root put on PYTHONPATH (default: src)")
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per module")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE, help="baseline file")
    parser.add_argument("--write-baseline", action="store_true", help="record the medians")
    parser.add_argument("--enforce", action="store_true", help="fail above the limit")
    parser.add_argument("--factor", type=float, default=3.0, help="limit factor (default 3)")
    parser.add_argument("--slack-ms", type=float, default=50.0, help="limit slack (default 50)")
    parser.add_argument(
        "--reference", help="module the share column is relative to (default: the first --module)"
    )
    parser.add_argument(
        "--max-share",
        type=float,
        metavar="PERCENT",
        help="with --enforce, also fail a module above PERCENT of the reference's time",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.runs < 1 or args.factor < 1 or args.slack_ms < 0:
        print(
            f"import time: error: need --runs >= 1, --factor >= 1 and --slack-ms >= 0, got "
            f"{args.runs!r}, {args.factor!r}, {args.slack_ms!r}",
            file=sys.stderr,
        )
        return 2
    if args.max_share is not None and not 0 < args.max_share <= 100:
        print(
            f"import time: error: --max-share is a percent in (0, 100], got {args.max_share!r}",
            file=sys.stderr,
        )
        return 2
    src = Path(args.src) if Path(args.src).is_dir() else None
    if not args.module and not args.package:
        args.module, args.package = list(DEFAULT_MODULES), list(DEFAULT_PACKAGES)
    reference = args.reference or (args.module[0] if args.module else None)
    if reference is not None and reference not in args.module:
        args.module.append(reference)
    try:
        names = discover(src, args.module, args.package)
        medians = measure(src, names, args.runs)
        baseline = None if args.write_baseline else load_baseline(args.baseline)
    except ImportTimeError as exc:
        print(f"import time: error: {exc}", file=sys.stderr)
        return 2
    if args.write_baseline:
        write_baseline(args.baseline, medians, args.runs)
        baseline = load_baseline(args.baseline)
    rows = build_rows(
        medians,
        baseline,
        args.factor,
        args.slack_ms,
        reference=reference,
        max_share=args.max_share,
    )
    print(format_table(rows))
    if args.max_share is not None:
        over_share = [row for row in rows if row.over_share]
        print(
            f"import time: {len(over_share)} module(s) above {args.max_share:g}% of {reference}"
            + "".join(f"\n  {row.module}: {row.share:.1f}%" for row in over_share)
        )
    if args.write_baseline:
        print(f"import time: baseline written to {str(args.baseline)!r}")
        return 0
    if baseline is None:
        print(
            f"import time: no baseline at {str(args.baseline)!r}; record one on a quiet machine "
            "with `python scripts/perf/check_import_time.py --write-baseline` and commit it"
        )
        return 2 if args.enforce else 0
    over = [row for row in rows if row.over_limit or row.over_share]
    if not args.enforce:
        print(f"import time: informational ({len(over)} over the limit); --enforce fails on those")
        return 0
    if over:
        names = ", ".join(
            f"{row.module} ({row.median_ms:.1f} ms > {row.limit_ms:.1f} ms)"
            if row.over_limit
            else f"{row.module} ({row.share:.1f}% of {reference} > {row.max_share:g}%)"
            for row in over
        )
        print(
            f"import time: FAILED, over the limit: {names}. Fix: find the new heavy import with "
            "`python -X importtime -c 'import MODULE'` and make it local to the function that "
            "needs it; if the growth is intended, rewrite the baseline with --write-baseline"
        )
        return 1
    print(
        f"import time: OK, {len(rows)} modules within max(baseline x {args.factor:g}, baseline + {args.slack_ms:g} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
