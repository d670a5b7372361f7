"""Run checkpointing: the run checkpoint, rollback to it with its audit log, and the Doctor's fixes.

`create_run_checkpoint` records the branch, commit, untracked files and workspace state a run
starts from (and stores branch and commit on the run's row); `rollback_to_run_checkpoint` returns
the workspace to that checkpoint and appends the rollback to
`.autonomous_runs/<run_id>/run_rollback.log` (`write_rollback_audit_log`); `execute_fix` runs the
Doctor's fix commands that FIX_COMMAND_WHITELIST allows, after `create_git_checkpoint_commit` has
saved the working tree as a stash commit, and refuses any that would touch the user's changes (those
the workspace had at the run checkpoint, `user_changes`). Every git command runs in the workspace
with a timeout.

Read from the executor: `workspace`, `run_id`, `db_url`, `_session_factory`, and the checkpoint
attributes `_run_checkpoint_branch`, `_run_checkpoint_commit`, `_run_checkpoint_untracked`,
`_run_checkpoint_state` (set by `create_run_checkpoint`, read by the rollback, the audit log and
`execute_fix`);
the rollback calls the executor's `_write_rollback_audit_log`, `execute_fix` its
`_create_git_checkpoint_commit`. `autopack.db.session` (`RUNS_DIRNAME`, `sqlite_path`) is imported
inside the functions that need it, as executor modules may not import it at module level.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from autopack.git_commands import run_git
from autopack.run_files import append_run_text
from autopack.workspace_state import (
    WorkspaceStateError,
    capture_workspace_state,
    gitignore_literal,
    restore_workspace_files,
    run_keep_paths,
)

logger = logging.getLogger(__name__)

GIT_RESET_TIMEOUT_SECONDS = 60
"""Seconds `git reset --hard` and `git clean` of a rollback may take."""
FIX_COMMAND_TIMEOUT_SECONDS = 60
"""Seconds one of the Doctor's fix commands may take."""
FIX_COMMAND_WHITELIST = (
    ("git", "checkout"),
    ("git", "restore"),
    ("git", "stash"),
    ("git", "clean"),
)
"""The first two words a fix command must start with to be run."""
GIT_COMMITTER = ("-c", "user.name=autopack", "-c", "user.email=autopack@localhost")
"""The identity of the stash commit saved before a fix."""


def create_run_checkpoint(executor) -> tuple[bool, str | None]:
    """Record the branch, commit, untracked files and workspace state the run starts from.

    Returns (True, None), or (False, reason) with `git_branch_failed: ...`,
    `git_commit_failed: ...`, `git_untracked_failed: ...`, `git_state_failed: ...` or
    `git_timeout`; the failure is logged at INFO only: the caller reports it (`start()` stops
    the run with it, or warns that the run goes on without a checkpoint).
    """
    import subprocess

    from autopack.db.models import RunRecord
    from autopack.db.session import RUNS_DIRNAME, sqlite_path

    try:
        branch_proc = run_git(executor.workspace, "rev-parse", "--abbrev-ref", "HEAD")
        if branch_proc.returncode != 0:
            error = f"git_branch_failed: {branch_proc.stderr.strip()}"
            logger.info("Run checkpoint failed: %s", error)
            return False, error
        commit_proc = run_git(executor.workspace, "rev-parse", "HEAD")
        if commit_proc.returncode != 0:
            error = f"git_commit_failed: {commit_proc.stderr.strip()}"
            logger.info("Run checkpoint failed: %s", error)
            return False, error
        untracked_proc = run_git(
            executor.workspace, "ls-files", "--others", "--exclude-standard", "-z"
        )
        if untracked_proc.returncode != 0:
            # Without the list, a rollback's `git clean` could delete files the run did not create.
            error = f"git_untracked_failed: {untracked_proc.stderr.strip()}"
            logger.info("Run checkpoint failed: %s", error)
            return False, error
    except subprocess.TimeoutExpired:
        logger.info("Run checkpoint failed: git timed out")
        return False, "git_timeout"
    except OSError as exc:
        error = f"git_branch_failed: {exc}"
        logger.info("Run checkpoint failed: %s", error)
        return False, error

    try:
        # Tracked edits, the index, untracked files and empty directories, for the rollback.
        state = capture_workspace_state(
            executor.workspace,
            keep=run_keep_paths(executor.workspace, sqlite_path(executor.db_url)),
        )
    except WorkspaceStateError as exc:
        error = f"git_state_failed: {exc}"
        logger.info("Run checkpoint failed: %s", error)
        return False, error
    executor._run_checkpoint_state = state
    executor._run_checkpoint_branch = branch_proc.stdout.strip()
    executor._run_checkpoint_commit = commit_proc.stdout.strip()
    executor._run_checkpoint_untracked = sorted(
        path
        for path in untracked_proc.stdout.split("\0")
        if path and not path.startswith(f"{RUNS_DIRNAME}/")
    )
    try:
        with executor._session_factory() as session:
            run = session.get(RunRecord, executor.run_id)
            if run is not None:
                run.checkpoint_branch = executor._run_checkpoint_branch
                run.checkpoint_commit = executor._run_checkpoint_commit
                session.commit()
    except Exception as exc:
        logger.warning("Could not store the run checkpoint of %s: %s", executor.run_id, exc)
    logger.info(
        "Run checkpoint for %s: branch=%s commit=%s untracked=%d",
        executor.run_id,
        executor._run_checkpoint_branch,
        executor._run_checkpoint_commit[:8],
        len(executor._run_checkpoint_untracked),
    )
    return True, None


def rollback_to_run_checkpoint(executor, reason: str) -> tuple[bool, str | None]:
    """Restore the workspace to the run checkpoint and append the rollback to the audit log.

    `git reset --hard <commit>` (its failure is fatal), then `git clean -fd` that spares the
    run folder and every file untracked at the checkpoint, then `git checkout <branch>` unless
    the checkpoint was a detached HEAD (both non-fatal), then the checkpoint's workspace state
    is restored: uncommitted edits, the index, untracked files and empty directories (fatal).
    """
    import subprocess

    from autopack.db.session import RUNS_DIRNAME

    if not executor._run_checkpoint_commit:
        logger.error("Rollback of run %s impossible: no checkpoint commit", executor.run_id)
        return False, "no_checkpoint_commit"
    commit = executor._run_checkpoint_commit
    try:
        reset = run_git(
            executor.workspace, "reset", "--hard", commit, timeout=GIT_RESET_TIMEOUT_SECONDS
        )
        if reset.returncode != 0:
            error = f"git_reset_failed: {reset.stderr.strip()}"
            logger.error("Rollback of run %s failed: %s", executor.run_id, error)
            return False, error

        clean_args = ["clean", "-fd", "-e", f"/{RUNS_DIRNAME}/"]
        for path in executor._run_checkpoint_untracked:
            clean_args.extend(["-e", "/" + gitignore_literal(path)])
        clean = run_git(executor.workspace, *clean_args, timeout=GIT_RESET_TIMEOUT_SECONDS)
        if clean.returncode != 0:
            logger.warning(
                "Rollback of run %s: git clean failed: %s", executor.run_id, clean.stderr.strip()
            )
        else:
            removed = [line for line in clean.stdout.splitlines() if line.startswith("Removing ")]
            logger.info("Rollback of run %s removed %d path(s)", executor.run_id, len(removed))

        branch = executor._run_checkpoint_branch
        if branch and branch != "HEAD":
            checkout = run_git(executor.workspace, "checkout", branch)
            if checkout.returncode != 0:
                logger.warning(
                    "Rollback of run %s: git checkout %s failed: %s",
                    executor.run_id,
                    branch,
                    checkout.stderr.strip(),
                )
        if executor._run_checkpoint_state is not None:
            restore_workspace_files(executor.workspace, executor._run_checkpoint_state)
    except WorkspaceStateError as exc:
        error = f"git_restore_failed: {exc}"
        logger.error("Rollback of run %s failed: %s", executor.run_id, error)
        return False, error
    except subprocess.TimeoutExpired:
        logger.error("Rollback of run %s failed: git timed out", executor.run_id)
        return False, "git_timeout"
    except OSError as exc:
        error = f"git_failed: {exc}"
        logger.error("Rollback of run %s failed: %s", executor.run_id, error)
        return False, error

    executor._write_rollback_audit_log(reason)
    logger.warning("Run %s rolled back to checkpoint %s: %s", executor.run_id, commit[:8], reason)
    return True, None


def write_rollback_audit_log(executor, reason: str) -> None:
    """Append `<utc iso> | Run: <id> | Checkpoint: <sha[:8]> | Reason: <reason>` to the audit log.

    The reason is the last field, so it may contain ` | `; it never spans lines. A write that
    fails raises RunStorageError (through `autopack.run_files`), which stops the run.
    """
    from autopack.db.session import RUNS_DIRNAME

    log_path = executor.workspace / RUNS_DIRNAME / executor.run_id / "run_rollback.log"
    # One line per rollback: line breaks in the reason are written as \r and \n escapes.
    one_line_reason = reason.replace("\r", "\\r").replace("\n", "\\n")
    line = (
        f"{datetime.now(UTC).isoformat()} | Run: {executor.run_id} | "
        f"Checkpoint: {(executor._run_checkpoint_commit or '')[:8]} | Reason: {one_line_reason}\n"
    )
    append_run_text(log_path, line)


def create_git_checkpoint_commit(executor, message: str) -> str | None:
    """Save the working tree as a stash commit without touching HEAD, index or files.

    Returns the commit id, or None when there is nothing to save or git fails.
    """
    import subprocess

    try:
        create = run_git(executor.workspace, *GIT_COMMITTER, "stash", "create", message)
        sha = create.stdout.strip()
        if create.returncode != 0 or not sha:
            logger.info("No local changes to checkpoint before the fix (%s)", message)
            return None
        store = run_git(executor.workspace, *GIT_COMMITTER, "stash", "store", "-m", message, sha)
        if store.returncode != 0:
            logger.warning(
                "Git checkpoint commit failed: git stash store exited %d: %s",
                store.returncode,
                store.stderr.strip(),
            )
            return None
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("Git checkpoint commit failed: %s", exc)
        return None
    logger.info("Git checkpoint commit %s: %s", sha[:8], message)
    return sha


def execute_fix(executor, phase: dict[str, Any], fix_commands: list[str]) -> int:
    """Run the Doctor's whitelisted fix commands that spare the user's changes, after a git
    checkpoint commit.

    Returns how many commands ran. Commands outside FIX_COMMAND_WHITELIST are refused, and so is
    a command that would touch a file with changes the run did not make (`user_changes`), or any
    file when the run has no workspace checkpoint to tell them apart. Before a command that
    changes files, the working tree is saved as a stash commit (named in the log); no command
    runs when the working tree has changes and cannot be saved. Commands that only read
    (`git stash list`, `git clean -n`) need no checkpoint commit.
    """
    import shlex

    from autopack.fix_guard import blocked_paths, touched_by

    phase_id = phase["phase_id"]
    if not fix_commands:
        logger.info("execute_fix for %s: no fix commands", phase_id)
        return 0
    parsed: list[tuple[str, list[str]]] = []
    for command in fix_commands:
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            logger.warning("execute_fix for %s: cannot parse %r: %s", phase_id, command, exc)
            continue
        if tuple(argv[:2]) not in FIX_COMMAND_WHITELIST:
            logger.warning(
                "execute_fix for %s: command %r is not whitelisted; skipped", phase_id, command
            )
            continue
        parsed.append((command, argv))

    allowed: list[tuple[str, list[str], bool]] = []  # (command, argv, changes files)
    changes: set[str] | None = None
    for command, argv in parsed:
        pathspecs = touched_by(argv)
        if pathspecs and changes is None:
            changes = user_changes(executor)
        if not pathspecs:
            allowed.append((command, argv, False))
        elif executor._run_checkpoint_state is None or changes is None:
            logger.warning(
                "Doctor fix %r for %s refused: without a workspace checkpoint of the run, changes "
                "the run did not make cannot be told apart; the workspace is left as it is",
                command,
                phase_id,
            )
        elif blocked := blocked_paths(pathspecs, changes):
            shown = ", ".join(blocked[:5]) + (", ..." if len(blocked) > 5 else "")
            logger.warning(
                "Doctor fix %r for %s refused: it would discard changes the run did not make "
                "(uncommitted when the run started) in %s; they are left as they are in the "
                "workspace",
                command,
                phase_id,
                shown,
            )
        else:
            allowed.append((command, argv, True))
    if not allowed:
        return 0

    saved: str | None = None
    if any(changes_files for _, _, changes_files in allowed):
        saved = executor._create_git_checkpoint_commit(
            f"autopack: checkpoint before execute_fix for {phase_id}"
        )
        if saved is None and _has_tracked_changes(executor):
            logger.warning(
                "Doctor fixes for %s not run: the working tree could not be saved first; "
                "nothing was changed",
                phase_id,
            )
            return 0
    ran = 0
    for command, argv, changes_files in allowed:
        if _run_fix_command(executor, phase_id, command, argv):
            ran += 1
            if saved is not None and changes_files:
                logger.warning(
                    "Doctor fix %r ran for %s; the working tree before it is kept as stash "
                    "commit %s (`git stash list`)",
                    command,
                    phase_id,
                    saved[:8],
                )
    return ran


def _run_fix_command(executor, phase_id: str, command: str, argv: list[str]) -> bool:
    """Run one fix command in the workspace; False when it timed out or could not start."""
    import subprocess

    try:
        proc = subprocess.run(
            argv,
            cwd=executor.workspace,
            capture_output=True,
            text=True,
            timeout=FIX_COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("execute_fix for %s: %r timed out", phase_id, command)
        return False
    except OSError as exc:
        logger.warning("execute_fix for %s: %r could not run: %s", phase_id, command, exc)
        return False
    logger.info(
        "execute_fix for %s: %r exited %d %s",
        phase_id,
        command,
        proc.returncode,
        (proc.stderr or proc.stdout).strip()[:200],
    )
    return True


def user_changes(executor) -> set[str] | None:
    """The paths the user had changed when the run started: those whose content in the run
    checkpoint's working tree or index differs from its HEAD (edits, staged changes, deletions,
    untracked files). None without a checkpoint state, or when git cannot tell."""
    import subprocess

    state = executor._run_checkpoint_state
    if state is None:
        return None
    changed: set[str] = set()
    try:
        for tree in (state.worktree_tree, state.index_tree):
            proc = run_git(
                executor.workspace,
                "diff-tree",
                "-r",
                "-z",
                "--name-only",
                "--no-renames",
                state.head,
                tree,
            )
            if proc.returncode != 0:
                logger.warning(
                    "Cannot list the changes the run started with: %s", proc.stderr.strip()
                )
                return None
            changed.update(p for p in proc.stdout.split("\0") if p)
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("Cannot list the changes the run started with: %s", exc)
        return None
    return changed


def _has_tracked_changes(executor) -> bool:
    """Whether tracked files differ from HEAD (True when git cannot tell)."""
    import subprocess

    try:
        proc = run_git(executor.workspace, "status", "--porcelain", "-z", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return True
    return proc.returncode != 0 or bool(proc.stdout.strip("\0"))
