"""The ``golden`` command: ``report``, ``diff``, ``verify-move``, ``check-move``, ``coverage``,
``strength``, ``review`` and ``move``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from golden_harness.exceptions import GoldenHarnessError, ReviewError
from golden_harness.format import write_atomic
from golden_harness.moves import (
    CommandExit,
    CommandInterrupted,
    git,
    hashing_is_fixed,
    interruptible,
    repository_root,
    rerun_with_fixed_hashing,
    run_pytest,
    with_fixed_hashing,
)
from golden_harness.redaction import Redactor
from golden_harness.review import (
    OK_STATUSES,
    build_report,
    changed_goldens,
    render_changes,
    render_report,
)

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="golden", description="Review golden traces.")
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="Repository root (default: the git top level of the current folder).",
    )
    parser.add_argument(
        "--golden-dir",
        default="golden",
        help="Golden folder relative to the root (default: golden).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser(
        "report", help="Every seam: its code now, its scenarios and their status."
    )
    report.add_argument(
        "--tests",
        default="tests",
        help="Folder searched for GOLDEN_SEAM declarations (default: tests).",
    )
    report.add_argument(
        "--run",
        action="store_true",
        help="Run pytest on --tests first, so the statuses are current.",
    )
    report.add_argument(
        "--allow-missing",
        action="store_true",
        help="Exit 0 although a covers entry names nothing (it is still listed as unresolved).",
    )
    diff = commands.add_parser(
        "diff",
        help="Goldens changed since --base, rendered per event; exits 1 when any differs.",
    )
    diff.add_argument(
        "--base", default="HEAD", help="Git revision to compare with (default: HEAD)."
    )
    verify = commands.add_parser(
        "verify-move",
        allow_abbrev=False,
        help="Run the characterization suite on --base and on the working tree; compare traces.",
        description="Any argument not listed here is passed to pytest on both sides (a "
        "selection such as tests/characterization/test_x.py, -k name, -n 2).",
    )
    verify.add_argument("--base", required=True, help="Git revision before the move.")
    verify.add_argument(
        "--tests",
        default="tests/characterization",
        help="Suite run when the pytest arguments name no path (default: tests/characterization).",
    )
    verify.add_argument(
        "--verbose",
        action="store_true",
        help="List every scenario, the equal ones too (default: only those that differ).",
    )
    check = commands.add_parser(
        "check-move",
        help="Is each function added since --base a pure move of a removed or wrapped one?",
    )
    check.add_argument("--base", required=True, help="Git revision before the move.")
    check.add_argument(
        "--package",
        default=None,
        help="Dotted package whose added functions are checked (default: every changed package).",
    )
    check.add_argument(
        "--allow-rename",
        action="store_true",
        help="Accept a function renamed on its move although its decorators or logs may read "
        "its name.",
    )
    check.add_argument(
        "--allow-removed",
        action="store_true",
        help="Accept functions, classes and values removed since --base that are nowhere now.",
    )
    cover = commands.add_parser(
        "coverage", help="Per seam: lines and branches its own scenarios execute."
    )
    cover.add_argument(
        "--tests",
        default="tests/characterization",
        help="Folder of the characterization modules (default: tests/characterization).",
    )
    cover.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="PERCENT",
        help="Exit 1 when a seam's line or branch coverage is below PERCENT.",
    )
    cover.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    cover.add_argument(
        "--allow-missing",
        action="store_true",
        help="Exit 0 although a covers entry names nothing (it is still listed as unresolved).",
    )
    strength = commands.add_parser(
        "strength", help="Mutation score of each seam's goldens on the seam's own code."
    )
    strength.add_argument("--seam", default=None, help="Only this seam (default: every seam).")
    strength.add_argument(
        "--tests",
        default="tests/characterization",
        help="Folder of the characterization modules (default: tests/characterization).",
    )
    strength.add_argument(
        "--jobs", type=int, default=2, help="Mutants run at the same time (default: 2)."
    )
    strength.add_argument(
        "--max-mutants",
        type=int,
        default=None,
        help="At most this many mutants per seam, evenly spread over its code (default: all).",
    )
    strength.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="PERCENT",
        help="Exit 1 when the overall mutation score is below PERCENT.",
    )
    strength.add_argument(
        "--since",
        default=None,
        metavar="REV",
        help="Only mutants on the lines added or changed since REV (moved code counts whole).",
    )
    strength.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help="Run slice K of N (zero-based) of the mutants, for one of N machines.",
    )
    strength.add_argument(
        "--json", type=Path, default=None, metavar="FILE", help="Also write the outcomes here."
    )
    strength.add_argument(
        "--all-scenarios",
        action="store_true",
        help="Run each mutant against every scenario of its seam's modules and of the modules "
        "executing its lines, not only the scenarios executing them (slower).",
    )
    strength.add_argument(
        "--no-cache",
        action="store_true",
        help="Run every mutant, also those whose outcome is kept from an earlier run.",
    )
    strength.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        default=None,
        metavar="FILE",
        help="Print the table of the shards' --json files as one run (nothing runs).",
    )
    review = commands.add_parser(
        "review",
        help="Per commit since --base: its kind, golden changes per event, check-move and "
        "verify-move verdicts; exits 1 when a move or refactor proves less than it claims.",
    )
    review.add_argument(
        "--base", required=True, help="Git revision the commits are reviewed since."
    )
    review.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="Output: text (default), markdown (GitHub-flavoured) or json.",
    )
    review.add_argument(
        "--verify",
        action="store_true",
        help="Also run verify-move for each move: and refactor: commit against its parent.",
    )
    review.add_argument(
        "--strength",
        action="store_true",
        help="Also measure each commit's mutation score on the lines it touched "
        "(golden strength --since its parent).",
    )
    review.add_argument(
        "--tests",
        default="tests/characterization",
        help="Suite verify-move and strength run (default: tests/characterization).",
    )
    move = commands.add_parser(
        "move",
        help="Move a method, function or class to another module, then prove the move with "
        "check-move and verify-move (and commit it with --commit).",
    )
    move.add_argument(
        "source", metavar="SOURCE", help="path/to/file.py::Class.method, ::function or ::Class."
    )
    move.add_argument("--to", required=True, metavar="MODULE", help="Dotted module to move to.")
    move.add_argument("--name", default=None, help="Name at the new place (default: see docs).")
    move.add_argument(
        "--leave",
        choices=["wrapper", "alias", "nothing"],
        default=None,
        help="What stays: a thin wrapper (default; an import for a class), an alias, or nothing "
        "(every caller rewritten).",
    )
    move.add_argument(
        "--with-helpers",
        action="store_true",
        help="Also move the module's definitions that only the moved code uses.",
    )
    move.add_argument(
        "--self-name", default=None, help="Name of the instance parameter a method gets."
    )
    move.add_argument("--dry-run", action="store_true", help="Print the diff; change nothing.")
    move.add_argument(
        "--commit",
        action="store_true",
        help="Commit as `move: NAME to MODULE` when check-move and verify-move both prove it.",
    )
    move.add_argument(
        "--tests",
        default="tests/characterization",
        help="Suite verify-move runs (default: tests/characterization).",
    )
    move.add_argument(
        "--verbose",
        action="store_true",
        help="List every scenario verify-move compared, the equal ones too.",
    )
    return parser


def _show(lines: Sequence[str]) -> None:
    """Print a command's output with its secrets redacted: it shows code, commit subjects and
    goldens, and ends up in CI logs and pull requests."""
    print(Redactor().text("\n".join(lines)))


def _missing_covers(unresolved: Sequence[tuple[str, str]], allow: bool) -> bool:
    """Print the ``covers`` entries that name nothing, as (seam, message) pairs, and say how to
    go on; True when they fail the command (some, and no ``--allow-missing``)."""
    if not unresolved:
        return False
    lines = [f"  seam {seam}: {message}" for seam, message in unresolved]
    count = f"{len(unresolved)} covers entr{'y names' if len(unresolved) == 1 else 'ies name'}"
    if allow:
        lines.append(f"{count} nothing (--allow-missing: not a failure).")
    else:
        lines.append(
            f"{count} nothing: correct {'it' if len(unresolved) == 1 else 'them'} in the "
            f"module's GOLDEN_SEAM, or pass --allow-missing to exit 0 anyway."
        )
    _show(["Covers entries that name nothing:", *lines])
    return not allow


def _move(args: argparse.Namespace) -> int:
    from golden_harness.relocate import MoveRequest, perform_move, render_move

    request = MoveRequest(
        repository_root(args.root or Path.cwd()),
        args.source,
        args.to,
        name=args.name,
        leave=args.leave,
        with_helpers=args.with_helpers,
        self_name=args.self_name,
    )
    outcome = perform_move(request, dry_run=args.dry_run, commit=args.commit, tests=args.tests)
    _show(render_move(outcome, verbose=args.verbose))
    return CommandExit.OK if args.dry_run or outcome.proven else CommandExit.FOUND


def _review(args: argparse.Namespace) -> int:
    from golden_harness.review import CommitStrength, render_review, review

    def strength(tree: Path, parent: str) -> CommitStrength:
        from golden_harness.measure import strength_of_commit

        return CommitStrength(*strength_of_commit(tree, parent, args.tests))

    result = review(
        repository_root(args.root or Path.cwd()),
        args.base,
        verify=args.verify,
        golden_dir=args.golden_dir,
        tests=args.tests,
        strength=strength if args.strength else None,
    )
    _show(render_review(result, args.format))
    return CommandExit.OK if result.ok else CommandExit.FOUND


def _root(given: Path | None) -> Path:
    if given is not None:
        return given.resolve()
    try:
        return Path(git(Path.cwd(), "rev-parse", "--show-toplevel").strip())
    except GoldenHarnessError:
        return Path.cwd().resolve()


def _verify_move(args: argparse.Namespace, extra: list[str]) -> int:
    from golden_harness.moves import render_verify_move, verify_move

    result = verify_move(
        repository_root(args.root or Path.cwd()), args.base, extra, tests=args.tests
    )
    _show(render_verify_move(result, verbose=args.verbose))
    return CommandExit.OK if result.ok else CommandExit.FOUND


def _check_move(args: argparse.Namespace) -> int:
    from golden_harness.moves import check_move, render_check_move

    result = check_move(
        repository_root(args.root or Path.cwd()),
        args.base,
        args.package,
        allow_rename=args.allow_rename,
        allow_removed=args.allow_removed,
    )
    _show(render_check_move(result))
    return CommandExit.OK if result.ok else CommandExit.FOUND


def _coverage(args: argparse.Namespace) -> int:
    from golden_harness.measure import coverage_json, measure_coverage, render_coverage

    results, seconds = measure_coverage(repository_root(args.root or Path.cwd()), args.tests)
    _show(render_coverage(results, seconds))
    if args.json is not None:
        write_atomic(args.json, coverage_json(results, seconds) + "\n")
    missing = _missing_covers([(r.seam, e) for r in results for e in r.errors], args.allow_missing)
    if args.fail_under is None:
        return CommandExit.FOUND if missing else CommandExit.OK
    below = [
        r.seam
        for r in results
        if (r.errors and not args.allow_missing)
        or min(r.line_percent, r.branch_percent) < args.fail_under
    ]
    if below:
        print(f"Below {args.fail_under:g}% (or unresolved): {', '.join(below)}")
    return CommandExit.FOUND if below or missing else CommandExit.OK


def _strength(args: argparse.Namespace) -> int:
    from golden_harness.measure import (
        measure_strength,
        merge_runs,
        parse_shard,
        render_strength,
        run_json,
    )

    if args.jobs < 1:
        raise ReviewError(f"--jobs {args.jobs!r} must be at least 1 (the machine's cores at most).")
    if args.merge is not None:
        given = [f"--{n}" for n in ("seam", "since", "shard", "max_mutants") if getattr(args, n)]
        if given:
            raise ReviewError(
                f"--merge prints the shards' outcomes and runs nothing: leave out "
                f"{', '.join(given)} (each shard was run with them)."
            )
        run = merge_runs(args.merge)
    else:
        shard = parse_shard(args.shard) if args.shard is not None else None
        run = measure_strength(
            repository_root(args.root or Path.cwd()),
            args.tests,
            args.seam,
            jobs=args.jobs,
            max_mutants=args.max_mutants,
            since=args.since,
            shard=shard,
            use_cache=not args.no_cache,
            every_scenario=args.all_scenarios,
        )
    _show(render_strength(run))
    if args.json is not None:
        write_atomic(args.json, run_json(run) + "\n")
    results = run.seams
    killed, total = sum(r.detected for r in results), sum(r.total for r in results)
    if any(r.errors for r in results):
        return CommandExit.FOUND
    if args.fail_under is not None and total and 100.0 * killed / total < args.fail_under:
        return CommandExit.FOUND
    return CommandExit.OK


# What a command stopped by a signal has cleaned up (see moves._interrupts), as its last line says.
_CLEANED_UP = {
    "strength": "its mutant runs were ended and its temporary files removed",
    "verify-move": "the pytest runs it started were stopped and its temporary worktrees removed",
    "review": "the pytest runs it started were stopped and its temporary worktrees removed",
    "move": "the pytest runs it started were stopped and its temporary worktrees removed",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``golden`` console script; returns the exit code."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "verify-move":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    root = _root(args.root)
    try:
        with interruptible():
            return _dispatch(args, extra, argv, root)
    except KeyboardInterrupt as stop:
        number = stop.signal if isinstance(stop, CommandInterrupted) else signal.SIGINT
        cleaned = _CLEANED_UP.get(args.command, "the processes it started were stopped")
        print(
            f"golden {args.command}: stopped by {signal.Signals(number).name}; {cleaned}.",
            file=sys.stderr,
        )
        return 128 + number


def _dispatch(args: argparse.Namespace, extra: list[str], argv: list[str], root: Path) -> int:
    """Run the command ``args`` names."""
    try:
        if args.command == "verify-move":
            return _verify_move(args, extra)
        if args.command == "check-move":
            return _check_move(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "review":
            return _review(args)
        if args.command == "move":
            return _move(args)
        if args.command == "strength":
            if not hashing_is_fixed() and args.merge is None:
                # The mutant runs are forks of this process: it must hash like every other run.
                return rerun_with_fixed_hashing("golden_harness.cli", argv)
            return _strength(args)
        if args.command == "report":
            if args.run:
                run_pytest(
                    [args.tests, "-q"], cwd=root, env=with_fixed_hashing(os.environ), capture=False
                )
            reports = build_report(root, root / args.tests, root / args.golden_dir)
            _show(render_report(reports))
            failing = any(s not in OK_STATUSES for r in reports for s in r.scenarios.values())
            unresolved = [(r.name, e) for r in reports for e in r.unresolved]
            missing = _missing_covers(unresolved, args.allow_missing)
            return CommandExit.FOUND if failing or missing else CommandExit.OK
        changes = changed_goldens(root, args.golden_dir, args.base)
        _show(render_changes(changes, args.base))
        return CommandExit.FOUND if changes else CommandExit.OK
    except GoldenHarnessError as error:
        print(f"golden {args.command}: {error}", file=sys.stderr)
        return CommandExit.ERROR


if __name__ == "__main__":
    raise SystemExit(main())
