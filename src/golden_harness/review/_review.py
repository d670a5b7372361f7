"""``golden review --base REV``: what each commit of ``REV..HEAD`` proves, for a pull request's
reviewer.

For every commit, oldest first: its kind by subject prefix (the ``_commits`` module), the
goldens it adds, changes or removes against its first parent with their per-event differences
(:func:`golden_harness.review._golden_diff.describe_change`), for a ``move:`` the check-move verdict
(:func:`golden_harness.moves.check_move`, run in a temporary worktree of the commit against
its parent) and, when asked, for a ``move:`` or ``refactor:`` the verify-move verdict
(:func:`golden_harness.moves.verify_move`, the same way) and, when asked, the mutation score of
the goldens on the lines the commit touched (``golden strength --since <parent>``, measured by the
callable the caller passes, in the same worktree). The working tree is not read.

A commit fails when it is a move that is not pure, a move or refactor that touches anything under
the golden folder, or a verified move or refactor whose traces differ (or whose suite fails). The
renderings (text, GitHub-flavoured Markdown, JSON) carry no timings and no temporary paths.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from golden_harness.exceptions import GoldenHarnessError, ReviewError
from golden_harness.moves import (
    DEFAULT_TESTS,
    CheckMoveResult,
    ClassVerdict,
    ValueVerdict,
    VerifyMoveResult,
    check_move,
    git,
    resolve_revision,
    temporary_worktree,
    verify_move,
)
from golden_harness.review._commits import GUARDED_KINDS, commit_kind
from golden_harness.review._golden_diff import GoldenChange, changed_goldens, describe_change

__all__ = [
    "FORMATS",
    "CommitStrength",
    "GoldenEntry",
    "ReviewResult",
    "ReviewedCommit",
    "render_json",
    "render_markdown",
    "render_review",
    "render_text",
    "review",
]

FORMATS = ("text", "markdown", "json")
SHORT = 10
"""Characters of a commit id shown (a fixed width, unlike ``git log --format=%h``)."""

NEW_SIDE = "in the commit"
"""How the per-event differences name the commit's side; the parent's is ``at <parent>``."""


@dataclass(frozen=True)
class GoldenEntry:
    """One golden a commit touches: its path, ``added``, ``changed``, ``removed`` or
    ``unreadable``, what that means in events, and the per-event differences."""

    path: str
    status: str
    summary: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CommitStrength:
    """The mutation score of the goldens on the lines one commit touched, as ``golden strength
    --since <parent>`` reports it: a summary (``12/14 caught (85.7%)``), its table and survivors
    as printed, and its JSON document; ``error`` when it could not run."""

    summary: str
    lines: tuple[str, ...] = ()
    document: dict[str, Any] | None = None
    error: str | None = None


StrengthOfCommit = Callable[[Path, str], CommitStrength]
"""Measures a commit checked out at the path against its parent (a revision)."""


@dataclass
class ReviewedCommit:
    """One commit of the range and what it proves."""

    sha: str
    parent: str
    subject: str
    kind: str
    merge: bool
    goldens: list[GoldenEntry]
    other_golden_files: list[str]
    check: CheckMoveResult | None = None
    check_error: str | None = None
    verify: VerifyMoveResult | None = None
    verify_error: str | None = None
    strength: CommitStrength | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def short(self) -> str:
        return self.sha[:SHORT]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def touched(self) -> int:
        """Files under the golden folder that the commit changes, goldens or not."""
        return len(self.goldens) + len(self.other_golden_files)

    @property
    def verdict(self) -> str:
        """One phrase for the summary table."""
        if self.problems:
            return "; ".join(self.problems)
        passed = []
        if self.kind == "move":
            passed.append("pure move")
        elif self.kind == "refactor":
            passed.append("goldens untouched")
        elif self.touched:
            passed.append(f"{self.touched} golden file(s) changed")
        if self.verify is not None:
            passed.append("same traces")
        if self.strength is not None and self.strength.error is None:
            passed.append(f"strength {self.strength.summary}")
        return ", ".join(passed) or "no check"


@dataclass
class ReviewResult:
    """Every commit of ``base..HEAD``; :attr:`ok` is the exit verdict."""

    base: str
    base_commit: str
    head_commit: str
    golden_dir: str
    verified: bool
    commits: list[ReviewedCommit]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.commits)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.commits if c.kind == kind)


def _commits(root: Path, base: str, head: str) -> list[tuple[str, list[str], str]]:
    out = git(
        root, "log", "--topo-order", "--reverse", "--format=%H%x1f%P%x1f%s%x1e", f"{base}..{head}"
    )
    found = []
    for record in out.split("\x1e"):
        record = record.strip("\n")
        if record:
            sha, parents, subject = record.split("\x1f", 2)
            found.append((sha, parents.split(), subject))
    return found


def _entry(change: GoldenChange, parent: str) -> GoldenEntry:
    summary, lines = describe_change(change, parent[:SHORT], NEW_SIDE)
    if summary == "unreadable":
        status = "unreadable"
    elif change.old is None:
        status = "added"
    elif change.new is None:
        status = "removed"
    else:
        status = "changed"
    return GoldenEntry(change.path, status, summary, tuple(lines))


def _check(reviewed: ReviewedCommit, tree: Path) -> None:
    try:
        reviewed.check = check_move(tree, reviewed.parent)
    except GoldenHarnessError as error:
        reviewed.check_error = str(error)
        reviewed.problems.append("check-move could not run")
        return
    if not reviewed.check.moved_anything:
        reviewed.problems.append("no function moved")
    elif not reviewed.check.ok:
        reviewed.problems.append("not a pure move")


def _verify(reviewed: ReviewedCommit, tree: Path, tests: str) -> None:
    try:
        reviewed.verify = verify_move(tree, reviewed.parent, tests=tests)
    except GoldenHarnessError as error:
        reviewed.verify_error = str(error)
        reviewed.problems.append("verify-move could not run")
        return
    result = reviewed.verify
    if any(side.failed for side in result.sides):
        reviewed.problems.append("tests fail")
    if result.count("different"):
        reviewed.problems.append("traces differ")
    if result.count("equal") + result.count("different") == 0:
        reviewed.problems.append("no scenario ran on both sides")


def review(
    root: Path,
    base: str,
    *,
    verify: bool = False,
    golden_dir: str = "golden",
    tests: str = DEFAULT_TESTS,
    strength: StrengthOfCommit | None = None,
) -> ReviewResult:
    """Review every commit of ``base..HEAD`` in the repository at ``root``; with ``strength``,
    also measure each commit's own lines (informational: it fails no commit)."""
    base_commit = resolve_revision(root, base)
    head_commit = resolve_revision(root, "HEAD")
    try:
        git(root, "merge-base", base_commit, head_commit)
    except GoldenHarnessError:
        raise ReviewError(
            f"--base {base!r} shares no history with HEAD in {root}: give the branch the pull "
            f"request targets (for example --base origin/main), fetched with its history."
        ) from None
    commits = []
    for sha, parents, subject in _commits(root, base_commit, head_commit):
        if not parents:
            raise ReviewError(
                f"Commit {sha[:SHORT]} {subject!r} has no parent in this clone (a root commit, or "
                f"the edge of a shallow clone): fetch the history (git fetch --unshallow), or "
                f"pass a --base after it."
            )
        parent = parents[0]
        touched = git(
            root, "diff", "--name-only", "--no-renames", parent, sha, "--", golden_dir
        ).splitlines()
        goldens = [_entry(c, parent) for c in changed_goldens(root, golden_dir, parent, sha)]
        listed = {entry.path for entry in goldens}
        reviewed = ReviewedCommit(
            sha=sha,
            parent=parent,
            subject=subject,
            kind=commit_kind(subject),
            merge=len(parents) > 1,
            goldens=goldens,
            other_golden_files=sorted(set(touched) - listed),
        )
        if reviewed.kind in GUARDED_KINDS and reviewed.touched:
            reviewed.problems.append(f"touches {golden_dir}/")
        run_check = reviewed.kind == "move"
        run_verify = verify and reviewed.kind in GUARDED_KINDS
        if run_check or run_verify or strength is not None:
            with temporary_worktree(root, sha) as tree:
                if run_check:
                    _check(reviewed, tree)
                if run_verify:
                    _verify(reviewed, tree, tests)
                if strength is not None:
                    reviewed.strength = strength(tree, parent)
        commits.append(reviewed)
    return ReviewResult(base, base_commit, head_commit, golden_dir, verify, commits)


def _kinds_line(result: ReviewResult) -> str:
    kinds = ", ".join(
        f"{result.count(kind)} {kind}" for kind in ("capture", "move", "refactor", "other")
    )
    return f"{len(result.commits)} commit(s): {kinds}"


def _outcome(result: ReviewResult) -> str:
    failing = [c for c in result.commits if not c.ok]
    if failing:
        return f"FAILED: {len(failing)} commit(s) do not prove what their kind claims."
    verified = ", every move and refactor verified" if result.verified else ""
    return (
        f"OK: every commit proves what its kind claims ({result.count('move')} move(s) pure, "
        f"no move or refactor touches {result.golden_dir}/{verified})."
    )


def _at(path: str, line: int) -> str:
    return f"{path}:{line}"


def _check_lines(check: CheckMoveResult) -> list[str]:
    """The check-move verdict of one commit, without timings."""
    lines = []
    for v in check.verdicts:
        where = f"{v.added.full_name} ({_at(v.added.path, v.added.node.lineno)})"
        if v.counterpart is None:
            lines.append(
                f"no counterpart   {where}: no removed or wrapped function has a similar body"
            )
            continue
        origin = f"{v.counterpart.full_name} ({_at(v.counterpart.path, v.counterpart.node.lineno)} in the parent)"
        lines.append(f"{'pure move' if v.pure else 'NOT A PURE MOVE':<16} {where} <- {origin}")
        lines += [f"    {line}" for line in v.differences]
        lines += [f"    note: {note}" for note in v.notes]
    for w in check.wrappers:
        arguments = (
            "the same arguments"
            if w.wrapper.same_arguments
            else f"OTHER ARGUMENTS: {w.wrapper.call}"
        )
        lines.append(
            f"wrapper          {w.function.full_name} ({_at(w.function.path, w.function.node.lineno)}) "
            f"-> {w.delegates_to} with {arguments}"
        )
    for a in check.aliases:
        parameters = (
            "the same parameters" if a.passes_on else f"OTHER PARAMETERS: {'; '.join(a.problems)}"
        )
        lines.append(
            f"alias            {a.function.full_name} ({_at(a.function.path, a.line)}) "
            f"= {a.target} with {parameters}"
        )
    judged: list[ClassVerdict | ValueVerdict] = [*check.classes, *check.values]
    for c in judged:
        name = c.added.qualname if c.added.kind == "statement" else c.added.full_name
        origin = f" <- {c.counterpart.where} in the parent" if c.counterpart else ""
        lines.append(
            f"{'pure move' if c.pure else 'NOT A PURE MOVE':<16} {c.added.kind} {name} "
            f"({c.added.where}){origin}"
        )
        lines += [f"    {line}" for line in c.differences]
    for changed in check.in_place_definitions:
        place = changed.added
        lines.append(f"{'CHANGED IN PLACE':<16} {place.kind} {place.full_name} ({place.where})")
        lines += [f"    {line}" for line in changed.differences]
    for v in check.in_place:
        lines.append(
            f"{'same code' if v.pure else 'CHANGED IN PLACE':<16} {v.added.full_name} "
            f"({_at(v.added.path, v.added.node.lineno)})"
        )
        lines += [f"    {line}" for line in v.differences]
    for r in check.removed:
        d = r.definition
        lines.append(f"removed          {d.kind} {d.full_name} ({d.where} in the parent): {r.why}")
    for u in check.undefined:
        lines.append(f"undefined name   `{u.name}` in {u.function} ({_at(u.path, u.line)})")
    if not check.moved_anything:
        lines.append("nothing to check: the commit adds no function")
    return lines


def _verify_lines(result: VerifyMoveResult) -> list[str]:
    """The verify-move verdict of one commit, without timings or temporary paths: the scenarios
    that are not equal, the failed tests, then the counts."""
    lines = []
    for comparison in result.comparisons:
        if comparison.status == "equal":
            continue
        label = comparison.status.upper() if comparison.status == "different" else comparison.status
        lines.append(f"{label:<17} {comparison.scenario}")
        lines += [f"    {line}" for line in comparison.differences]
    for side, name in zip(result.sides, ("parent", "commit"), strict=True):
        lines += [f"test failed on the {name}: {test}" for test in side.failed]
    lines.append(
        f"{result.count('equal')} equal, {result.count('different')} different, "
        f"{result.count('only base')} only in the parent, "
        f"{result.count('only working tree')} only in the commit"
    )
    return lines


def _strength_lines(strength: CommitStrength | None) -> list[str]:
    """The text rendering's strength lines of one commit (none when not measured)."""
    if strength is None:
        return []
    if strength.error is not None:
        return [f"strength error: {line}" for line in strength.error.splitlines()]
    return [f"strength: {strength.summary}", *(f"strength: {line}" for line in strength.lines)]


def _golden_lines(entry: GoldenEntry) -> list[str]:
    return [f"{entry.path} ({entry.summary})", *(f"    {line}" for line in entry.lines)]


def render_text(result: ReviewResult) -> list[str]:
    """Plain lines for a terminal."""
    lines = [
        f"review: {result.base} ({result.base_commit[:SHORT]})..HEAD ({result.head_commit[:SHORT]}), "
        + _kinds_line(result)
    ]
    for c in result.commits:
        mark = "ok  " if c.ok else "FAIL"
        lines.append(f"{mark} {c.short} {c.kind:<8} {c.subject}")
        lines.append(f"       verdict: {c.verdict}")
        lines += [f"       {line}" for entry in c.goldens for line in _golden_lines(entry)]
        lines += [f"       {path} (not a golden)" for path in c.other_golden_files]
        if c.check is not None:
            lines += [f"       check-move: {line}" for line in _check_lines(c.check)]
        if c.check_error:
            lines.append(f"       check-move error: {c.check_error}")
        if c.verify is not None:
            lines += [f"       verify-move: {line}" for line in _verify_lines(c.verify)]
        if c.verify_error:
            lines.append(f"       verify-move error: {c.verify_error}")
        lines += [f"       {line}" for line in _strength_lines(c.strength)]
    lines.append(_outcome(result))
    return lines


def _cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, no line breaks."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fence(lines: list[str]) -> list[str]:
    """A fenced ``text`` block holding ``lines``, with a fence longer than any backtick run."""
    ticks = "`" * max(3, *(_backtick_run(line) + 1 for line in lines))
    return [f"{ticks}text", *lines, ticks]


def _backtick_run(line: str) -> int:
    best = run = 0
    for char in line:
        run = run + 1 if char == "`" else 0
        best = max(best, run)
    return best


def _touched_cell(c: ReviewedCommit) -> str:
    if not c.touched:
        return "0"
    counts: dict[str, int] = {}
    for entry in c.goldens:
        counts[entry.status] = counts.get(entry.status, 0) + 1
    if c.other_golden_files:
        counts["other files"] = len(c.other_golden_files)
    return f"{c.touched} (" + ", ".join(f"{n} {status}" for status, n in counts.items()) + ")"


def render_markdown(result: ReviewResult) -> list[str]:
    """GitHub-flavoured Markdown: a summary table, then a collapsible section per commit."""
    outcome = _outcome(result)
    lines = [
        f"## Golden review: `{result.base}` ({result.base_commit[:SHORT]})..HEAD ({result.head_commit[:SHORT]})",
        "",
        f"{_kinds_line(result)}. **{outcome}**",
        "",
        "| commit | kind | goldens touched | verdict |",
        "|---|---|---|---|",
    ]
    for c in result.commits:
        mark = "✅" if c.ok else "❌"
        lines.append(
            f"| `{c.short}` {_cell(c.subject)} | {c.kind}{' (merge)' if c.merge else ''} | "
            f"{_touched_cell(c)} | {mark} {_cell(c.verdict)} |"
        )
    for c in result.commits:
        mark = "✅" if c.ok else "❌"
        lines += [
            "",
            "<details>",
            f"<summary>{mark} <code>{c.short}</code> {_html(c.subject)}: {_html(c.verdict)}</summary>",
            "",
            f"Kind **{c.kind}**{', a merge (compared with its first parent)' if c.merge else ''}; "
            f"parent `{c.parent[:SHORT]}`.",
            "",
        ]
        if c.goldens or c.other_golden_files:
            lines += [f"**Goldens** ({c.touched} file(s) under `{result.golden_dir}/`):", ""]
            lines += [f"- `{e.path}`: {e.summary}" for e in c.goldens]
            lines += [f"- `{path}`: not a golden" for path in c.other_golden_files]
            details = [line for entry in c.goldens if entry.lines for line in _golden_lines(entry)]
            if details:
                lines += ["", *_fence(details)]
            lines.append("")
        else:
            lines += [f"No file under `{result.golden_dir}/` changed.", ""]
        if c.check is not None:
            lines += ["**check-move**:", "", *_fence(_check_lines(c.check)), ""]
        if c.check_error:
            lines += ["**check-move could not run**:", "", *_fence(c.check_error.splitlines()), ""]
        if c.verify is not None:
            lines += ["**verify-move**:", "", *_fence(_verify_lines(c.verify)), ""]
        if c.verify_error:
            lines += [
                "**verify-move could not run**:",
                "",
                *_fence(c.verify_error.splitlines()),
                "",
            ]
        if c.strength is not None:
            title = "strength could not run" if c.strength.error else "strength on its own lines"
            body = c.strength.error.splitlines() if c.strength.error else list(c.strength.lines)
            lines += [f"**{title}**: {_html(c.strength.summary)}", ""]
            lines += [*_fence(body), ""] if body else []
        lines.append("</details>")
    return lines


def _check_json(check: CheckMoveResult) -> dict[str, Any]:
    definitions: list[ClassVerdict | ValueVerdict] = [*check.classes, *check.values]
    return {
        "ok": check.ok,
        "scope": check.scope,
        "functions": [
            {
                "function": v.added.full_name,
                "at": _at(v.added.path, v.added.node.lineno),
                "counterpart": v.counterpart.full_name if v.counterpart else None,
                "counterpart_at": (
                    _at(v.counterpart.path, v.counterpart.node.lineno) if v.counterpart else None
                ),
                "pure": v.pure,
                "differences": v.differences,
                "notes": v.notes,
            }
            for v in check.verdicts
        ],
        "wrappers": [
            {
                "function": w.function.full_name,
                "at": _at(w.function.path, w.function.node.lineno),
                "delegates_to": w.delegates_to,
                "same_arguments": w.wrapper.same_arguments,
                "call": w.wrapper.call,
            }
            for w in check.wrappers
        ],
        "aliases": [
            {
                "function": a.function.full_name,
                "at": _at(a.function.path, a.line),
                "bound_to": a.target,
                "same_parameters": a.passes_on,
                "problems": list(a.problems),
            }
            for a in check.aliases
        ],
        "definitions": [
            {
                "kind": d.added.kind,
                "name": d.added.full_name,
                "at": d.added.where,
                "counterpart_at": d.counterpart.where if d.counterpart else None,
                "pure": d.pure,
                "differences": d.differences,
            }
            for d in definitions
        ],
        "in_place": [
            {
                "function": v.added.full_name,
                "at": _at(v.added.path, v.added.node.lineno),
                "same_code": v.pure,
                "differences": v.differences,
            }
            for v in check.in_place
        ]
        + [
            {
                "function": d.added.full_name,
                "at": d.added.where,
                "same_code": False,
                "differences": d.differences,
            }
            for d in check.in_place_definitions
        ],
        "removed": [
            {"kind": r.definition.kind, "name": r.definition.full_name, "at": r.definition.where}
            for r in check.removed
        ],
        "undefined": [
            {"name": u.name, "in": u.function, "at": _at(u.path, u.line)} for u in check.undefined
        ],
    }


def _verify_json(result: VerifyMoveResult) -> dict[str, Any]:
    names = {"only base": "only parent", "only working tree": "only commit"}
    return {
        "ok": result.ok,
        "counts": {
            names.get(status, status): result.count(status)
            for status in ("equal", "different", "only base", "only working tree")
        },
        "scenarios": [
            {
                "scenario": c.scenario,
                "status": names.get(c.status, c.status),
                "differences": list(c.differences),
            }
            for c in result.comparisons
            if c.status != "equal"
        ],
        "failed_tests": {
            name: side.failed for side, name in zip(result.sides, ("parent", "commit"), strict=True)
        },
    }


def render_json(result: ReviewResult) -> list[str]:
    """The same facts as the other renderings, as one JSON document (keys in a fixed order)."""
    document = {
        "base": result.base,
        "base_commit": result.base_commit,
        "head_commit": result.head_commit,
        "golden_dir": result.golden_dir,
        "verified": result.verified,
        "ok": result.ok,
        "counts": {kind: result.count(kind) for kind in ("capture", "move", "refactor", "other")},
        "commits": [
            {
                "sha": c.sha,
                "parent": c.parent,
                "subject": c.subject,
                "kind": c.kind,
                "merge": c.merge,
                "ok": c.ok,
                "verdict": c.verdict,
                "problems": c.problems,
                "goldens": [
                    {
                        "path": e.path,
                        "status": e.status,
                        "summary": e.summary,
                        "lines": list(e.lines),
                    }
                    for e in c.goldens
                ],
                "other_golden_files": c.other_golden_files,
                "check_move": _check_json(c.check) if c.check is not None else None,
                "check_move_error": c.check_error,
                "verify_move": _verify_json(c.verify) if c.verify is not None else None,
                "verify_move_error": c.verify_error,
                "strength": c.strength.document if c.strength is not None else None,
                "strength_error": c.strength.error if c.strength is not None else None,
            }
            for c in result.commits
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False).splitlines()


def render_review(result: ReviewResult, fmt: str) -> list[str]:
    """The lines of ``result`` in ``fmt`` (one of :data:`FORMATS`)."""
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json}
    if fmt not in renderers:
        raise ReviewError(f"--format {fmt!r} is not one of {', '.join(FORMATS)}: pick one of them.")
    return renderers[fmt](result)
