"""The golden-harness distribution works on its own, outside this repository.

Builds the wheel of `packaging/golden-harness/` (`pip wheel --no-deps`), installs it in a fresh
virtual environment (its dependencies from the package index), and checks, from a folder outside the
checkout:

- `golden_harness` imports from the virtual environment; `autopack` and `sqlalchemy` do not import;
- the installed distribution requires exactly the dependencies its `pyproject.toml` declares, and
  no distribution named `autopack` or `SQLAlchemy` is installed;
- the `pytest11` entry point `golden_harness` and the `golden` command are there (`golden --help`);
- in a copy of `packaging/golden-harness/example/` (a project with one scenario), a capture
  (`pytest --snapshot-update`, with `CI=false`: it is a throwaway project) writes the golden, and
  verification passes under `CI=true` with other `TZ` and `PYTHONHASHSEED` values;
- with a Python older than `requires-python` (the newest such found on PATH or under pyenv; the
  check is skipped, saying so, when there is none), the pip of a fresh virtual environment refuses
  the folder with the build hook's one-line message, and the wheel file as not supported.

Everything happens in a temporary folder (`--work DIR` to keep it). Exit status: 0 when every check
passes, 1 when one fails (each failure names what was expected and what was found), 2 on bad input
(no `packaging/golden-harness/pyproject.toml` under `--root`) or when the wheel cannot be built.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

DIST_DIR = Path("packaging/golden-harness")
EXAMPLE_DIR = DIST_DIR / "example"
FORBIDDEN_DISTRIBUTIONS = ("autopack", "sqlalchemy")
FORBIDDEN_IMPORTS = ("autopack", "sqlalchemy")
EXPECTED_GOLDEN = Path("golden/note_store/test_add_note.golden.yaml")
VERIFY_ENVIRONMENTS = (
    {"TZ": "Asia/Tokyo", "PYTHONHASHSEED": "1"},
    {"TZ": "America/New_York", "PYTHONHASHSEED": "7"},
)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
# What the build hook (packaging/golden-harness/hatch_build.py) prints on an older Python, and
# what pip says of a wheel whose tag that Python does not accept.
REFUSAL = "golden-harness requires Python {requires}, and this is Python {version}"
UNSUPPORTED_WHEEL = "is not a supported wheel on this platform"


class DistError(Exception):
    """Bad input or a build that cannot start; the message names the value and the fix."""


def requirement_name(requirement: str) -> str:
    """The normalized project name of a requirement string (`PyYAML<7,>=6.0` -> `pyyaml`)."""
    match = _NAME.match(requirement.strip())
    if match is None:
        raise DistError(f"requirement {requirement!r} does not start with a project name")
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def declared_requirements(pyproject: Path) -> set[str]:
    """The normalized names of `[project].dependencies` in `pyproject`."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DistError(
            f"cannot read {pyproject}: {error}; run from the repository root or pass --root"
        ) from error
    return {requirement_name(item) for item in data.get("project", {}).get("dependencies", [])}


ADOPTING_PAGE = Path("docs/adopting.md")
_INSTALLS = re.compile(
    r"It\s+installs\s+its\s+dependencies,\s(.*?)\sand\s+what\s+those\s+need\s+in\s+turn:\s(.*?);",
    re.S,
)


def documented_distributions(page: str) -> tuple[set[str], set[str]]:
    """The distributions the adoption page says an install brings: (its dependencies, what those
    need in turn), normalized names, from the paragraph that starts "It installs its dependencies"."""
    match = _INSTALLS.search(page)
    if match is None:
        raise DistError(
            f"{ADOPTING_PAGE} has no paragraph 'It installs its dependencies, ... and what those "
            f"need in turn: ...;' listing the distributions in `code`"
        )
    direct, indirect = (
        {requirement_name(name) for name in re.findall(r"`([A-Za-z0-9._-]+)`", group)}
        for group in match.groups()
    )
    return direct, indirect


def requires_python(pyproject: Path) -> str:
    """`[project].requires-python` of `pyproject` (empty when it has none)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return str(data.get("project", {}).get("requires-python", ""))


def python_version(interpreter: Path) -> str | None:
    """The version `interpreter` reports (`3.10.13`), or None when it does not run."""
    try:
        done = subprocess.run(
            [str(interpreter), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def older_python(requires: str) -> tuple[Path, str] | None:
    """The newest interpreter found outside `requires` (`>=3.11`), with its version: `python3.X`
    on PATH, then pyenv's versions (`$PYENV_ROOT/versions/*/bin/python`); None when none is."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    candidates = [Path(found) for m in range(7, 20) if (found := shutil.which(f"python3.{m}"))]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(pyenv.glob("versions/3.*/bin/python"))
    older = []
    for interpreter in candidates:
        version = python_version(interpreter)
        if version is not None and Version(version) not in SpecifierSet(requires):
            older.append((Version(version), interpreter, version))
    if not older:
        return None
    _, interpreter, version = max(older)
    return interpreter, version


def requirement_problems(declared: set[str], installed_requires: Sequence[str]) -> list[str]:
    """Differences between the declared dependencies and the installed distribution's Requires-Dist."""
    unconditional = {requirement_name(item) for item in installed_requires if ";" not in item}
    problems = []
    if missing := sorted(declared - unconditional):
        problems.append(
            f"the wheel does not require {', '.join(missing)} that pyproject.toml declares"
        )
    if extra := sorted(unconditional - declared):
        problems.append(
            f"the wheel requires {', '.join(extra)} that pyproject.toml does not declare"
        )
    return problems


def forbidden_distributions(installed: Sequence[str]) -> list[str]:
    """The installed distribution names (any spelling) that the harness must not bring in."""
    return sorted(name for name in installed if requirement_name(name) in FORBIDDEN_DISTRIBUTIONS)


_PROBE = """
import importlib, importlib.metadata as md, json, sys
result = {"file": None, "imports": {}, "requires": [], "installed": [], "pytest11": {}, "scripts": {}}
import golden_harness
result["file"] = golden_harness.__file__
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
        result["imports"][name] = True
    except ImportError:
        result["imports"][name] = False
result["requires"] = md.requires("golden-harness") or []
result["installed"] = sorted(d.metadata["Name"] for d in md.distributions())
result["pytest11"] = {ep.name: ep.value for ep in md.entry_points(group="pytest11")}
result["scripts"] = {ep.name: ep.value for ep in md.entry_points(group="console_scripts")}
print(json.dumps(result))
"""


class Checker:
    """Runs the commands in a clean environment and collects the failures."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root = root
        self.work = work
        self.venv = work / "venv"
        self.failures: list[str] = []

    def env(self, **extra: str) -> dict[str, str]:
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTEST_ADDOPTS"}
        }
        environ["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{environ.get('PATH', '')}"
        environ.update(extra)
        return environ

    def run(self, argv: Sequence[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        shown = " ".join("<probe>" if "\n" in str(part) else str(part) for part in argv)
        print("$", " ".join(f"{k}={v}" for k, v in extra.items()), shown, flush=True)
        return subprocess.run(
            [str(part) for part in argv],
            cwd=cwd,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            check=False,
        )

    def fail(self, message: str, result: subprocess.CompletedProcess[str] | None = None) -> None:
        if result is not None:
            tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            message = f"{message} (exit status {result.returncode}):\n{tail}"
        print(f"FAIL: {message}", flush=True)
        self.failures.append(message)

    def build_and_install(self) -> None:
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        pip = [self.venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check", "-q"]
        wheels = self.work / "wheels"
        built = self.run(
            [*pip, "wheel", "--no-deps", "-w", wheels, self.root / DIST_DIR], self.work
        )
        found = sorted(wheels.glob("golden_harness-*.whl"))
        if built.returncode != 0 or len(found) != 1:
            tail = (built.stdout + built.stderr).strip()[-2000:]
            raise DistError(
                f"pip wheel {self.root / DIST_DIR} built {len(found)} wheel(s):\n{tail}"
            )
        print(f"built {found[0].name}", flush=True)
        installed = self.run([*pip, "install", found[0]], self.work)
        if installed.returncode != 0:
            raise DistError(f"pip install {found[0].name} failed:\n{installed.stderr[-2000:]}")

    def check_installation(self) -> None:
        probe = self.run(
            [self.venv / "bin" / "python", "-c", _PROBE, *FORBIDDEN_IMPORTS], self.work
        )
        if probe.returncode != 0:
            self.fail("the installed golden_harness does not import", probe)
            return
        facts = json.loads(probe.stdout)
        site = (self.venv / "lib").resolve()
        if not Path(facts["file"]).resolve().is_relative_to(site):
            self.fail(f"golden_harness imports from {facts['file']}, not from {site}")
        for name, imported in facts["imports"].items():
            if imported:
                self.fail(
                    f"`import {name}` works in the fresh environment; it must not be installed"
                )
        declared = declared_requirements(self.root / DIST_DIR / "pyproject.toml")
        for problem in requirement_problems(declared, facts["requires"]):
            self.fail(problem)
        if bad := forbidden_distributions(facts["installed"]):
            self.fail(f"installing the wheel brought in {', '.join(bad)}")
        direct, indirect = documented_distributions(
            (self.root / ADOPTING_PAGE).read_text(encoding="utf-8")
        )
        known = direct | indirect | {"golden-harness", "pip", "setuptools"}
        if unnamed := sorted(n for n in facts["installed"] if requirement_name(n) not in known):
            self.fail(
                f"installing the wheel brought in {', '.join(unnamed)}, which {ADOPTING_PAGE} "
                f"does not name in its 'It installs its dependencies' paragraph: add them there"
            )
        if facts["pytest11"].get("golden_harness") != "golden_harness.plugin":
            self.fail(
                f"no pytest11 entry point golden_harness = golden_harness.plugin: {facts['pytest11']}"
            )
        if facts["scripts"].get("golden") != "golden_harness.cli:main":
            self.fail("no console script golden = golden_harness.cli:main")
        usage = self.run([self.venv / "bin" / "golden", "--help"], self.work)
        if usage.returncode != 0 or "verify-move" not in usage.stdout:
            self.fail("`golden --help` does not list the commands", usage)
        print(f"installed: {', '.join(facts['installed'])}", flush=True)

    def check_scenario(self) -> None:
        project = self.work / "project"
        shutil.copytree(self.root / EXAMPLE_DIR, project)
        pytest = self.venv / "bin" / "pytest"
        capture = self.run([pytest, "-q", "--snapshot-update"], project, CI="false")
        if capture.returncode != 0:
            self.fail("the capture in the example project failed", capture)
            return
        goldens = sorted(path.relative_to(project) for path in (project / "golden").rglob("*.yaml"))
        if goldens != [EXPECTED_GOLDEN]:
            self.fail(
                f"the capture wrote {[str(g) for g in goldens]}, expected [{EXPECTED_GOLDEN}]"
            )
            return
        written = (project / EXPECTED_GOLDEN).read_text(encoding="utf-8")
        for extra in VERIFY_ENVIRONMENTS:
            verify = self.run([pytest, "-q", "-p", "no:cacheprovider"], project, CI="true", **extra)
            if verify.returncode != 0 or "1 passed" not in verify.stdout:
                self.fail(f"verification with {extra} did not pass", verify)
        if (project / EXPECTED_GOLDEN).read_text(encoding="utf-8") != written:
            self.fail(f"verification changed {EXPECTED_GOLDEN}")
        print(f"captured and verified {EXPECTED_GOLDEN} ({written.count(chr(10) + '- ')} events)")

    def check_older_python(self) -> None:
        requires = requires_python(self.root / DIST_DIR / "pyproject.toml")
        found = older_python(requires)
        if found is None:
            print(f"SKIPPED: no Python outside requires-python {requires!r} found on PATH or pyenv")
            return
        interpreter, version = found
        venv = self.work / "older-venv"
        subprocess.run([str(interpreter), "-m", "venv", str(venv)], check=True)
        pip = [venv / "bin" / "python", "-m", "pip", "--disable-pip-version-check"]
        refusal = REFUSAL.format(requires=requires, version=version)
        folder = self.run([*pip, "install", self.root / DIST_DIR], self.work)
        if folder.returncode == 0 or refusal not in folder.stdout + folder.stderr:
            self.fail(f"pip on Python {version} did not refuse the folder with {refusal!r}", folder)
        (wheel,) = (self.work / "wheels").glob("golden_harness-*.whl")
        built = self.run([*pip, "install", "--no-deps", wheel], self.work)
        if built.returncode == 0 or UNSUPPORTED_WHEEL not in built.stdout + built.stderr:
            self.fail(f"pip on Python {version} did not refuse {wheel.name}", built)
        print(f"Python {version} ({interpreter}): the folder and {wheel.name} are refused")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root")
    parser.add_argument("--work", type=Path, help="keep everything in this (new) folder")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if not (root / DIST_DIR / "pyproject.toml").is_file():
        print(
            f"check_harness_dist: no {DIST_DIR}/pyproject.toml under {root}; pass --root",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="harness-dist-") as temporary:
        work = args.work.resolve() if args.work else Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        checker = Checker(root, work)
        try:
            checker.build_and_install()
        except (DistError, subprocess.CalledProcessError) as error:
            print(f"check_harness_dist: {error}", file=sys.stderr)
            return 2
        checker.check_installation()
        checker.check_scenario()
        checker.check_older_python()
    if checker.failures:
        print(f"{len(checker.failures)} check(s) failed")
        return 1
    print("golden-harness: the wheel installs alone and runs a scenario")
    return 0


if __name__ == "__main__":
    sys.exit(main())
