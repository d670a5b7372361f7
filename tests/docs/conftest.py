"""Fixtures for the docs-check tests: the scripts on sys.path and synthetic repositories."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
for _folder in (_ROOT / "scripts", _ROOT / "scripts" / "tidy"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))


class DocRepo:
    """A folder standing in for a repository: write files, optionally track them with git."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def write(self, files: dict[str, str]) -> DocRepo:
        for relpath, text in files.items():
            path = self.root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return self

    def track(self) -> DocRepo:
        """Make the folder a git repository and add every file to the index."""
        for args in (["init", "--quiet"], ["add", "--all"]):
            subprocess.run(["git", "-C", str(self.root), *args], check=True, capture_output=True)
        return self


@pytest.fixture
def doc_repo(tmp_path: Path) -> DocRepo:
    return DocRepo(tmp_path / "repo")


@pytest.fixture
def repo_root() -> Path:
    """The real repository this test suite belongs to."""
    return _ROOT
