"""The results of ``golden strength``, kept between runs in the pytest cache folder.

A mutant's outcome is kept under a digest of everything it depends on: the mutant itself (its
file, function, operator and replacement, its place within the function), the source of the
function it changes (of the whole module for a module-level value, whose mutant runs the
module's later assignments again), the scenarios that run it (their keys; each one's test module,
the ``conftest.py`` files above it and the other files of its folder, such as harvested
scenarios) and the goldens of those scenarios. A change of any of these runs the mutant again;
anything else (code the function calls, for example) does not: ``--no-cache`` runs every mutant.

The file is written atomically (a temporary file in the same folder, then ``os.replace``); a run
reads it once and writes it once at its end, merged with what another run wrote meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from golden_harness.format import golden_path, relative_path, scenario_name
from golden_harness.measure._mutants import Mutant

__all__ = ["Inputs", "ResultCache"]

_VERSION = "golden-strength-results 1"
_FILE = "results.json"


def _digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Inputs:
    """Digests of the files a mutant's scenarios read, each file read once."""

    def __init__(self, root: Path, golden_dir: Path, seams_of_modules: dict[str, str]) -> None:
        self.root = root
        self.golden_dir = golden_dir
        self.seams_of_modules = seams_of_modules
        self._files: dict[Path, str] = {}
        self._folders: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._files:
            try:
                self._files[path] = _digest_bytes(path.read_bytes())
            except OSError:
                self._files[path] = "missing"
        return self._files[path]

    def folder(self, folder: Path) -> str:
        """The ``conftest.py`` files from ``folder`` up to the root, and every file of
        ``folder``'s tree that is not a Python module."""
        if folder not in self._folders:
            digest = hashlib.sha256()
            for parent in [folder, *folder.parents]:
                if not parent.is_relative_to(self.root):
                    break
                digest.update(f"{parent}:{self.file(parent / 'conftest.py')}\n".encode())
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix not in (".py", ".pyc"):
                    digest.update(f"{relative_path(path, self.root)}:{self.file(path)}\n".encode())
            self._folders[folder] = digest.hexdigest()
        return self._folders[folder]

    def scenario(self, module: str, nodeid: str) -> str:
        """The scenario's test module, its folder's other inputs, and its golden."""
        path = self.root / module
        seam = self.seams_of_modules.get(module)
        golden = (
            self.file(golden_path(self.golden_dir, seam, scenario_name(nodeid))) if seam else "-"
        )
        return f"{self.file(path)}|{self.folder(path.parent)}|{golden}"


def mutant_key(mutant: Mutant, root: Path, scenarios: list[tuple[str, str]], inputs: Inputs) -> str:
    """The digest a mutant's outcome is kept under; ``scenarios``: (module, node id) of the
    scenarios that run it."""
    first, _, last = mutant.frame
    lines = mutant.source.splitlines(keepends=True)
    source = mutant.source if mutant.kind == "value" else "".join(lines[first - 1 : last])
    parts = [
        _VERSION,
        relative_path(mutant.file, root),
        mutant.qualname,
        mutant.kind,
        mutant.operator,
        mutant.replacement,
        f"{mutant.start[0] - first}:{mutant.start[1]}-{mutant.end[0] - first}:{mutant.end[1]}",
        _digest_bytes(source.encode("utf-8")),
        *(f"{m}|{n}|{inputs.scenario(m, n)}" for m, n in sorted(scenarios)),
    ]
    return _digest_bytes("\n".join(parts).encode("utf-8"))


class ResultCache:
    """Outcomes by :func:`mutant_key`, in ``folder/results.json`` (no folder: nothing kept)."""

    def __init__(self, folder: Path | None, *, read: bool = True) -> None:
        self.folder = folder
        self._known = self._load() if read else {}
        self._new: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        if self.folder is None:
            return {}
        try:
            data = json.loads((self.folder / _FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return {}
        results = data.get("results", {})
        return {k: v for k, v in results.items() if isinstance(v, str)}

    key = staticmethod(mutant_key)

    def get(self, key: str) -> str | None:
        return self._known.get(key)

    def put(self, key: str, outcome: str) -> None:
        self._new[key] = outcome

    def save(self) -> None:
        """Write the kept outcomes with the new ones (what another run wrote since is kept)."""
        if self.folder is None or not self._new:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        merged = {**self._load(), **self._new}
        text = json.dumps({"version": _VERSION, "results": merged}, sort_keys=True)
        fd, name = tempfile.mkstemp(prefix=".results-", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(name, self.folder / _FILE)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
