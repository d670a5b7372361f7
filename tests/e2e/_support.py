"""Helpers of the end-to-end tests: the installed `autopack` script, git, and workspace snapshots."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

GIT_IDENTITY = ["-c", "user.name=tester", "-c", "user.email=tester@localhost"]
EXAMPLE_PLAN = Path(__file__).resolve().parents[2] / "examples" / "greeting" / "plan.yaml"


def autopack_command() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "autopack"
    assert script.exists(), f"the autopack console script is not installed at {script}"
    return [str(script)]


def autopack(
    *args: str | Path, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `autopack ARGS...` (in `env`, default this process's environment) and return the
    finished process."""
    return subprocess.run(
        [*autopack_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


def git(workspace: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=workspace, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"git {args} failed: {proc.stderr}"
    return proc.stdout


def new_repo(path: Path, files: dict[str, str] | None = None) -> Path:
    """A git repository on `main` with one commit holding `files`."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for name, text in (files or {"README.md": "hello\n"}).items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "init")
    return path


def write_plan(path: Path, plan: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    return path


def tree_state(workspace: Path) -> dict[str, Any]:
    """Every file and directory of the workspace outside `.git` and `.autonomous_runs` (with file
    digests and symlink targets), the index, HEAD and the branch: what must survive a failing run."""
    entries: dict[str, str] = {}
    for p in sorted(workspace.rglob("*")):
        rel = p.relative_to(workspace).as_posix()
        if rel.split("/")[0] in {".git", ".autonomous_runs"}:
            continue
        if p.is_symlink():
            entries[rel] = f"link:{p.readlink()}"
        elif p.is_dir():
            entries[rel] = "dir"
        else:
            entries[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return {
        "entries": entries,
        "index": git(workspace, "ls-files", "-s"),
        "head": git(workspace, "rev-parse", "HEAD"),
        "branch": git(workspace, "rev-parse", "--abbrev-ref", "HEAD"),
        "status": git(workspace, "status", "--porcelain", "--untracked-files=all"),
    }


def db_rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


WAITING_CI = (
    "import os, pathlib, sys, time\n"
    "started, release = map(pathlib.Path, sys.argv[1:3])\n"
    "partial = started.with_name(started.name + '.partial')\n"
    "partial.write_text(str(os.getpid()))\n"
    "os.replace(partial, started)\n"
    "deadline = time.monotonic() + 120\n"
    "while not release.exists() and time.monotonic() < deadline:\n"
    "    time.sleep(0.05)\n"
)
"""A CI command that writes its pid to argv[1] (the file appears whole), then waits until the file
argv[2] exists."""


def waiting_ci(started: Path, release: Path) -> dict[str, Any]:
    """A phase's `ci` running WAITING_CI: it starts, then waits for `release`."""
    return {"command": [sys.executable, "-c", WAITING_CI, str(started), str(release)]}


def start_autopack(*args: str | Path) -> subprocess.Popen[str]:
    """Start `autopack ARGS...` in the background, its output captured."""
    return subprocess.Popen(
        [*autopack_command(), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_file(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait until `path` exists while `proc` keeps running."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def wait_for_exit(pid: int, timeout: float = 30) -> None:
    """Wait until process `pid` (not a child of this one) has ended."""
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists() and _is_running(pid):
        assert time.monotonic() < deadline, f"process {pid} is still running"
        time.sleep(0.05)


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make the folder `path` read-only for autopack, as the file system would.

    As root (for whom permissions do not count), `path` is bind-mounted read-only; the test is
    skipped when that cannot be done. Otherwise its permissions lose the write bits.
    """
    import pytest

    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if not p.is_symlink()}
        for p, mode in modes.items():
            p.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if shutil.which("mount") is None:
        pytest.skip("as root, a read-only folder needs a read-only bind mount; mount is missing")
    bound = subprocess.run(
        ["mount", "--bind", str(path), str(path)], capture_output=True, text=True, check=False
    )
    if bound.returncode != 0:
        pytest.skip(f"cannot bind-mount {path} here: {bound.stderr.strip()}")
    try:
        remounted = subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if remounted.returncode != 0:
            pytest.skip(f"cannot make the bind mount of {path} read-only: {remounted.stderr}")
        yield
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)
