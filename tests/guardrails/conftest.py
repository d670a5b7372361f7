"""Shared fixtures for the guardrail script tests: scripts on sys.path and throwaway git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for _folder in (_HERE, _HERE.parents[1] / "scripts", _HERE.parents[1] / "scripts" / "perf"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))


class GitRepo:
    """A git repository in a temporary folder, with a fixed identity and fixed commit dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tick = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str) -> str:
        """Run git in the repository with a deterministic environment; return its stdout."""
        self._tick += 1
        stamp = f"2024-01-01T00:{self._tick // 60:02d}:{self._tick % 60:02d}+00:00"
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        proc = subprocess.run(
            ["git", "-C", str(self.root), *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def commit(self, subject: str, files: dict[str, str | None] | None = None) -> str:
        """Write (or, for None, delete) FILES, commit everything with SUBJECT, return the short sha."""
        for relpath, text in (files or {}).items():
            if text is None:
                (self.root / relpath).unlink()
            else:
                self.write(relpath, text)
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", subject)
        return self.git("rev-parse", "--short", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """A fresh git repository under the test's temporary folder."""
    return GitRepo(tmp_path / "repo")


@pytest.fixture
def src_tree(tmp_path: Path):
    """A function writing a synthetic source tree under tmp_path/src and returning that folder."""

    def make(files: dict[str, str]) -> Path:
        src = tmp_path / "src"
        for relpath, text in files.items():
            path = src / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return src

    return make
