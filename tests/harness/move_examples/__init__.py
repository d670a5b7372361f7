"""Small example projects that ``golden move`` is demonstrated and tested on.

``project/`` is a package ``movex`` (under ``src/``) with the shapes a move meets: plain methods,
a coroutine, generators (one returning a value), a decorated method, a property, a classmethod,
a staticmethod, a mixin, a module function with its own constant, a class, and a module that
imports them. Its scenarios are stored as ``scenarios_*.py`` (so that this repository's pytest
does not collect them); its own ``pyproject.toml`` gives ruff its settings there and become ``tests/characterization/test_*.py`` in the copy
:func:`make_repo` makes: a git repository with one commit, configured for ruff.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["PROJECT", "PYPROJECT", "git", "make_repo"]

PROJECT = Path(__file__).parent / "project"

PYPROJECT = (PROJECT / "pyproject.toml").read_text(encoding="utf-8")
"""The example's ``pyproject.toml``: pytest and ruff settings (ruff formats and sorts imports)."""


def git(root: Path, *args: str) -> str:
    """Run git in ``root``; return its output (a failure raises with git's message)."""
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def make_repo(
    root: Path, *, pyproject: str = PYPROJECT, files: dict[str, str] | None = None
) -> Path:
    """Copy the example project to ``root`` as a git repository with one commit; ``files``
    (relative path -> text) are written over it first."""
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    for scenario in (root / "tests" / "characterization").glob("scenarios_*.py"):
        scenario.rename(scenario.with_name("test_" + scenario.name.removeprefix("scenarios_")))
    if pyproject != PYPROJECT:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n.ruff_cache/\n")
    for relpath, text in (files or {}).items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Example")
    git(root, "config", "user.email", "example@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "initial")
    return root
