"""Fixtures for unit tests: real git repositories in temporary folders."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

GIT_IDENTITY = ["-c", "user.name=tester", "-c", "user.email=tester@localhost"]


def git(repo: Path, *args: str) -> str:
    """Run git in `repo`, fail the test on a non-zero exit, return stdout."""
    proc = subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, f"git {args} failed: {proc.stderr}"
    return proc.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """A git repository on branch `main` with one commit holding `README.md`."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("hello\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "init")
    return repo


def make_new_file_patch(path: str, content: str) -> str:
    """A git-style unified diff that creates `path` with `content` (which ends with a newline)."""
    lines = content.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


@pytest.fixture
def new_file_patch():
    """The `make_new_file_patch(path, content)` helper, as a fixture."""
    return make_new_file_patch
