"""Which files a Doctor fix command would touch, and whether the user has changes in them.

The Doctor's fix commands (`git checkout`, `git restore`, `git stash`, `git clean`) can discard
work. A fix may only touch changes the run made: the user's changes, those the workspace had when
the run started (its checkpoint), are never touched. `touched_by(argv)` tells which paths a
command would change (`WHOLE_WORKSPACE` when it may change any, nothing for commands that only
read); `blocked_paths(...)` names the user's changed paths among them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

WHOLE_WORKSPACE = ("*",)
"""The pathspecs of a command that may change any file."""

_READ_ONLY = {
    "stash": {"list", "show"},
}
_OPTIONS_WITH_VALUES = {
    "checkout": {"-b", "-B", "--orphan", "--conflict", "--pathspec-from-file"},
    "restore": {"-s", "--source", "--conflict", "--pathspec-from-file"},
    "clean": {"-e", "--exclude"},
}
_GLOB_CHARACTERS = set("*?[")


def touched_by(argv: Sequence[str]) -> tuple[str, ...]:
    """The pathspecs a whitelisted git command would change files under.

    `git checkout` and `git restore` change the paths they are given (every argument that is not
    an option; after `--`, every argument); `git clean` removes untracked files under its paths
    (the whole workspace without one; nothing with `-n`); `git stash` may change any file, except
    `git stash list` and `git stash show`, which only read. A command that changes nothing (a
    bare `git checkout`) gives no pathspec.
    """
    command, args = argv[1], list(argv[2:])
    if command == "stash":
        return () if args and args[0] in _READ_ONLY["stash"] else WHOLE_WORKSPACE
    if command == "clean" and any(a in ("-n", "--dry-run") for a in args):
        return ()
    paths: list[str] = []
    takes_value = _OPTIONS_WITH_VALUES.get(command, set())
    skip_next = False
    for index, arg in enumerate(args):
        if skip_next:
            skip_next = False
            continue
        if arg == "--":
            paths.extend(args[index + 1 :])
            break
        if arg.startswith("-"):
            skip_next = arg in takes_value
            continue
        paths.append(arg)
    if command == "clean" and not paths:
        return WHOLE_WORKSPACE
    return tuple(paths)


def _matches(path: str, pathspec: str) -> bool:
    spec = pathspec.removeprefix("./").rstrip("/")
    if spec in ("", ".", "*", ":/", ":") or spec.startswith(":"):
        return True  # the whole workspace, or pathspec magic: assume any file
    if _GLOB_CHARACTERS & set(spec):
        return fnmatch.fnmatchcase(path, spec) or fnmatch.fnmatchcase(path, spec + "/*")
    return path == spec or path.startswith(spec + "/")


def blocked_paths(pathspecs: Iterable[str], user_changes: Iterable[str]) -> list[str]:
    """The paths of `user_changes` that the pathspecs cover, sorted."""
    specs = list(pathspecs)
    return sorted(p for p in set(user_changes) if any(_matches(p, s) for s in specs))
