"""``golden move``: plan the move, format it, write it (or print its diff), update the seams,
run the project's hook, prove it with check-move and verify-move, and commit it when both do.

Nothing is written until every file's new text is known and formatted; files are replaced
atomically (a temporary file beside each, then ``os.replace``). Outside ``--dry-run`` the move
starts from a clean working tree (no uncommitted changes to tracked files), so that the proofs,
which compare ``HEAD`` with the working tree, judge this move alone.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from golden_harness.exceptions import GoldenHarnessError, MoveRefusedError
from golden_harness.moves import (
    CheckMoveResult,
    VerifyMoveResult,
    check_move,
    git,
    render_check_move,
    render_verify_move,
    verify_move,
)
from golden_harness.relocate._plan import MoveRequest, Plan, plan_move
from golden_harness.relocate._project import (
    after_move_command,
    formatter_of,
    run_hook,
    update_covers,
)

__all__ = ["MoveOutcome", "perform_move", "render_move", "unified_diff"]

_LEFT = {"wrapper": "a thin wrapper", "alias": "an alias", "nothing": "nothing"}


@dataclass
class MoveOutcome:
    """What ``golden move`` did: the plan, its diff, the files written, the hook's output, both
    proofs (or why verify-move could not run) and the commit made."""

    plan: Plan
    diff: str
    dry_run: bool
    formatter: str | None = None
    unformatted: list[str] = field(default_factory=list)
    hook: str | None = None
    hook_output: str | None = None
    check: CheckMoveResult | None = None
    verify: VerifyMoveResult | None = None
    verify_error: str | None = None
    check_error: str | None = None
    commit: str | None = None
    message: str | None = None
    written: list[str] = field(default_factory=list)

    @property
    def proven(self) -> bool:
        """True when check-move calls the move pure and verify-move finds the same behaviour."""
        return bool(self.check and self.check.ok and self.verify and self.verify.ok)


def unified_diff(files: dict[str, tuple[str | None, str]]) -> str:
    """The unified diff of every changed file (``a/`` and ``b/`` paths, ``/dev/null`` for a
    new file), in path order."""
    chunks: list[str] = []
    for relpath in sorted(files):
        before, after = files[relpath]
        if before == after:
            continue
        chunks += difflib.unified_diff(
            (before or "").splitlines(keepends=True),
            after.splitlines(keepends=True),
            "/dev/null" if before is None else f"a/{relpath}",
            f"b/{relpath}",
        )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in chunks
    )


def _dirty(root: Path) -> list[str]:
    return [
        line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=no").splitlines()
    ]


def _write(root: Path, files: dict[str, tuple[str | None, str]]) -> list[str]:
    """Write every changed file atomically; all temporary files are written before any file is
    replaced."""
    staged: list[tuple[Path, Path]] = []
    try:
        for relpath, (before, after) in sorted(files.items()):
            if before == after:
                continue
            path = root / relpath
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(after)
            if path.exists():
                os.chmod(name, path.stat().st_mode & 0o7777)
            staged.append((Path(name), path))
    except OSError as error:
        for written, _ in staged:
            written.unlink(missing_ok=True)
        raise MoveRefusedError(
            f"Could not write the moved code ({error}); nothing was changed."
        ) from None
    for temporary, path in staged:
        os.replace(temporary, path)
    return [path.relative_to(root).as_posix() for _, path in staged]


def _renamed(plan: Plan) -> tuple[dict[str, str], bool]:
    located = plan.located
    keep_old = plan.leave == "wrapper" or (plan.leave == "alias" and located.owner is not None)
    return {plan.old_ref: plan.new_ref}, keep_old


def perform_move(
    request: MoveRequest,
    *,
    dry_run: bool = False,
    commit: bool = False,
    tests: str = "tests/characterization",
    seams: str = "tests",
    verify: bool = True,
) -> MoveOutcome:
    """Plan, write and prove one move (see the module's docstring); refusals raise
    :class:`MoveRefusedError` before any file changes. ``tests`` is the suite verify-move runs,
    ``seams`` the folder whose ``Seam(covers=...)`` declarations are updated. With
    ``verify=False`` only check-move runs (the move is then never committed)."""
    root = request.root
    if not dry_run and (dirty := _dirty(root)):
        listed = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        raise MoveRefusedError(
            f"The working tree has uncommitted changes ({listed}): check-move and verify-move "
            "compare HEAD with the working tree, so they would judge them too. Commit or stash "
            "them first (or use --dry-run)."
        )
    plan = plan_move(request)
    renamed, keep_old = _renamed(plan)
    edited = set(plan.files)
    covers = update_covers(root, seams, renamed, keep_old, plan.files) - edited
    formatter = formatter_of(root)
    unformatted: list[str] = []
    if formatter is not None:
        packages = [plan.located.module.split(".")[0], plan.target.module.split(".")[0]]
        for relpath, (before, after) in plan.files.items():
            imports = relpath not in covers
            if before and formatter.format(root, relpath, before, imports=imports) != before:
                unformatted.append(relpath)  # formatting it would change lines the move did not
                continue
            formatted = formatter.format(root, relpath, after, imports=imports, packages=packages)
            plan.files[relpath] = (before, formatted)
    outcome = MoveOutcome(
        plan, unified_diff(plan.files), dry_run, formatter.name if formatter else None
    )
    outcome.unformatted = unformatted
    outcome.hook = after_move_command(root)
    if dry_run:
        return outcome
    untracked_before = set(git(root, "ls-files", "--others", "--exclude-standard").splitlines())
    outcome.written = _write(root, plan.files)
    if outcome.hook is not None:
        outcome.hook_output = run_hook(root, outcome.hook)
    try:
        outcome.check = check_move(root, "HEAD")
    except GoldenHarnessError as error:
        outcome.check_error = str(error)
    if verify:
        try:
            outcome.verify = verify_move(root, "HEAD", (), tests=tests)
        except GoldenHarnessError as error:
            outcome.verify_error = str(error)
    if commit and outcome.proven:
        new_files = [
            p
            for p in git(root, "ls-files", "--others", "--exclude-standard").splitlines()
            if p not in untracked_before
        ]
        git(root, "add", "-u")
        if new_files:
            git(root, "add", "--", *new_files)
        outcome.message = _message(outcome)
        git(root, "commit", "-q", "-m", outcome.message)
        outcome.commit = git(root, "rev-parse", "HEAD").strip()
    return outcome


def _summary(lines: list[str], marker: str) -> str:
    return next((line for line in reversed(lines) if marker in line), lines[-1])


def _message(outcome: MoveOutcome) -> str:
    plan = outcome.plan
    assert outcome.check is not None
    assert outcome.verify is not None
    check = _summary(render_check_move(outcome.check), "pure move(s)")
    verify = render_verify_move(outcome.verify)
    return (
        f"move: {plan.located.qualname} to {plan.target.module}\n\n"
        f"golden move {plan.located.relpath}::{plan.located.qualname} --to {plan.target.module}: "
        f"{plan.target.module}.{plan.new_name}, leaving {_LEFT[plan.leave]}.\n"
        f"golden check-move --base HEAD: {check}\n"
        f"golden verify-move --base HEAD: {_summary(verify, ' equal, ')} {verify[-1]}\n"
    )


def render_move(outcome: MoveOutcome, *, verbose: bool = False) -> list[str]:
    """The lines ``golden move`` prints: what moved where, check-move's report, verify-move's
    report (the scenarios that are not equal; every scenario with ``verbose``) and the
    outcome."""
    plan = outcome.plan
    located = plan.located
    lines = [
        f"golden move: {located.qualname} ({located.relpath}, a {located.kind}) -> "
        f"{plan.target.module}.{plan.new_name} ({plan.target.relpath}), leaving "
        f"{_LEFT[plan.leave]}"
    ]
    if plan.helpers:
        lines.append(f"  moved along: {', '.join(plan.helpers)}")
    if outcome.formatter:
        left = (
            f" ({', '.join(outcome.unformatted)} left as written: not formatted with "
            f"{outcome.formatter} before the move, so formatting would change other lines too)"
            if outcome.unformatted
            else ""
        )
        lines.append(f"  formatted with {outcome.formatter}{left}")
    if outcome.dry_run:
        lines.append("  dry run: nothing written; the diff it would make:")
        lines += outcome.diff.rstrip("\n").splitlines()
        if outcome.hook:
            lines.append(f"  after-move (not run in a dry run): {outcome.hook}")
        return lines
    lines.append(f"  wrote {', '.join(outcome.written)}")
    if outcome.hook:
        lines.append(f"  after-move: {outcome.hook}: done")
    if outcome.check is not None:
        lines += render_check_move(outcome.check)
    elif outcome.check_error:
        lines.append(f"check-move could not run: {outcome.check_error}")
    if outcome.verify is not None:
        lines += render_verify_move(outcome.verify, verbose=verbose)
    elif outcome.verify_error:
        lines.append(f"verify-move could not run: {outcome.verify_error}")
    if outcome.commit:
        lines.append(
            f"Committed {outcome.commit[:12]}: {outcome.message.splitlines()[0] if outcome.message else ''}"
        )
    elif outcome.proven:
        lines.append("Proven: check-move and verify-move both pass (pass --commit to commit it).")
    else:
        failed = []
        if not (outcome.check and outcome.check.ok):
            failed.append("check-move does not call it a pure move")
        if not (outcome.verify and outcome.verify.ok):
            failed.append("verify-move does not find the same behaviour")
        lines.append(
            f"Not proven ({'; '.join(failed)}): the working tree keeps the move, nothing is "
            "committed. Fix it, or undo it with git checkout/git clean."
        )
    return lines
