"""What a Doctor fix command would touch, and which of the user's changes that covers."""

from __future__ import annotations

import shlex

import pytest

from autopack.fix_guard import WHOLE_WORKSPACE, blocked_paths, touched_by


@pytest.mark.parametrize(
    ("command", "pathspecs"),
    [
        ("git checkout -- src/app.py", ("src/app.py",)),
        ("git checkout src/app.py docs/", ("src/app.py", "docs/")),
        ("git checkout", ()),
        ("git checkout -b topic -- a.py", ("a.py",)),
        ("git checkout -f -- -odd.py", ("-odd.py",)),
        ("git restore --staged src/app.py", ("src/app.py",)),
        ("git restore --source HEAD~1 src/app.py", ("src/app.py",)),
        ("git restore -s HEAD src/app.py", ("src/app.py",)),
        ("git stash", WHOLE_WORKSPACE),
        ("git stash pop", WHOLE_WORKSPACE),
        ("git stash list", ()),
        ("git stash show -p", ()),
        ("git clean -fd", WHOLE_WORKSPACE),
        ("git clean -fd build/", ("build/",)),
        ("git clean -n", ()),
        ("git clean --dry-run -d", ()),
        ("git clean -fd -e keep.txt", WHOLE_WORKSPACE),
    ],
)
def test_the_paths_a_command_would_change(command: str, pathspecs: tuple[str, ...]) -> None:
    assert touched_by(shlex.split(command)) == pathspecs


@pytest.mark.parametrize(
    ("pathspecs", "blocked"),
    [
        (("src/app.py",), ["src/app.py"]),
        (("./src/app.py",), ["src/app.py"]),
        (("src/",), ["src/app.py", "src/lib/util.py"]),
        (("src",), ["src/app.py", "src/lib/util.py"]),
        (("sr",), []),
        (("src/app.p",), []),
        (("*.py",), ["setup.py", "src/app.py", "src/lib/util.py"]),
        (("src/*.py",), ["src/app.py", "src/lib/util.py"]),
        (("docs/[a-c]*",), ["docs/b.md"]),
        ((".",), ["docs/b.md", "setup.py", "src/app.py", "src/lib/util.py"]),
        ((":(glob)src/**",), ["docs/b.md", "setup.py", "src/app.py", "src/lib/util.py"]),
        (WHOLE_WORKSPACE, ["docs/b.md", "setup.py", "src/app.py", "src/lib/util.py"]),
        (("other.txt",), []),
    ],
)
def test_the_users_changes_a_command_covers(pathspecs: tuple[str, ...], blocked: list[str]) -> None:
    changes = {"src/app.py", "src/lib/util.py", "setup.py", "docs/b.md"}
    assert blocked_paths(pathspecs, changes) == blocked
