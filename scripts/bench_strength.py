"""Benchmark ``golden strength`` against mutmut 3 on the same modules and the same test modules.

For each module (default: ``executor/scope_generation.py`` and ``executor/ci_runner.py``) the
script builds a scratch copy of the repository holding the sources, ``pyproject.toml``, the
characterization suite's shared files, only that module's characterization test module (with its
harvested scenarios) and its goldens, as a git repository. In it, cold runs of both tools alternate
``--rounds`` times (golden strength, mutmut, golden strength, mutmut, ...):

* ``golden strength --seam <the module's seam> --no-cache --jobs J``, its cache folder removed
  first (so the coverage run that maps lines to scenarios is part of the time);
* ``mutmut run --max-children J``, its ``mutants/`` folder removed first, configured to mutate
  only that module and to run only that test module.

Each run's wall-clock time and processor time (its own and its children's, from
``os.wait4``) give mutants/s and processor seconds per mutant; the score is each tool's own
(killed and timed out over all mutants; mutmut's "no tests" mutants count as survivors). Each
tool makes its own mutants (golden strength: the seam's lines; mutmut: the whole module), so the
comparison is by rate. The last lines give, per module, the medians and the ratio golden
strength / mutmut of mutants/s.

mutmut is a dependency of this benchmark only: ``pip install -e '.[bench]'`` first.

Usage: ``python scripts/bench_strength.py [--rounds N] [--jobs J] [--module PATH ...]``
(``PATH`` under ``src/autopack``, for example ``executor/ci_runner.py``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "autopack"
SUITE = REPO / "tests" / "characterization"
DEFAULT_MODULES = ("executor/scope_generation.py", "executor/ci_runner.py")
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Run:
    tool: str
    mutants: int
    caught: int
    wall: float
    cpu: float

    @property
    def rate(self) -> float:
        return self.mutants / self.wall if self.wall else 0.0

    @property
    def cpu_per_mutant(self) -> float:
        return self.cpu / self.mutants if self.mutants else 0.0

    @property
    def score(self) -> float:
        return 100.0 * self.caught / self.mutants if self.mutants else 0.0


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[str, float, float, int]:
    """Run ``command``; its output, wall-clock seconds, processor seconds (with children)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return text, wall, usage.ru_utime + usage.ru_stime, process.returncode


def _copy(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    elif source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def _seam_of(test_module: Path) -> str:
    match = re.search(r'GOLDEN_SEAM = Seam\(\s*"([^"]+)"', test_module.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{test_module} declares no GOLDEN_SEAM")
    return match[1]


def scratch_project(module: str, folder: Path) -> tuple[Path, str, str]:
    """The scratch repository for ``module``; its path, the seam, the test module's path."""
    stem = Path(module).stem
    test_module = SUITE / f"test_{stem}.py"
    if not test_module.is_file():
        raise SystemExit(f"no characterization module {test_module} for {module}")
    seam = _seam_of(test_module)
    root = folder / stem
    for name in ("pyproject.toml", ".gitignore", "src", "tests/conftest.py", "tests/__init__.py"):
        _copy(REPO / name, root / name)
    for shared in [SUITE / "conftest.py", *SUITE.glob("_*.py"), test_module]:
        _copy(shared, root / "tests/characterization" / shared.name)
    _copy(SUITE / "harvested" / seam, root / "tests/characterization/harvested" / seam)
    _copy(REPO / "golden" / seam, root / "golden" / seam)
    relative = f"tests/characterization/{test_module.name}"
    with (root / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(
            "\n[tool.mutmut]\n"
            'source_paths = ["src/"]\n'
            f'only_mutate = ["src/autopack/{module}"]\n'
            f'pytest_add_cli_args_test_selection = ["{relative}"]\n'
            'also_copy = ["golden/", "tests/"]\n'
        )
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "scratch"]):
        subprocess.run(
            ["git", "-c", "user.name=b", "-c", "user.email=b@example.invalid", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )
    return root, seam, relative


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    return env


def run_golden(root: Path, seam: str, jobs: int) -> Run:
    shutil.rmtree(root / ".pytest_cache", ignore_errors=True)
    command = [
        str(BIN / "golden"), "--root", str(root), "strength", "--seam", seam,
        "--no-cache", "--jobs", str(jobs),
    ]  # fmt: skip
    out, wall, cpu, code = _timed(command, root, _env())
    row = next((line for line in out.splitlines() if line.startswith(f"{seam} ")), None)
    if code not in (0, 1) or row is None:
        raise SystemExit(f"golden strength failed (exit {code}):\n{out[-3000:]}")
    killed, timeouts, _survived, total = (int(x) for x in row.split()[1:5])
    return Run("golden strength", total, killed + timeouts, wall, cpu)


_MUTMUT_COUNTS = re.compile(
    r"🎉 (\d+)\s+🫥 (\d+)\s+⏰ (\d+)\s+🤔 (\d+)\s+🙁 (\d+)\s+🔇 (\d+)(?:\s+🧙 (\d+))?"
)
"""mutmut's progress line: killed, no tests, timeout, suspicious, survived, skipped, and (in 3.8)
caught by the type checker."""


def run_mutmut(root: Path, jobs: int) -> Run:
    shutil.rmtree(root / "mutants", ignore_errors=True)
    out, wall, cpu, code = _timed(
        [str(BIN / "mutmut"), "run", "--max-children", str(jobs)], root, _env()
    )
    counts = _MUTMUT_COUNTS.findall(out)
    if code != 0 or not counts:
        raise SystemExit(f"mutmut run failed (exit {code}):\n{out[-3000:]}")
    killed, no_tests, timeout, suspicious, survived, _skipped, typed = (
        int(x or 0) for x in counts[-1]
    )
    total = killed + no_tests + timeout + suspicious + survived + typed
    return Run("mutmut", total, killed + timeout + typed, wall, cpu)


def _line(module: str, run: Run) -> str:
    return (
        f"{module:<28} {run.tool:<16} {run.mutants:>7} {run.wall:>8.1f} {run.rate:>9.2f} "
        f"{run.cpu_per_mutant:>9.3f} {run.score:>6.1f}%"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="Runs of each tool (default 2).")
    parser.add_argument("--jobs", type=int, default=2, help="Mutants at a time (default 2).")
    parser.add_argument("--module", action="append", help="Module under src/autopack.")
    args = parser.parse_args(argv)
    if shutil.which("mutmut", path=str(BIN)) is None:
        print("mutmut is not installed: run `pip install -e '.[bench]'` first.", file=sys.stderr)
        return 2
    modules = args.module or list(DEFAULT_MODULES)
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    print(f"{'module':<28} {'tool':<16} {'mutants':>7} {'wall s':>8} {'mutants/s':>9} "
          f"{'cpu s/mut':>9} {'score':>7}")  # fmt: skip
    summary = []
    with tempfile.TemporaryDirectory(prefix="bench-strength-") as tmp:
        for module in modules:
            root, seam, _ = scratch_project(module, Path(tmp))
            runs: dict[str, list[Run]] = {"golden strength": [], "mutmut": []}
            for _ in range(args.rounds):
                for run in (run_golden(root, seam, args.jobs), run_mutmut(root, args.jobs)):
                    runs[run.tool].append(run)
                    print(_line(module, run), flush=True)
            rates = {tool: statistics.median(r.rate for r in rs) for tool, rs in runs.items()}
            cpus = {
                tool: statistics.median(r.cpu_per_mutant for r in rs) for tool, rs in runs.items()
            }
            summary.append(
                f"{module}: golden strength {rates['golden strength']:.2f} mutants/s "
                f"({cpus['golden strength']:.3f} cpu s/mutant), mutmut {rates['mutmut']:.2f} "
                f"mutants/s ({cpus['mutmut']:.3f} cpu s/mutant); ratio golden strength/mutmut "
                f"{rates['golden strength'] / rates['mutmut']:.2f}x"
            )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    print("\n".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
