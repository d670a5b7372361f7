"""The `autopack` command line: `autopack run PLAN --workspace DIR`.

Exit codes: 0 every phase complete; 1 the run ended with a phase not complete; 2 bad input (plan,
workspace, database, options), reported as one `autopack: error: ...` line before anything is written;
130 interrupted (Ctrl-C), 143 stopped by SIGTERM, 129 by SIGHUP, each reported as one
`autopack: interrupted...: ...` line after the interrupted phase was rolled back to its checkpoint;
74 the run database or a run file could not be written, reported as one `autopack: error: ...` line
naming the file and the error, after the phase in progress was rolled back.

Everything the command prints and logs is redacted with the run's Redactor
(`autopack.run_redaction`), made once from the environment the command runs in.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from autopack.exceptions import AutopackError, PlanError, RunStorageError, WorkspaceError
from autopack.run_redaction import RedactingFormatter, redact_text, redacting_run

logger = logging.getLogger(__name__)

RUN_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
"""A run id, matched whole (`fullmatch`): a trailing newline is not part of an id."""
EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_STORAGE = 74
"""The run could not write its database or a run file (sysexits' EX_IOERR)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are redacted (they may repeat a secret given as an
    argument)."""

    def error(self, message: str) -> NoReturn:
        super().error(redact_text(message))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `autopack` command."""
    parser = _Parser(prog="autopack", description="Run a plan of phases.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute a plan against a git workspace")
    run.add_argument("plan", type=Path, help="YAML plan file")
    run.add_argument("--workspace", type=Path, required=True, help="git workspace directory")
    run.add_argument(
        "--init",
        action="store_true",
        help="create and initialise the workspace as a git repository if it is missing or empty",
    )
    run.add_argument("--db", help="database URL (default: SQLite under DIR/.autonomous_runs/)")
    run.add_argument("--run-id", help="run id (default: the plan's run_id, else a new id)")
    run.add_argument(
        "--approval",
        help="approval policy: auto-approve, auto-deny, file:PATH or an http(s) URL "
        "(default: the plan's approval, else auto-deny)",
    )
    run.add_argument(
        "--failure-hardening", action="store_true", default=None, help="enable failure hardening"
    )
    run.add_argument("--no-telemetry", action="store_true", help="do not record escalation events")
    run.add_argument(
        "--no-checkpoint",
        action="store_true",
        help="run even when the run checkpoint cannot be recorded (no rollback; Doctor fixes "
        "that write are refused)",
    )
    run.add_argument(
        "--record-scenarios",
        type=Path,
        metavar="OUT",
        help="record characterization scenarios of the executor's seams during the run into OUT "
        "(needs the dev extra; see docs/harvest.md)",
    )
    run.add_argument("-v", "--verbose", action="count", default=0, help="log more (-v, -vv)")
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


def _say(text: str, *, error: bool = False) -> None:
    """Print `text` (one or more lines of the command's output) redacted, to stdout or, for an
    `error`, stderr, and flush it at once."""
    print(redact_text(text), file=sys.stderr if error else sys.stdout, flush=True)


def _print_phase_line(outcome: Any) -> None:
    """Print one phase's line as soon as the phase ends (state, attempts, reason or note)."""
    note = ""
    if outcome.skipped and outcome.state == "COMPLETE":
        note = "  (already complete)"
    elif outcome.skipped:
        note = "  (not run)"
    reason = ""
    if outcome.last_failure_reason:
        label = "recovered from" if outcome.state == "COMPLETE" else "reason"
        reason = f"  {label}: {outcome.last_failure_reason}"
    _say(f"  {outcome.phase_id:<36} {outcome.state:<9} attempts={outcome.attempts}{reason}{note}")


def _run(args: argparse.Namespace) -> int:
    from autopack.approval_channel import approval_channel_from_policy
    from autopack.db.identity import plan_digest
    from autopack.db.session import default_database_url, probe_database
    from autopack.git_problems import NO_CHECKPOINT_HINT, repository_problem
    from autopack.plan import load_plan
    from autopack.run_files import check_run_folder
    from autopack.run_lock import RunLock
    from autopack.workspace import check_workspace, prepare_workspace

    plan = load_plan(args.plan)
    run_id = args.run_id or plan.get("run_id") or f"run-{uuid.uuid4().hex[:12]}"
    if not RUN_ID_RE.fullmatch(run_id):
        raise PlanError(
            f"run id {run_id!r} may use only letters, digits, '.', '_' and '-' (at most 128)"
        )
    workspace_check = check_workspace(args.workspace, init=args.init)
    if not args.no_checkpoint and not workspace_check.git_init:
        problem = repository_problem(workspace_check.path)
        if problem is not None:
            raise WorkspaceError(
                f"workspace {str(workspace_check.path)!r}: the run checkpoint cannot be "
                f"recorded: {problem}; {NO_CHECKPOINT_HINT}"
            )
    workspace = (
        workspace_check.path.resolve()
        if not workspace_check.create
        else (workspace_check.path.absolute())
    )
    check_run_folder(workspace, run_id)
    db_url = args.db or default_database_url(workspace)
    probe_database(
        db_url,
        will_create_parent=args.db is None,
        run_id=run_id,
        plan_digest=plan_digest(plan),
    )
    approval_channel = approval_channel_from_policy(
        args.approval or str(plan.get("approval", "auto-deny"))
    )

    for action in prepare_workspace(workspace_check):
        _say(f"workspace {workspace}: {action}")

    with RunLock(workspace, run_id) as lock:
        if lock.previous is not None:
            _say(
                f"workspace {workspace}: took over the run lock left by "
                f"{lock.previous.describe()}, whose process is no longer running"
            )
        return _execute(args, plan, run_id, workspace, db_url, approval_channel)


def _execute(
    args: argparse.Namespace,
    plan: dict[str, Any],
    run_id: str,
    workspace: Path,
    db_url: str,
    approval_channel: Any,
) -> int:
    """Run the plan in a prepared, locked workspace; print its progress and result."""
    from autopack.autonomous_executor import AutonomousExecutor
    from autopack.db.identity import safe_url
    from autopack.db.session import RUNS_DIRNAME

    executor = AutonomousExecutor(
        run_id=run_id,
        workspace=workspace,
        plan=plan,
        plan_path=args.plan,
        db_url=db_url,
        approval_channel=approval_channel,
        enable_failure_hardening=args.failure_hardening,
        telemetry_enabled=False if args.no_telemetry else None,
        require_checkpoint=not args.no_checkpoint,
    )
    _say(f"Run {run_id}: {len(executor.phases)} phase(s), workspace {workspace}")
    with contextlib.ExitStack() as recording:
        harvester = None
        if args.record_scenarios is not None:
            from autopack.scenario_recording import recording_scenarios

            harvester = recording.enter_context(
                recording_scenarios(args.record_scenarios, workspace)
            )
        try:
            summary = executor.run(on_phase_end=_print_phase_line)
        finally:
            executor.close()
    if harvester is not None:
        _say(harvester.report.render())
        _say(f"scenarios: {len(harvester.report.written)} written under {args.record_scenarios}")

    if summary.checkpoint_error:
        _say(f"warning: no run checkpoint ({summary.checkpoint_error}); rollback unavailable")
    rollback_log = workspace / RUNS_DIRNAME / run_id / "run_rollback.log"
    if rollback_log.exists():
        _say(f"rollbacks: {rollback_log}")
    done = sum(1 for p in summary.phases if p.state == "COMPLETE")
    verdict = "COMPLETE" if summary.all_complete else "INCOMPLETE"
    _say(
        f"Result: {verdict} ({done}/{len(summary.phases)} phases complete); "
        f"database {safe_url(db_url)}"
    )
    return EXIT_OK if summary.all_complete else EXIT_INCOMPLETE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `autopack` console script; returns the exit code."""
    from autopack.phase_checkpoint import RunInterrupted, RunStopped
    from autopack.stop_signals import stop_signals_handled

    with redacting_run():
        args = build_parser().parse_args(argv)
        _configure_logging(args.verbose)
        with stop_signals_handled() as stop:
            try:
                return _run(args)
            except AutopackError as exc:
                _say(f"autopack: error: {_one_line(exc)}", error=True)
                return EXIT_BAD_INPUT
            except (RunStopped, RunStorageError) as exc:
                _say(f"autopack: error: {_one_line(exc)}", error=True)
                return EXIT_STORAGE
            except RunInterrupted as exc:
                _say(f"autopack: {_interrupted(stop.name)}: {_one_line(exc)}", error=True)
                return stop.exit_code
            except KeyboardInterrupt:
                _say(
                    f"autopack: {_interrupted(stop.name)}; run the same command again to resume",
                    error=True,
                )
                return stop.exit_code


def _one_line(error: BaseException) -> str:
    """The error's message on one line (a line break inside, from git or SQLite, becomes ` | `)."""
    return " | ".join(line.strip() for line in str(error).splitlines() if line.strip())


def _interrupted(signal_name: str | None) -> str:
    """`interrupted` after Ctrl-C, `interrupted by SIGTERM` after another stop signal."""
    if signal_name in (None, "SIGINT"):
        return "interrupted"
    return f"interrupted by {signal_name}"


if __name__ == "__main__":
    raise SystemExit(main())
