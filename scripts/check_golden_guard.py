"""Golden guard: a `move:` or `refactor:` commit must not change anything under the golden folder.

A refactoring move, and a refactor that merges or reshapes code, is proven safe by running the same
goldens before and after it, so the commit that makes it may not touch them. This script walks a
range of commits and fails when a commit whose subject marks it as a move or a refactor (`move:`,
`move(scope):`, `move!:`, `refactor:`, `refactor(scope):`, `refactor!:`; case-insensitive) adds,
modifies, deletes or renames a file under the golden folder, naming each such commit and its files.

Range:
- `--base REV` checks the commits reachable from `--head` (default `HEAD`) but not from REV, which is
  what `git log REV..HEAD` lists. When REV is not an ancestor of the head, that is the commits after
  their merge base, and a note says so; when they share no history, every commit of the head is checked.
- Without `--base`, the whole history of the head is checked, root commit included. This is what CI
  uses: on a clean clone of `main` every commit that ever landed is checked.

Merge commits are judged like any other by their subject; their changes are taken against their first
parent (what the merge brings into the line it lands on). The commits of a merged branch are in the
range themselves and are checked one by one.

Exit status: 0 when no move or refactor commit changes goldens, 1 when one does, 2 on bad input or a git error.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    from golden_harness.review import GUARDED_KINDS, subject_pattern
except ImportError as exc:  # pragma: no cover - the project is not installed
    print(
        f"golden guard: error: golden_harness is not importable ({exc}); install the project "
        "first: bash .ci/run setup (or pip install -e '.[dev]')",
        file=sys.stderr,
    )
    sys.exit(2)

GUARDED_SUBJECT = subject_pattern(GUARDED_KINDS)
"""Subjects of the commits that may not touch goldens: moves and refactors (the commit kinds of
golden_harness.review, which `golden review` reads too)."""


class GuardError(Exception):
    """Bad input or a failed git command; the message names the value and the fix."""


@dataclass(frozen=True)
class Commit:
    """One commit of the checked range."""

    sha: str
    short: str
    parents: tuple[str, ...]
    subject: str

    @property
    def is_guarded(self) -> bool:
        """A move or a refactor: the goldens must stay as they are."""
        return GUARDED_SUBJECT.match(self.subject) is not None


@dataclass(frozen=True)
class GoldenChange:
    """A change to one path under the golden folder: git status letter and the path(s)."""

    status: str
    paths: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.status} {' -> '.join(self.paths)}"


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise GuardError(f"git {' '.join(args)} failed in {str(repo)!r}: {proc.stderr.strip()}")
    return proc.stdout


def resolve_commit(repo: Path, rev: str) -> str:
    """Return the full sha of REV, or raise a GuardError naming the unknown revision."""
    proc = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise GuardError(
            f"unknown revision {rev!r} in {str(repo)!r}: pass a commit, branch or tag that exists "
            "(for a shallow clone, fetch the history first: git fetch --unshallow)"
        )
    return proc.stdout.strip()


def list_commits(repo: Path, base: str | None, head: str) -> list[Commit]:
    """Commits reachable from HEAD and not from BASE (all of HEAD's when BASE is None), oldest first."""
    spec = [f"{base}..{head}"] if base else [head]
    out = _git(repo, "log", "--topo-order", "--reverse", "--format=%H%x1f%h%x1f%P%x1f%s%x1e", *spec)
    commits = []
    for record in out.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        sha, short, parents, subject = record.split("\x1f", 3)
        commits.append(Commit(sha, short, tuple(parents.split()), subject))
    return commits


def golden_changes(repo: Path, commit: Commit, golden_dir: str) -> list[GoldenChange]:
    """Changes of COMMIT (against its first parent, or the empty tree for a root) under GOLDEN_DIR."""
    base_args = ["diff-tree", "-r", "-z", "--no-commit-id", "--name-status", "-M"]
    if commit.parents:
        out = _git(repo, *base_args, commit.parents[0], commit.sha)
    else:
        out = _git(repo, *base_args, "--root", commit.sha)
    fields = out.split("\0")
    changes = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        width = 2 if status[0] in "RC" else 1
        paths = tuple(fields[i + 1 : i + 1 + width])
        i += 1 + width
        if any(_under(path, golden_dir) for path in paths):
            changes.append(GoldenChange(status[0], paths))
    return changes


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + "/")


def _shallow_boundary(repo: Path) -> set[str]:
    shallow_file = Path(_git(repo, "rev-parse", "--git-path", "shallow").strip())
    if not shallow_file.is_absolute():
        shallow_file = repo / shallow_file
    return set(shallow_file.read_text().split()) if shallow_file.exists() else set()


def _normalize_golden_dir(raw: str) -> str:
    folder = raw.strip().removeprefix("./").strip("/")
    if not folder or folder.startswith("..") or Path(folder).is_absolute():
        raise GuardError(
            f"--golden-dir {raw!r} is not a folder inside the repository: pass a relative path "
            "such as 'golden'"
        )
    return folder


def _range_note(repo: Path, base_sha: str, head_sha: str, base: str) -> str | None:
    ancestor = subprocess.run(
        ["git", "-C", str(repo), "merge-base", "--is-ancestor", base_sha, head_sha],
        capture_output=True,
        check=False,
    )
    if ancestor.returncode == 0:
        return None
    merge_base = subprocess.run(
        ["git", "-C", str(repo), "merge-base", base_sha, head_sha],
        capture_output=True,
        text=True,
        check=False,
    )
    if merge_base.returncode != 0:
        return (
            f"note: --base {base!r} shares no history with the head; every commit of the head is "
            "checked"
        )
    return (
        f"note: --base {base!r} is not an ancestor of the head; checking the commits after their "
        f"merge base {merge_base.stdout.strip()[:12]}"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Fail when a `move:` or `refactor:` commit changes anything under the golden folder."
    )
    parser.add_argument(
        "--base",
        help="check the commits after this revision (default: the whole history of --head)",
    )
    parser.add_argument("--head", default="HEAD", help="last commit to check (default: HEAD)")
    parser.add_argument(
        "--golden-dir", default="golden", help="golden folder, relative to the repository root"
    )
    parser.add_argument("--repo", default=".", help="repository to check (default: current dir)")
    return parser


def run(repo: Path, base: str | None, head: str, golden_dir: str) -> int:
    """Check the range and print the outcome; return the exit status."""
    folder = _normalize_golden_dir(golden_dir)
    head_sha = resolve_commit(repo, head)
    base_sha = resolve_commit(repo, base) if base else None
    if base and base_sha:
        note = _range_note(repo, base_sha, head_sha, base)
        if note:
            print(note)
    commits = list_commits(repo, base_sha, head_sha)
    moves = [c for c in commits if c.is_guarded]
    shallow = _shallow_boundary(repo)
    violations: list[tuple[Commit, list[GoldenChange]]] = []
    for commit in moves:
        if commit.sha in shallow:
            raise GuardError(
                f"cannot check move/refactor commit {commit.short} {commit.subject!r}: its parent is outside "
                "this shallow clone; fetch the history (git fetch --unshallow) or pass a --base "
                "after it"
            )
        changes = golden_changes(repo, commit, folder)
        if changes:
            violations.append((commit, changes))
    scope = f"{base}..{head}" if base else f"the whole history of {head}"
    if not violations:
        print(
            f"golden guard: OK, {len(commits)} commits in {scope} checked, {len(moves)} move or "
            f"refactor commits, none changes {folder}/"
        )
        return 0
    print(
        f"golden guard: FAILED, {len(violations)} move or refactor commits change {folder}/ "
        f"({scope}):"
    )
    for commit, changes in violations:
        print(f"  {commit.short} {commit.subject!r}:")
        for change in changes:
            print(f"    {change.describe()}")
    print(
        "A move or refactor must leave the goldens untouched so that the same goldens verify the "
        "code before and after it. Fix: put golden changes in their own `capture:` commit before "
        "the move or refactor, or drop them from it."
    )
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return run(Path(args.repo), args.base, args.head, args.golden_dir)
    except GuardError as exc:
        print(f"golden guard: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
