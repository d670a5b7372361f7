"""No I/O at import time: import each module of a package in a fresh interpreter and watch it.

For every module of `--package` (default `autopack.executor`, found from the files under `--src`), a new
interpreter runs `import_io_probe.py`, which imports the module under an audit hook and reports the
I/O the import did (files opened other than what importing itself reads, file-system changes,
processes, sockets and network clients, `sqlite3.connect`, environment changes). The check fails
naming each module, each event and the source line that caused it, and also when a module cannot be
imported at all. Each probe runs in a throwaway working directory.

Exit status: 0 clean, 1 I/O at import time or an import that failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from package_modules import PackageNotFound, module_files

PROBE = Path(__file__).with_name("import_io_probe.py")
SENTINEL = "@@import-io@@ "
MAX_EVENTS_SHOWN = 20


@dataclass(frozen=True)
class ProbeResult:
    """What importing one module did: recorded events, and the error if the import failed."""

    module: str
    events: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.events and self.error is None


def probe(src: Path, module: str, timeout: float = 120.0) -> ProbeResult:
    """Import MODULE in a fresh interpreter with SRC first on sys.path; return what it did."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory(prefix="import-io-") as workdir:
        try:
            proc = subprocess.run(
                [sys.executable, "-B", str(PROBE), str(src.resolve()), module],
                capture_output=True,
                text=True,
                cwd=workdir,
                env=env,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ProbeResult(module, error=f"the import did not finish within {timeout:.0f} s")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(SENTINEL):
            report = json.loads(line[len(SENTINEL) :])
            return ProbeResult(module, report["events"], report["error"])
    tail = proc.stderr.strip().splitlines()[-5:]
    return ProbeResult(
        module,
        error=f"the probe exited with status {proc.returncode} before reporting: {' | '.join(tail)}",
    )


def check_package(src: Path, package: str, jobs: int = 2) -> list[ProbeResult]:
    """Probe every module of PACKAGE; results sorted by module name."""
    names = [module.name for module in module_files(src, package)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda name: probe(src, name), names))


def format_result(result: ProbeResult, src: Path | None = None) -> list[str]:
    """Report lines for one module that failed the check; locations are shown under SRC."""
    lines = []
    if result.error:
        lines.append(f"{result.module}: import failed: {result.error}")
    for event in result.events[:MAX_EVENTS_SHOWN]:
        location = (src / event["where"]).as_posix() if src else event["where"]
        where = f" at {location}" if event["where"] else ""
        lines.append(f"{result.module}: I/O at import time: {event['event']}{where}")
    hidden = len(result.events) - MAX_EVENTS_SHOWN
    if hidden > 0:
        lines.append(f"{result.module}: ... and {hidden} more events")
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default="src", help="source root (default: src)")
    parser.add_argument("--package", default="autopack.executor", help="package to check")
    parser.add_argument("--jobs", type=int, default=2, help="interpreters run at once (default 2)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        results = check_package(Path(args.src), args.package, args.jobs)
    except PackageNotFound as exc:
        print(f"import I/O check: error: {exc}", file=sys.stderr)
        return 2
    failed = [result for result in results if not result.ok]
    for result in failed:
        for line in format_result(result, Path(args.src)):
            print(line)
    if failed:
        print(
            f"import I/O check: FAILED, {len(failed)} of {len(results)} modules of "
            f"{args.package!r} do I/O at import time or cannot be imported. Fix: move the I/O into "
            "a function called at run time (or make it lazy), so that importing stays free of "
            "side effects"
        )
        return 1
    print(f"import I/O check: OK, {len(results)} modules of {args.package!r} import without I/O")
    return 0


if __name__ == "__main__":
    sys.exit(main())
