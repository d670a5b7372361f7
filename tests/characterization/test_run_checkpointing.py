"""Characterization of run checkpointing: the run checkpoint, rollback to it and its audit log, and
the Doctor's `execute_fix` with its git checkpoint commit.

Every git command is scripted through `golden.subprocess` (pytest-subprocess) and appears in the
trace with its argv, cwd and the `timeout=` the seam passed; a command that never finishes is
scripted with `times_out=True` (`timed_out: true` in its event) and a `git` that cannot run with
`raises=` (`raised:`). The checkpoint's branch, commit and untracked files are plain executor state,
so the harness records their changes as `mutated: self`; the checkpoint row goes to a real SQLite
database (`observed: db`). The rollback audit log is a workspace file, written at the frozen instant.
Outside the seam and faked by identity: `capture_workspace_state` and `restore_workspace_files`
(the exact snapshot of tracked edits, index, untracked files and empty directories, and its
restoration; tested on real git in tests/unit/test_workspace_state.py).
"""

from __future__ import annotations

import errno
from typing import Any

import pytest
from _storage_support import call_until_stopped

from autopack.autonomous_executor import AutonomousExecutor
from autopack.workspace_state import (
    WorkspaceState,
    WorkspaceStateError,
    capture_workspace_state,
    restore_workspace_files,
)
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "run_checkpointing",
    covers=[
        "autopack.executor.run_checkpointing:create_run_checkpoint",
        "autopack.executor.run_checkpointing:rollback_to_run_checkpoint",
        "autopack.executor.run_checkpointing:write_rollback_audit_log",
        "autopack.executor.run_checkpointing:create_git_checkpoint_commit",
        "autopack.executor.run_checkpointing:execute_fix",
        "autopack.autonomous_executor:AutonomousExecutor._create_run_checkpoint",
        "autopack.autonomous_executor:AutonomousExecutor._rollback_to_run_checkpoint",
        "autopack.autonomous_executor:AutonomousExecutor._write_rollback_audit_log",
        "autopack.autonomous_executor:AutonomousExecutor._create_git_checkpoint_commit",
        "autopack.autonomous_executor:AutonomousExecutor._execute_fix",
        "autopack.executor.run_checkpointing:GIT_RESET_TIMEOUT_SECONDS",
        "autopack.executor.run_checkpointing:FIX_COMMAND_TIMEOUT_SECONDS",
        "autopack.executor.run_checkpointing:FIX_COMMAND_WHITELIST",
        "autopack.executor.run_checkpointing:GIT_COMMITTER",
    ],
)

SEAM_METHODS = [
    "_create_run_checkpoint",
    "_rollback_to_run_checkpoint",
    "_write_rollback_audit_log",
    "_create_git_checkpoint_commit",
    "_execute_fix",
]
CHECKPOINT_SHA = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
STASH_SHA = "5ta5h000000000000000000000000000000000aa"
BRANCH = ["git", "rev-parse", "--abbrev-ref", "HEAD"]
COMMIT = ["git", "rev-parse", "HEAD"]
UNTRACKED = ["git", "ls-files", "--others", "--exclude-standard", "-z"]
RESET = ["git", "reset", "--hard", CHECKPOINT_SHA]
CLEAN = ["git", "clean", "-fd", "-e", "/.autonomous_runs/"]
COMMITTER = ["-c", "user.name=autopack", "-c", "user.email=autopack@localhost"]
FIX_MESSAGE = "autopack: checkpoint before execute_fix for fix-imports"
STASH_CREATE = ["git", *COMMITTER, "stash", "create", FIX_MESSAGE]
STASH_STORE = ["git", *COMMITTER, "stash", "store", "-m", FIX_MESSAGE, STASH_SHA]
AUDIT_LOG = ".autonomous_runs/run-char/run_rollback.log"
STATE = WorkspaceState(
    head=CHECKPOINT_SHA,
    index_tree="1dec5000000000000000000000000000000000aa",
    worktree_tree="70ee0000000000000000000000000000000000bb",
    empty_dirs=("empty/nested",),
    keep=(".autonomous_runs/",),
)


def git_missing() -> FileNotFoundError:
    """The error `subprocess.run` raises when `git` is not installed."""
    return FileNotFoundError(errno.ENOENT, "No such file or directory", "git")


@pytest.fixture
def executor(make_executor: Any) -> AutonomousExecutor:
    """A running executor whose checkpoint is `main` at CHECKPOINT_SHA with no untracked files."""
    executor: AutonomousExecutor = make_executor(
        real=SEAM_METHODS, _run_checkpoint_commit=CHECKPOINT_SHA
    )
    return executor


def run(golden: Recorder, method: Any, *args: Any) -> Any:
    return golden.call(method, *args)


# -- the run checkpoint ------------------------------------------------------------------------


def checkpoint_executor(golden: Recorder, make_executor: Any, **attrs: Any) -> AutonomousExecutor:
    """An executor before its checkpoint: no branch, commit or untracked files recorded yet, and
    the default database file (inside the run folder of the workspace)."""
    state = {
        "_run_checkpoint_branch": None,
        "_run_checkpoint_commit": None,
        "_run_checkpoint_untracked": [],
        "db_url": f"sqlite:///{golden.workspace}/.autonomous_runs/autopack.db",
    }
    state.update(attrs)
    executor: AutonomousExecutor = make_executor(real=SEAM_METHODS, **state)
    return executor


def script_checkpoint_git(golden: Recorder, *, branch: str = "main\n", untracked: str = "") -> None:
    golden.subprocess(BRANCH, stdout=branch)
    golden.subprocess(COMMIT, stdout=CHECKPOINT_SHA + "\n")
    golden.subprocess(UNTRACKED, stdout=untracked)
    golden.fake_function(capture_workspace_state, returns=STATE)


def test_checkpoint_records_branch_commit_and_untracked_files_outside_the_run_folder(
    golden: Recorder, make_executor: Any, run_db: Any
) -> None:
    run_db.add_run()
    executor = checkpoint_executor(golden, make_executor, _session_factory=run_db.session_factory)
    script_checkpoint_git(
        golden,
        branch="feature/login\n",
        untracked="notes/mine.txt\0.autonomous_runs/run-char/ci/a.log\0a b.txt\0",
    )
    run(golden, executor._create_run_checkpoint)
    golden.observe("db", run_db.rows())


def test_checkpoint_without_a_run_row_stores_nothing(
    golden: Recorder, make_executor: Any, run_db: Any
) -> None:
    executor = checkpoint_executor(golden, make_executor, _session_factory=run_db.session_factory)
    script_checkpoint_git(golden)
    run(golden, executor._create_run_checkpoint)
    golden.observe("db", run_db.rows())


def test_checkpoint_store_failure_is_logged_and_the_checkpoint_kept(
    golden: Recorder, make_executor: Any
) -> None:
    session_factory = golden.fake(
        "_session_factory", side_effect=RuntimeError("database is locked")
    )
    executor = checkpoint_executor(golden, make_executor, _session_factory=session_factory)
    script_checkpoint_git(golden)
    run(golden, executor._create_run_checkpoint)


def test_checkpoint_on_detached_head_records_head_as_branch(
    golden: Recorder, make_executor: Any, run_db: Any
) -> None:
    run_db.add_run()
    executor = checkpoint_executor(golden, make_executor, _session_factory=run_db.session_factory)
    script_checkpoint_git(golden, branch="HEAD\n")
    run(golden, executor._create_run_checkpoint)
    golden.observe("db", run_db.rows())


def test_checkpoint_fails_when_the_branch_cannot_be_read(
    golden: Recorder, make_executor: Any
) -> None:
    executor = checkpoint_executor(golden, make_executor)
    golden.subprocess(
        BRANCH,
        stderr="fatal: not a git repository (or any of the parent directories): .git\n",
        returncode=128,
    )
    run(golden, executor._create_run_checkpoint)


def test_checkpoint_fails_when_the_commit_cannot_be_read(
    golden: Recorder, make_executor: Any
) -> None:
    executor = checkpoint_executor(golden, make_executor)
    golden.subprocess(BRANCH, stdout="main\n")
    golden.subprocess(
        COMMIT,
        stdout="HEAD\n",
        stderr="fatal: ambiguous argument 'HEAD': unknown revision or path not in the working tree.\n",
        returncode=128,
    )
    run(golden, executor._create_run_checkpoint)


def test_checkpoint_fails_when_the_untracked_files_cannot_be_listed(
    golden: Recorder, make_executor: Any
) -> None:
    executor = checkpoint_executor(golden, make_executor)
    golden.subprocess(BRANCH, stdout="main\n")
    golden.subprocess(COMMIT, stdout=CHECKPOINT_SHA + "\n")
    golden.subprocess(
        UNTRACKED,
        stdout="notes/mine.txt\0",
        stderr="fatal: unable to read index file\n",
        returncode=128,
    )
    run(golden, executor._create_run_checkpoint)


@pytest.mark.parametrize("stalled", ["branch", "commit", "untracked"])
def test_checkpoint_git_timeout(golden: Recorder, make_executor: Any, stalled: str) -> None:
    executor = checkpoint_executor(golden, make_executor)
    commands = {"branch": (BRANCH, "main\n"), "commit": (COMMIT, CHECKPOINT_SHA + "\n")}
    for name, (argv, stdout) in commands.items():
        if name == stalled:
            break
        golden.subprocess(argv, stdout=stdout)
    golden.subprocess(
        {"branch": BRANCH, "commit": COMMIT, "untracked": UNTRACKED}[stalled], times_out=True
    )
    run(golden, executor._create_run_checkpoint)


def test_checkpoint_without_git_installed(golden: Recorder, make_executor: Any) -> None:
    executor = checkpoint_executor(golden, make_executor)
    golden.subprocess(BRANCH, raises=git_missing())
    run(golden, executor._create_run_checkpoint)


def test_checkpoint_fails_when_the_workspace_state_cannot_be_captured(
    golden: Recorder, make_executor: Any, run_db: Any
) -> None:
    run_db.add_run()
    executor = checkpoint_executor(golden, make_executor, _session_factory=run_db.session_factory)
    golden.subprocess(BRANCH, stdout="main\n")
    golden.subprocess(COMMIT, stdout=CHECKPOINT_SHA + "\n")
    golden.subprocess(UNTRACKED, stdout="")
    golden.fake_function(
        capture_workspace_state,
        side_effect=WorkspaceStateError(
            "the index cannot be recorded (git write-tree failed: error: README.md: unmerged); "
            "resolve merge conflicts first"
        ),
    )
    run(golden, executor._create_run_checkpoint)
    golden.observe("db", run_db.rows())


def test_checkpoint_keeps_a_database_file_in_the_workspace_out_of_the_state(
    golden: Recorder, make_executor: Any, run_db: Any
) -> None:
    run_db.add_run()
    executor = checkpoint_executor(
        golden,
        make_executor,
        _session_factory=run_db.session_factory,
        db_url=f"sqlite:///{golden.workspace}/state/run.db",
    )
    script_checkpoint_git(golden)
    run(golden, executor._create_run_checkpoint)


# -- rollback ------------------------------------------------------------------------------------


@pytest.mark.parametrize("commit", [None, ""], ids=["none", "empty"])
def test_rollback_without_checkpoint_commit_is_refused(
    golden: Recorder, make_executor: Any, commit: str | None
) -> None:
    executor = make_executor(real=SEAM_METHODS, _run_checkpoint_commit=commit)
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_rollback_resets_cleans_sparing_untracked_files_checks_out_and_logs(
    golden: Recorder, make_executor: Any
) -> None:
    untracked = [
        "#scratch!.md",
        "a b.txt",
        "back\\slash.txt",
        "data/raw [1].csv",
        "notes/mine.txt",
        "odd*name?.txt",
        "trailing ",
    ]
    executor = make_executor(
        real=SEAM_METHODS,
        _run_checkpoint_branch="feature/login",
        _run_checkpoint_commit=CHECKPOINT_SHA,
        _run_checkpoint_untracked=untracked,
    )
    golden.subprocess(RESET, stdout=f"HEAD is now at {CHECKPOINT_SHA[:7]} Add login form\n")
    excludes = [
        "/\\#scratch\\!.md",
        "/a b.txt",
        "/back\\\\slash.txt",
        "/data/raw \\[1\\].csv",
        "/notes/mine.txt",
        "/odd\\*name\\?.txt",
        "/trailing\\ ",
    ]
    clean_argv = [*CLEAN]
    for pattern in excludes:
        clean_argv.extend(["-e", pattern])
    golden.subprocess(
        clean_argv,
        stdout="Removing build/\nRemoving src/new_module.py\nWould skip repository vendor/lib\n",
    )
    golden.subprocess(["git", "checkout", "feature/login"], stderr="Already on 'feature/login'\n")
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_rollback_restores_the_workspace_state_after_checkout(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(
        real=SEAM_METHODS, _run_checkpoint_commit=CHECKPOINT_SHA, _run_checkpoint_state=STATE
    )
    golden.subprocess(RESET, stdout="HEAD is now at c0ffee0 Base\n")
    golden.subprocess(CLEAN, stdout="Removing src/new_module.py\n")
    golden.subprocess(["git", "checkout", "main"])
    golden.fake_function(restore_workspace_files, returns=None)
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_rollback_state_restore_failure_is_fatal_and_not_logged(
    golden: Recorder, make_executor: Any
) -> None:
    executor = make_executor(
        real=SEAM_METHODS, _run_checkpoint_commit=CHECKPOINT_SHA, _run_checkpoint_state=STATE
    )
    golden.subprocess(RESET)
    golden.subprocess(CLEAN)
    golden.subprocess(["git", "checkout", "main"])
    golden.fake_function(
        restore_workspace_files,
        side_effect=WorkspaceStateError("git checkout-index failed: error: unable to write"),
    )
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_rollback_reset_failure_is_fatal(golden: Recorder, executor: AutonomousExecutor) -> None:
    golden.subprocess(
        RESET,
        stderr=f"fatal: Could not parse object '{CHECKPOINT_SHA}'.\n",
        returncode=128,
    )
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_rollback_clean_failure_is_not_fatal(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(RESET, stdout="HEAD is now at c0ffee0 Base\n")
    golden.subprocess(
        CLEAN, stderr="warning: failed to remove build/: Permission denied\n", returncode=1
    )
    golden.subprocess(["git", "checkout", "main"])
    run(golden, executor._rollback_to_run_checkpoint, "max failures reached")


def test_rollback_checkout_failure_is_not_fatal(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(RESET, stdout="HEAD is now at c0ffee0 Base\n")
    golden.subprocess(CLEAN, stdout="")
    golden.subprocess(
        ["git", "checkout", "main"],
        stderr="error: pathspec 'main' did not match any file(s) known to git\n",
        returncode=1,
    )
    run(golden, executor._rollback_to_run_checkpoint, "max failures reached")


@pytest.mark.parametrize("branch", ["HEAD", None, ""], ids=["detached-head", "none", "empty"])
def test_rollback_without_a_branch_to_return_to_skips_checkout(
    golden: Recorder, make_executor: Any, branch: str | None
) -> None:
    executor = make_executor(
        real=SEAM_METHODS, _run_checkpoint_branch=branch, _run_checkpoint_commit=CHECKPOINT_SHA
    )
    golden.subprocess(RESET, stdout="HEAD is now at c0ffee0 Base\n")
    golden.subprocess(CLEAN, stdout="Removing tmp.txt\n")
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


@pytest.mark.parametrize("stalled", ["reset", "clean", "checkout"])
def test_rollback_git_timeout_is_fatal_and_not_logged(
    golden: Recorder, executor: AutonomousExecutor, stalled: str
) -> None:
    steps = {"reset": RESET, "clean": CLEAN, "checkout": ["git", "checkout", "main"]}
    for name, argv in steps.items():
        if name == stalled:
            golden.subprocess(argv, times_out=True)
            break
        golden.subprocess(argv)
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


@pytest.mark.parametrize("missing_at", ["reset", "clean", "checkout"])
def test_rollback_when_git_cannot_run_is_fatal_and_not_logged(
    golden: Recorder, executor: AutonomousExecutor, missing_at: str
) -> None:
    steps = {"reset": RESET, "clean": CLEAN, "checkout": ["git", "checkout", "main"]}
    for name, argv in steps.items():
        if name == missing_at:
            golden.subprocess(argv, raises=git_missing())
            break
        golden.subprocess(argv)
    run(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_rollback_appends_to_an_existing_audit_log(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    log = golden.workspace / AUDIT_LOG
    log.parent.mkdir(parents=True)
    log.write_text(
        "2024-01-01T00:00:00+00:00 | Run: run-char | Checkpoint: c0ffee00 | Reason: earlier\n",
        encoding="utf-8",
    )
    golden.move_to("2024-01-02T09:30:00.250000+00:00")
    golden.subprocess(RESET)
    golden.subprocess(CLEAN)
    golden.subprocess(["git", "checkout", "main"])
    run(golden, executor._rollback_to_run_checkpoint, "second rollback")


def test_rollback_reason_with_line_breaks_is_one_audit_log_line(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(RESET)
    golden.subprocess(CLEAN)
    golden.subprocess(["git", "checkout", "main"])
    reason = "doctor: rollback_run\nCI failed:\r\n  2 failed | 1 error\r"
    run(golden, executor._rollback_to_run_checkpoint, reason)


def test_rollback_audit_log_write_failure_stops_the_run_after_the_rollback(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    runs = golden.workspace / ".autonomous_runs"
    runs.mkdir()
    (runs / "run-char").write_text("a file where the run folder should be\n", encoding="utf-8")
    golden.subprocess(RESET)
    golden.subprocess(CLEAN)
    golden.subprocess(["git", "checkout", "main"])
    call_until_stopped(golden, executor._rollback_to_run_checkpoint, "doctor: rollback_run")


def test_audit_log_line_without_a_checkpoint_commit(golden: Recorder, make_executor: Any) -> None:
    executor = make_executor(real=SEAM_METHODS, _run_checkpoint_commit=None)
    run(golden, executor._write_rollback_audit_log, "manual")


# -- git checkpoint commit ---------------------------------------------------------------------


def test_checkpoint_commit_stashes_the_working_tree_without_touching_it(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(STASH_CREATE, stdout=STASH_SHA + "\n")
    golden.subprocess(STASH_STORE)
    run(golden, executor._create_git_checkpoint_commit, FIX_MESSAGE)


@pytest.mark.parametrize(
    ("stdout", "stderr", "returncode"),
    [
        pytest.param("", None, 0, id="nothing-to-save"),
        pytest.param("", "fatal: not a git repository\n", 128, id="create-fails"),
        pytest.param(STASH_SHA + "\n", "error: unexpected\n", 1, id="create-fails-with-output"),
    ],
)
def test_checkpoint_commit_returns_none_without_a_stash(
    golden: Recorder,
    executor: AutonomousExecutor,
    stdout: str,
    stderr: str | None,
    returncode: int,
) -> None:
    golden.subprocess(STASH_CREATE, stdout=stdout, stderr=stderr, returncode=returncode)
    run(golden, executor._create_git_checkpoint_commit, FIX_MESSAGE)


@pytest.mark.parametrize("stalled", ["create", "store"])
def test_checkpoint_commit_git_timeout_returns_none(
    golden: Recorder, executor: AutonomousExecutor, stalled: str
) -> None:
    if stalled == "create":
        golden.subprocess(STASH_CREATE, times_out=True)
    else:
        golden.subprocess(STASH_CREATE, stdout=STASH_SHA + "\n")
        golden.subprocess(STASH_STORE, times_out=True)
    run(golden, executor._create_git_checkpoint_commit, FIX_MESSAGE)


def test_checkpoint_commit_returns_none_when_the_stash_cannot_be_stored(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(STASH_CREATE, stdout=STASH_SHA + "\n")
    golden.subprocess(
        STASH_STORE,
        stdout="ignored\n",
        stderr="error: cannot lock ref 'refs/stash': reference already exists\n",
        returncode=1,
    )
    run(golden, executor._create_git_checkpoint_commit, FIX_MESSAGE)


def test_checkpoint_commit_without_git_installed_returns_none(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.subprocess(STASH_CREATE, raises=git_missing())
    run(golden, executor._create_git_checkpoint_commit, FIX_MESSAGE)


# -- execute_fix ---------------------------------------------------------------------------------

FIX_PHASE = {"phase_id": "fix-imports", "name": "Fix imports"}
DIFF_TREE = ["git", "diff-tree", "-r", "-z", "--name-only", "--no-renames", CHECKPOINT_SHA]
TRACKED_STATUS = ["git", "status", "--porcelain", "-z", "--untracked-files=no"]


@pytest.fixture
def fix_executor(make_executor: Any) -> AutonomousExecutor:
    """A running executor whose run checkpoint recorded the workspace state STATE."""
    executor: AutonomousExecutor = make_executor(
        real=SEAM_METHODS, _run_checkpoint_commit=CHECKPOINT_SHA, _run_checkpoint_state=STATE
    )
    return executor


def script_user_changes(
    golden: Recorder,
    worktree: list[str] = (),
    index: list[str] = (),  # type: ignore[assignment]
) -> None:
    """The changes the workspace had at the run checkpoint: working tree and index against HEAD."""
    golden.subprocess([*DIFF_TREE, STATE.worktree_tree], stdout="".join(f"{p}\0" for p in worktree))
    golden.subprocess([*DIFF_TREE, STATE.index_tree], stdout="".join(f"{p}\0" for p in index))


def script_checkpoint_commit(golden: Recorder) -> None:
    golden.subprocess(STASH_CREATE, stdout=STASH_SHA + "\n")
    golden.subprocess(STASH_STORE)


@pytest.mark.parametrize("commands", [[], None], ids=["empty", "none"])
def test_execute_fix_without_commands_runs_nothing(
    golden: Recorder, fix_executor: AutonomousExecutor, commands: Any
) -> None:
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_runs_whitelisted_commands_after_a_checkpoint_commit(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    """The user's changes lie elsewhere (the working tree's notes, the index's README)."""
    script_user_changes(golden, worktree=["notes/todo.md", "README.md"], index=["README.md"])
    script_checkpoint_commit(golden)
    golden.subprocess(["git", "checkout", "--", "src/app.py"])
    golden.subprocess(["git", "restore", "--staged", "src/app.py"])
    golden.subprocess(["git", "stash", "list"], stdout="")
    golden.subprocess(["git", "clean", "-fd", "build/"], stdout="Removing build/\n")
    commands = [
        "git checkout -- src/app.py",
        "git restore --staged src/app.py",
        "git stash list",
        "git clean -fd build/",
    ]
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


@pytest.mark.parametrize(
    ("worktree", "index", "commands"),
    [
        pytest.param(["src/app.py"], [], ["git checkout -- src/app.py"], id="edited_file"),
        pytest.param([], ["src/app.py"], ["git restore --staged src/app.py"], id="staged_file"),
        pytest.param(["src/new.py"], [], ["git checkout -- src/"], id="file_under_a_folder"),
        pytest.param(["src/app.py"], [], ["git restore 'src/*.py'"], id="glob"),
        pytest.param(["notes.md"], [], ["git stash", "git clean -fd"], id="whole_workspace"),
        pytest.param(
            ["src/a.py", "src/b.py", "src/c.py", "src/d.py", "src/e.py", "src/f.py"],
            [],
            ["git checkout ."],
            id="many_files",
        ),
    ],
)
def test_execute_fix_refuses_a_command_that_would_touch_the_users_changes(
    golden: Recorder,
    fix_executor: AutonomousExecutor,
    worktree: list[str],
    index: list[str],
    commands: list[str],
) -> None:
    script_user_changes(golden, worktree=list(worktree), index=list(index))
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), list(commands))


def test_execute_fix_runs_only_the_commands_that_spare_the_users_changes(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    script_user_changes(golden, worktree=["src/app.py"])
    script_checkpoint_commit(golden)
    golden.subprocess(["git", "checkout", "--", "src/other.py"])
    commands = ["git checkout -- src/app.py", "git checkout -- src/other.py"]
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_without_a_workspace_checkpoint_runs_only_commands_that_read(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    """Commands that only read need no checkpoint commit."""
    golden.subprocess(["git", "stash", "show"], stdout=" src/app.py | 2 +-\n")
    commands = ["git checkout -- src/app.py", "git stash show", "git clean -n"]
    golden.subprocess(["git", "clean", "-n"], stdout="Would remove build/\n")
    run(golden, executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_refuses_when_git_cannot_list_the_users_changes(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    golden.subprocess(
        [*DIFF_TREE, STATE.worktree_tree], stderr="fatal: bad object 70ee000\n", returncode=128
    )
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), ["git checkout -- src/app.py"])


def test_execute_fix_refuses_commands_outside_the_whitelist_and_unparsable_ones(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    script_user_changes(golden)
    script_checkpoint_commit(golden)
    golden.subprocess(["git", "restore", "file with spaces.py"])
    commands = [
        "rm -rf src",
        "git reset --hard HEAD~1",
        "git",
        "",
        "pip install requests",
        "git checkout 'unterminated",
        "git restore 'file with spaces.py'",
        "sudo git checkout main",
    ]
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_counts_failing_commands_and_logs_their_output(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    script_user_changes(golden)
    script_checkpoint_commit(golden)
    golden.subprocess(
        ["git", "checkout", "missing-branch"],
        stdout="ignored when stderr has text\n",
        stderr="error: pathspec 'missing-branch' did not match any file(s) known to git\n",
        returncode=1,
    )
    golden.subprocess(
        ["git", "stash", "pop"], stdout="CONFLICT (content): Merge conflict\n", returncode=1
    )
    golden.subprocess(["git", "clean", "-n"], stderr="warning: " + "x" * 250 + "\n", returncode=0)
    commands = ["git checkout missing-branch", "git stash pop", "git clean -n"]
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_skips_a_command_that_times_out_and_goes_on(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    script_user_changes(golden)
    script_checkpoint_commit(golden)
    golden.subprocess(["git", "stash", "pop"], times_out=True)
    golden.subprocess(["git", "restore", "."])
    commands = ["git stash pop", "git restore ."]
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_skips_a_command_that_cannot_run_and_goes_on(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    script_user_changes(golden)
    script_checkpoint_commit(golden)
    denied = PermissionError(errno.EACCES, "Permission denied", "git")
    golden.subprocess(["git", "stash", "pop"], raises=denied)
    golden.subprocess(["git", "restore", "."])
    commands = ["git stash pop", "git restore ."]
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), commands)


def test_execute_fix_runs_commands_when_there_is_nothing_to_checkpoint(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    script_user_changes(golden)
    golden.subprocess(STASH_CREATE, stdout="")
    golden.subprocess(TRACKED_STATUS, stdout="")
    golden.subprocess(["git", "checkout", "main"])
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), ["git checkout main"])


def test_execute_fix_runs_nothing_when_the_working_tree_cannot_be_saved(
    golden: Recorder, fix_executor: AutonomousExecutor
) -> None:
    """`git stash store` fails (a stale refs/stash.lock) while the working tree has changes."""
    script_user_changes(golden)
    golden.subprocess(STASH_CREATE, stdout=STASH_SHA + "\n")
    golden.subprocess(
        STASH_STORE,
        stderr="error: cannot lock ref 'refs/stash': Unable to create '.git/refs/stash.lock'\n",
        returncode=1,
    )
    golden.subprocess(TRACKED_STATUS, stdout=" M src/app.py\0")
    run(golden, fix_executor._execute_fix, dict(FIX_PHASE), ["git checkout -- src/app.py"])
