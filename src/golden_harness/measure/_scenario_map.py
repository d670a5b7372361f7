"""Which scenarios execute each line of the seams' code: the map ``golden strength`` selects the
scenarios of a mutant with.

One run of the characterization suite under coverage (:func:`run_suite_with_contexts`, each test
in its own context, and the setup of every fixture of a wider scope in one of its own) gives, per
line of every seam's file, the tests that executed it. A line a wider-scoped fixture executed
counts for every test that uses the fixture: the fixture runs once, but each of those tests
depends on what it did.

A scenario is named by its key, ``<test module, relative to the root>::<the rest of its node
id>``, which does not depend on pytest's rootdir. The map is kept in the pytest cache folder
until a source or a scenario changes: its key digests every Python file of the repository
(``git ls-files``, untracked files included, ignored ones not), every file under the tests
folder, and the pytest configuration files.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from coverage import Coverage

from golden_harness.format import relative_path
from golden_harness.measure._coverage_plugin import fixture_of_context
from golden_harness.measure._seam_coverage import run_suite_with_contexts
from golden_harness.moves import run_git
from golden_harness.seams import ResolvedSeam

__all__ = ["ScenarioMap", "scenario_key", "scenario_map", "sources_digest", "statement_starts"]

_FORMAT = 1
_CONFIG_FILES = ("pyproject.toml", "pytest.ini", "setup.cfg", "tox.ini", ".coveragerc")
_SKIPPED_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache", ".tox"}


def scenario_key(module: Path, nodeid: str, root: Path) -> str:
    """``<module relative to root>::<node id after its file part>``."""
    _, _, rest = nodeid.partition("::")
    return f"{relative_path(module, root)}::{rest}"


@dataclass
class ScenarioMap:
    """Per seam file (relative to the root) and line: the keys of the scenarios executing it;
    per scenario key: its test module (relative) and node id."""

    lines: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    scenarios: dict[str, tuple[str, str]] = field(default_factory=dict)

    def executing(self, file: str, lines: Iterable[int]) -> set[str]:
        """The scenarios executing any of ``lines`` of ``file``."""
        by_line = self.lines.get(file, {})
        return {key for n in lines for key in by_line.get(n, ())}

    def of_modules(self, modules: Iterable[str]) -> set[str]:
        """Every scenario of the test ``modules`` (relative paths)."""
        wanted = set(modules)
        return {key for key, (module, _) in self.scenarios.items() if module in wanted}

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": _FORMAT,
                "scenarios": {k: list(v) for k, v in sorted(self.scenarios.items())},
                "lines": {
                    f: {str(n): keys for n, keys in sorted(by.items())}
                    for f, by in sorted(self.lines.items())
                },
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ScenarioMap | None:
        """The map written by :meth:`to_json`, or None when it is not one (a stale format)."""
        try:
            data = json.loads(text)
            if data.get("format") != _FORMAT:
                return None
            return cls(
                lines={
                    f: {int(n): list(keys) for n, keys in by.items()}
                    for f, by in data["lines"].items()
                },
                scenarios={k: (v[0], v[1]) for k, v in data["scenarios"].items()},
            )
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None


def _listed_files(root: Path) -> list[Path]:
    done = run_git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if done.returncode == 0:
        return [root / name for name in sorted(set(done.stdout.split("\0"))) if name]
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files)]
    return found


def sources_digest(root: Path, tests: Path, seams: list[ResolvedSeam]) -> str:
    """A digest of everything the map depends on (see the module's docstring)."""
    digest = hashlib.sha256()
    digest.update(f"{_FORMAT}|{sys.version}|{relative_path(tests, root)}\n".encode())
    for file in sorted({str(loc.file) for s in seams for loc in s.locations}):
        digest.update(f"seam file {relative_path(Path(file), root)}\n".encode())
    for path in _listed_files(root):
        wanted = path.suffix == ".py" or path.name in _CONFIG_FILES or path.is_relative_to(tests)
        if not wanted or not path.is_file():
            continue
        digest.update(f"{relative_path(path, root)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def statement_starts(source: str) -> dict[int, int]:
    """Each line of a statement (of a compound statement: of its header) -> the statement's first
    line, the innermost statement winning. Coverage records a statement at any of its lines."""
    starts: dict[int, int] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.stmt):
            continue
        end = node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end = body[0].lineno - 1
        for line in range(node.lineno, max(node.lineno, end) + 1):
            if starts.get(line, 0) <= node.lineno:
                starts[line] = node.lineno
    return starts


def scenario_map(root: Path, tests: Path, seams: list[ResolvedSeam], work: Path) -> ScenarioMap:
    """Run the suite once under coverage and build the map for every file of ``seams``."""
    items = run_suite_with_contexts(root, tests, seams, work, fixture_contexts=True)
    keys = {
        nodeid: scenario_key(Path(item["path"]), nodeid, root) for nodeid, item in items.items()
    }
    users: dict[str, set[str]] = {}
    for nodeid, item in items.items():
        for name in item.get("fixtures", ()):
            users.setdefault(name, set()).add(keys[nodeid])
    cov = Coverage(data_file=str(work / "coverage.db"), config_file=str(work / "coveragerc"))
    cov.load()
    data = cov.get_data()
    result = ScenarioMap(
        scenarios={
            keys[n]: (relative_path(Path(item["path"]), root), n) for n, item in items.items()
        }
    )
    for file in sorted({loc.file for s in seams for loc in s.locations}):
        by_line: dict[int, list[str]] = {}
        for line, contexts in data.contexts_by_lineno(str(file)).items():
            found: set[str] = set()
            for context in contexts:
                if context in keys:
                    found.add(keys[context])
                elif (fixture := fixture_of_context(context)) is not None:
                    found |= users.get(fixture, set())
            if found:
                by_line[line] = sorted(found)
        result.lines[relative_path(file, root)] = by_line
    return result
