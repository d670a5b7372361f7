"""The paths a patch touches, as `git apply` itself reads them, and the symlinks it writes.

`git apply` strips one leading component from every header path (`+++ src/x` writes `x`), unquotes
C-style quoted names, and reads renames and copies from their extended headers. Rather than
re-implementing those rules, `inspect_patch` asks git: `git apply --numstat -z` (with the options of
the real apply) lists every destination path, and the same with `-R` lists every source path (the
old name of a rename, the origin of a copy). Symlinks are written from `git`-style sections whose
mode is 120000; each such section is inspected on its own to learn the link's path, and its one
added line is the link target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from autopack.git_commands import run_git

GIT_NUMSTAT_TIMEOUT_SECONDS = 30
SYMLINK_MODE_RE = re.compile(
    r"^(?:new file mode|new mode|index [0-9a-f]+\.\.[0-9a-f]+) 120000\s*$", re.MULTILINE
)
NO_PATCH_MARKERS = ("No valid patches in input", "patch with only garbage", "No changes")


class PatchInspectionError(Exception):
    """git could not read the patch; the message is git's own error text."""


@dataclass(frozen=True)
class Symlink:
    """A symbolic link the patch writes: its workspace-relative path and its target text."""

    path: str
    target: str


@dataclass(frozen=True)
class PatchPaths:
    """What a patch touches: every path git reads or writes (in patch order), and its symlinks."""

    paths: list[str] = field(default_factory=list)
    symlinks: list[Symlink] = field(default_factory=list)


def _numstat(workspace: Path, patch: str, options: list[str]) -> list[str]:
    proc = run_git(
        workspace,
        "apply",
        "--numstat",
        "-z",
        *options,
        "-",
        input=patch,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=GIT_NUMSTAT_TIMEOUT_SECONDS,
    )
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip()
        if any(marker in detail for marker in NO_PATCH_MARKERS):
            return []
        raise PatchInspectionError(" | ".join(detail.splitlines()[:5]) or "git apply failed")
    paths: list[str] = []
    # Records are "<added>\t<deleted>\t<path>\0"; a path may itself hold tabs.
    for record in proc.stdout.split("\0"):
        if not record:
            continue
        parts = record.split("\t", 2)
        if len(parts) == 3 and parts[2]:
            paths.append(parts[2])
    return paths


def _git_sections(patch: str) -> list[str]:
    """The `diff --git` sections of a patch (each up to the next `diff --git` line)."""
    starts = [m.start() for m in re.finditer(r"^diff --git ", patch, re.MULTILINE)]
    if not starts:
        return []
    ends = [*starts[1:], len(patch)]
    return [patch[a:b] for a, b in zip(starts, ends, strict=True)]


def _symlink_target(section: str) -> str:
    in_hunk = False
    added: list[str] = []
    for line in section.splitlines():
        if line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line.startswith("+"):
            added.append(line[1:])
    return "\n".join(added)


def inspect_patch(workspace: Path, patch: str, options: list[str]) -> PatchPaths:
    """Return every path the patch touches and every symlink it writes, as git reads the patch.

    `options` are the options the real `git apply` will be given (e.g. `--recount`). Raises
    PatchInspectionError when git cannot parse the patch; a patch without any file header gives
    no paths.
    """
    text = patch if patch.endswith("\n") else patch + "\n"
    found: dict[str, None] = {}
    for path in _numstat(workspace, text, options):
        found.setdefault(path, None)
    for path in _numstat(workspace, text, [*options, "-R"]):
        found.setdefault(path, None)
    symlinks: list[Symlink] = []
    for section in _git_sections(text):
        if not SYMLINK_MODE_RE.search(section):
            continue
        section_paths = _numstat(workspace, section, options)
        if not section_paths:
            continue
        symlinks.append(Symlink(section_paths[0], _symlink_target(section)))
    return PatchPaths(paths=list(found), symlinks=symlinks)


def symlink_target_path(workspace: Path, link: Symlink) -> str | None:
    """The workspace-relative path the link resolves to, or None when it leads outside the workspace.

    An absolute target, a target with a backslash, and one that climbs out of the workspace (also
    through symlinks already in it) lead outside.
    """
    if not link.target or link.target.startswith("/") or "\\" in link.target:
        return None
    root = Path(workspace).resolve()
    resolved = ((root / link.path).parent / link.target).resolve()
    if resolved == root:
        return "."
    if root not in resolved.parents:
        return None
    return resolved.relative_to(root).as_posix()
