"""Governed patch application: path governance, then `git apply` in the workspace."""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autopack.git_commands import run_git
from autopack.patch_inspection import PatchInspectionError, inspect_patch, symlink_target_path

logger = logging.getLogger(__name__)

DEFAULT_PROTECTED_PATHS = (".autonomous_runs/", ".git/")
GIT_APPLY_TIMEOUT_SECONDS = 60


@dataclass
class ApplyResult:
    """Outcome of a governed apply; violations are listed by kind when the patch was refused."""

    success: bool
    error: str | None = None
    files_changed: list[str] = field(default_factory=list)
    protected_violations: list[str] = field(default_factory=list)
    scope_violations: list[str] = field(default_factory=list)


def patch_paths(patch: str) -> list[str]:
    """Return the workspace-relative paths a unified diff touches, in order of first mention.

    Reads `diff --git`, `---`/`+++` and rename headers, strips the `a/` and `b/` prefixes, and skips
    `/dev/null`. Paths without those prefixes are returned as written (so `/etc/x` stays absolute).
    """
    found: dict[str, None] = {}
    for line in patch.splitlines():
        candidates: list[str] = []
        if line.startswith("diff --git "):
            parts = line[len("diff --git ") :].split(" ")
            candidates = [p for p in parts if p]
        elif line.startswith(("--- ", "+++ ")):
            candidates = [line[4:].split("\t")[0].strip()]
        elif line.startswith(("rename from ", "rename to ")):
            candidates = [line.split(" ", 2)[2].strip()]
        for raw in candidates:
            if raw == "/dev/null" or not raw:
                continue
            path = raw[2:] if raw.startswith(("a/", "b/")) else raw
            found.setdefault(path, None)
    return list(found)


def _under(path: str, root: str) -> bool:
    root = root.strip()
    if not root or root in (".", "./"):
        return True
    root = root.rstrip("/")
    return path == root or path.startswith(root + "/")


class GovernedApplyPath:
    """Applies unified diffs to a workspace while refusing paths the phase may not touch.

    Refused: absolute paths, `..` traversal, protected paths (`.autonomous_runs/`, `.git/`, the
    database file, and any given) unless explicitly approved, and paths outside `allowed_paths` when
    that list is non-empty.
    """

    def __init__(
        self,
        workspace: Path,
        allowed_paths: list[str] | None = None,
        protected_paths: list[str] | None = None,
        *,
        approved_protected_paths: list[str] | None = None,
    ) -> None:
        self.workspace = Path(workspace)
        self.allowed_paths = [p for p in (allowed_paths or []) if p]
        self.protected_paths = list(DEFAULT_PROTECTED_PATHS) + list(protected_paths or [])
        self.approved_protected_paths = set(approved_protected_paths or [])

    def check_paths(self, paths: list[str]) -> tuple[list[str], list[str]]:
        """Split the refused paths of `paths` into (protected violations, scope violations)."""
        protected: list[str] = []
        scope: list[str] = []
        for path in paths:
            pure = PurePosixPath(path)
            if pure.is_absolute() or ".." in pure.parts or "\\" in path:
                scope.append(path)
                continue
            if any(_under(path, p) or path == p.rstrip("/") for p in self.protected_paths):
                if path not in self.approved_protected_paths:
                    protected.append(path)
                continue
            if self.allowed_paths and not any(_under(path, root) for root in self.allowed_paths):
                scope.append(path)
        return protected, scope

    def apply_patch(self, patch: str, *, full_file_mode: bool = True) -> ApplyResult:
        """Check the paths git will touch, then apply the patch with `git apply` (all hunks or none).

        The paths are the ones `git apply` itself reads from the patch with the same options
        (`patch_inspection.inspect_patch`): prefixes stripped, quoted names unquoted, both sides
        of renames and copies. A symlink whose target leads outside the workspace, or into a
        refused path, is refused too. `full_file_mode` adds `--recount`, since full-file diffs may
        carry inexact hunk counts.
        """
        if not patch.strip():
            return ApplyResult(success=False, error="empty patch: the builder produced no diff")
        options = ["--whitespace=nowarn"]
        if full_file_mode:
            options.append("--recount")
        try:
            inspected = inspect_patch(self.workspace, patch, options)
        except PatchInspectionError as exc:
            return ApplyResult(success=False, error=f"git apply failed: {exc}")
        except (OSError, subprocess.SubprocessError) as exc:
            return ApplyResult(success=False, error=f"git apply failed: {exc}")
        paths = inspected.paths
        if not paths:
            return ApplyResult(success=False, error="not a unified diff: no file headers found")
        protected, scope = self.check_paths(paths)
        for link in inspected.symlinks:
            target = symlink_target_path(self.workspace, link)
            if target is None:
                scope.append(f"{link.path} -> {link.target}")
                continue
            target_protected, target_scope = self.check_paths([target])
            if target_protected:
                protected.append(f"{link.path} -> {link.target}")
            elif target_scope:
                scope.append(f"{link.path} -> {link.target}")
        if protected or scope:
            problems = []
            if protected:
                problems.append(f"protected paths {protected!r}")
            if scope:
                problems.append(f"paths outside the allowed scope {scope!r}")
            return ApplyResult(
                success=False,
                error="patch refused: " + "; ".join(problems),
                protected_violations=protected,
                scope_violations=scope,
            )
        text = patch if patch.endswith("\n") else patch + "\n"
        try:
            proc = run_git(
                self.workspace,
                "apply",
                *options,
                "-",
                input=text,
                encoding="utf-8",
                errors="surrogateescape",
                timeout=GIT_APPLY_TIMEOUT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return ApplyResult(success=False, error="git apply timed out")
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            return ApplyResult(success=False, error="git apply failed: " + " | ".join(detail[:5]))
        logger.info("Applied patch touching %d file(s): %s", len(paths), ", ".join(paths))
        return ApplyResult(success=True, files_changed=paths)
