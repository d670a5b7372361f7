"""Unit tests of `executor.run_checkpointing`: the run checkpoint, rollback and its audit log, the
git checkpoint commit and `execute_fix`'s whitelist.

No real git runs here: every git command is registered on pytest-subprocess's `fp`, so a command
the code should not run fails the test (`ProcessNotRegisteredError`), and a command that times out
or cannot start is a registered callback raising what `subprocess.run` would raise. The workspace
state snapshot and its restoration are replaced by recorders; the executor is a plain namespace
holding the attributes the module reads. The same behaviour on real repositories is tested in
tests/unit/test_executor_rollback.py.
"""

from __future__ import annotations

import errno
import logging
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from autopack.db.models import RunRecord
from autopack.exceptions import RunStorageError
from autopack.executor import run_checkpointing
from autopack.workspace_state import WorkspaceState, WorkspaceStateError

SHA = "0123456789abcdef0123456789abcdef01234567"
STASH_SHA = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"
BRANCH = ["git", "rev-parse", "--abbrev-ref", "HEAD"]
COMMIT = ["git", "rev-parse", "HEAD"]
UNTRACKED = ["git", "ls-files", "--others", "--exclude-standard", "-z"]
RESET = ["git", "reset", "--hard", SHA]
CLEAN = ["git", "clean", "-fd", "-e", "/.autonomous_runs/"]
COMMITTER = ["-c", "user.name=autopack", "-c", "user.email=autopack@localhost"]
FIX_MESSAGE = "autopack: checkpoint before execute_fix for fix-imports"
STASH_CREATE = ["git", *COMMITTER, "stash", "create", FIX_MESSAGE]
STASH_STORE = ["git", *COMMITTER, "stash", "store", "-m", FIX_MESSAGE, STASH_SHA]
AUDIT_LOG = Path(".autonomous_runs/run-1/run_rollback.log")
FROZEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
STATE = WorkspaceState(head=SHA, index_tree="1" * 40, worktree_tree="2" * 40)


def raising(exc: BaseException) -> Any:
    """A pytest-subprocess callback: the command raises `exc` instead of finishing."""

    def callback(process: Any) -> None:
        raise exc

    return callback


def timed_out(argv: list[str]) -> subprocess.TimeoutExpired:
    return subprocess.TimeoutExpired(argv, 10)


def git_missing() -> FileNotFoundError:
    """What `subprocess.run` raises when `git` is not installed."""
    return FileNotFoundError(errno.ENOENT, "No such file or directory", "git")


class FakeSession:
    """A session whose `get` returns the given run row and which counts commits."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self.gets: list[tuple[Any, str]] = []
        self.commits = 0

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def get(self, model: Any, key: str) -> Any:
        self.gets.append((model, key))
        return self.run

    def commit(self) -> None:
        self.commits += 1


def make_executor(workspace: Path, **attrs: Any) -> SimpleNamespace:
    """A stand-in executor: the attributes run_checkpointing reads, and the two methods it calls
    delegating to the module as AutonomousExecutor's wrappers do."""
    executor = SimpleNamespace(
        run_id="run-1",
        workspace=workspace,
        db_url="sqlite:///:memory:",
        _session_factory=lambda: FakeSession(None),
        _run_checkpoint_branch=None,
        _run_checkpoint_commit=None,
        _run_checkpoint_untracked=[],
        _run_checkpoint_state=None,
    )
    executor._write_rollback_audit_log = lambda reason: run_checkpointing.write_rollback_audit_log(
        executor, reason
    )
    executor._create_git_checkpoint_commit = lambda message: (
        run_checkpointing.create_git_checkpoint_commit(executor, message)
    )
    for name, value in attrs.items():
        setattr(executor, name, value)
    return executor


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """`datetime.now` in run_checkpointing returns FROZEN."""

    class FrozenDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return FROZEN

    monkeypatch.setattr(run_checkpointing, "datetime", FrozenDatetime)
    return FROZEN


@pytest.fixture
def captures(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, tuple[str, ...]]]:
    """Replace the workspace snapshot: it records (workspace, keep) and returns STATE."""
    calls: list[tuple[Path, tuple[str, ...]]] = []

    def capture(workspace: Path, *, keep: tuple[str, ...] = ()) -> WorkspaceState:
        calls.append((workspace, keep))
        return STATE

    monkeypatch.setattr(run_checkpointing, "capture_workspace_state", capture)
    return calls


@pytest.fixture
def restores(monkeypatch: pytest.MonkeyPatch, fp: Any) -> list[tuple[Path, Any, int]]:
    """Replace the state restore: it records (workspace, state, git commands run before it)."""
    calls: list[tuple[Path, Any, int]] = []

    def restore(workspace: Path, state: Any) -> None:
        calls.append((workspace, state, len(fp.calls)))

    monkeypatch.setattr(run_checkpointing, "restore_workspace_files", restore)
    return calls


def cwds(*recorders: Any) -> set[Any]:
    return {call.kwargs["cwd"] for recorder in recorders for call in recorder.calls}


# -- the run checkpoint ----------------------------------------------------------------------


def test_checkpoint_records_branch_commit_untracked_files_and_state_and_stores_the_row(
    tmp_path: Path, fp: Any, captures: list
) -> None:
    run = SimpleNamespace(checkpoint_branch=None, checkpoint_commit=None)
    session = FakeSession(run)
    executor = make_executor(tmp_path, _session_factory=lambda: session)
    recorders = [
        fp.register(BRANCH, stdout="feature/login\n"),
        fp.register(COMMIT, stdout=SHA + "\n"),
        fp.register(UNTRACKED, stdout="notes/b.txt\0.autonomous_runs/run-1/ci/a.log\0a b.txt\0\0"),
    ]

    assert run_checkpointing.create_run_checkpoint(executor) == (True, None)

    assert list(fp.calls) == [BRANCH, COMMIT, UNTRACKED]
    assert cwds(*recorders) == {tmp_path}
    assert executor._run_checkpoint_branch == "feature/login"
    assert executor._run_checkpoint_commit == SHA
    assert executor._run_checkpoint_untracked == ["a b.txt", "notes/b.txt"]
    assert executor._run_checkpoint_state is STATE
    assert captures == [(tmp_path, (".autonomous_runs/",))]
    assert session.gets == [(RunRecord, "run-1")]
    assert (run.checkpoint_branch, run.checkpoint_commit) == ("feature/login", SHA)
    assert session.commits == 1


def test_checkpoint_keeps_a_database_file_inside_the_workspace_out_of_the_snapshot(
    tmp_path: Path, fp: Any, captures: list
) -> None:
    executor = make_executor(tmp_path, db_url=f"sqlite:///{tmp_path}/state/run.db")
    fp.register(BRANCH, stdout="main\n")
    fp.register(COMMIT, stdout=SHA + "\n")
    fp.register(UNTRACKED, stdout="")

    assert run_checkpointing.create_run_checkpoint(executor) == (True, None)

    assert captures == [(tmp_path, (".autonomous_runs/", "state/run.db"))]


def test_checkpoint_without_a_run_row_commits_nothing(
    tmp_path: Path, fp: Any, captures: list
) -> None:
    session = FakeSession(None)
    executor = make_executor(tmp_path, _session_factory=lambda: session)
    fp.register(BRANCH, stdout="main\n")
    fp.register(COMMIT, stdout=SHA + "\n")
    fp.register(UNTRACKED, stdout="")

    assert run_checkpointing.create_run_checkpoint(executor) == (True, None)

    assert session.commits == 0
    assert executor._run_checkpoint_commit == SHA


def test_checkpoint_kept_when_the_row_cannot_be_stored(
    tmp_path: Path, fp: Any, captures: list, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_factory() -> FakeSession:
        raise RuntimeError("database is locked")

    executor = make_executor(tmp_path, _session_factory=broken_factory)
    fp.register(BRANCH, stdout="main\n")
    fp.register(COMMIT, stdout=SHA + "\n")
    fp.register(UNTRACKED, stdout="")

    with caplog.at_level(logging.WARNING, logger=run_checkpointing.__name__):
        assert run_checkpointing.create_run_checkpoint(executor) == (True, None)

    assert executor._run_checkpoint_commit == SHA
    assert "Could not store the run checkpoint of run-1: database is locked" in caplog.text


@pytest.mark.parametrize(
    ("failing", "prefix"),
    [
        ("branch", "git_branch_failed"),
        ("commit", "git_commit_failed"),
        ("untracked", "git_untracked_failed"),
    ],
)
def test_checkpoint_fails_at_the_first_failing_git_command_and_records_nothing(
    tmp_path: Path, fp: Any, captures: list, failing: str, prefix: str
) -> None:
    executor = make_executor(tmp_path)
    steps = [
        ("branch", BRANCH, "main\n"),
        ("commit", COMMIT, SHA + "\n"),
        ("untracked", UNTRACKED, ""),
    ]
    for name, argv, stdout in steps:
        if name == failing:
            fp.register(argv, stderr="fatal: not a git repository\n", returncode=128)
            break
        fp.register(argv, stdout=stdout)

    ok, error = run_checkpointing.create_run_checkpoint(executor)

    assert (ok, error) == (False, f"{prefix}: fatal: not a git repository")
    assert captures == []
    assert executor._run_checkpoint_commit is None
    assert executor._run_checkpoint_branch is None
    assert executor._run_checkpoint_state is None


@pytest.mark.parametrize(
    "stalled", [BRANCH, COMMIT, UNTRACKED], ids=["branch", "commit", "untracked"]
)
def test_checkpoint_git_timeout(tmp_path: Path, fp: Any, captures: list, stalled: list) -> None:
    executor = make_executor(tmp_path)
    for argv, stdout in [(BRANCH, "main\n"), (COMMIT, SHA + "\n")]:
        if argv == stalled:
            break
        fp.register(argv, stdout=stdout)
    fp.register(stalled, callback=raising(timed_out(stalled)))

    assert run_checkpointing.create_run_checkpoint(executor) == (False, "git_timeout")
    assert captures == []
    assert executor._run_checkpoint_commit is None


def test_checkpoint_without_git_installed(tmp_path: Path, fp: Any, captures: list) -> None:
    executor = make_executor(tmp_path)
    fp.register(BRANCH, callback=raising(git_missing()))

    ok, error = run_checkpointing.create_run_checkpoint(executor)

    assert ok is False
    assert error == "git_branch_failed: [Errno 2] No such file or directory: 'git'"


def test_checkpoint_fails_when_the_workspace_state_cannot_be_captured(
    tmp_path: Path, fp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = FakeSession(SimpleNamespace(checkpoint_branch=None, checkpoint_commit=None))
    executor = make_executor(tmp_path, _session_factory=lambda: session)
    fp.register(BRANCH, stdout="main\n")
    fp.register(COMMIT, stdout=SHA + "\n")
    fp.register(UNTRACKED, stdout="")

    def capture(workspace: Path, *, keep: tuple[str, ...] = ()) -> WorkspaceState:
        raise WorkspaceStateError("git write-tree failed: unmerged")

    monkeypatch.setattr(run_checkpointing, "capture_workspace_state", capture)

    ok, error = run_checkpointing.create_run_checkpoint(executor)

    assert (ok, error) == (False, "git_state_failed: git write-tree failed: unmerged")
    assert executor._run_checkpoint_commit is None
    assert executor._run_checkpoint_state is None
    assert session.gets == []


# -- rollback ------------------------------------------------------------------------------------


@pytest.mark.parametrize("commit", [None, ""], ids=["none", "empty"])
def test_rollback_without_a_checkpoint_commit_runs_no_git(
    tmp_path: Path, fp: Any, commit: str | None
) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_commit=commit, _run_checkpoint_branch="main")

    result = run_checkpointing.rollback_to_run_checkpoint(executor, "doctor: rollback_run")

    assert result == (False, "no_checkpoint_commit")
    assert list(fp.calls) == []
    assert not (tmp_path / AUDIT_LOG).exists()


def test_rollback_resets_cleans_sparing_untracked_files_checks_out_restores_and_logs(
    tmp_path: Path, fp: Any, restores: list, frozen_now: datetime
) -> None:
    executor = make_executor(
        tmp_path,
        _run_checkpoint_branch="feature/login",
        _run_checkpoint_commit=SHA,
        _run_checkpoint_untracked=["#draft!.md", "data/raw [1].csv", "odd*?.txt", "trailing "],
        _run_checkpoint_state=STATE,
    )
    clean = [
        *CLEAN,
        *["-e", "/\\#draft\\!.md"],
        *["-e", "/data/raw \\[1\\].csv"],
        *["-e", "/odd\\*\\?.txt"],
        *["-e", "/trailing\\ "],
    ]
    recorders = [
        fp.register(RESET, stdout="HEAD is now at 0123456 Base\n"),
        fp.register(clean, stdout="Removing build/\n"),
        fp.register(["git", "checkout", "feature/login"]),
    ]

    result = run_checkpointing.rollback_to_run_checkpoint(executor, "doctor: rollback_run")

    assert result == (True, None)
    assert list(fp.calls) == [RESET, clean, ["git", "checkout", "feature/login"]]
    assert cwds(*recorders) == {tmp_path}
    assert restores == [(tmp_path, STATE, 3)]
    assert (tmp_path / AUDIT_LOG).read_text(encoding="utf-8") == (
        "2024-01-02T03:04:05+00:00 | Run: run-1 | Checkpoint: 01234567 | "
        "Reason: doctor: rollback_run\n"
    )


def test_rollback_reset_failure_is_fatal_and_stops_before_the_clean(
    tmp_path: Path, fp: Any, restores: list
) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_commit=SHA, _run_checkpoint_state=STATE)
    fp.register(RESET, stderr="fatal: Could not parse object\n", returncode=128)

    result = run_checkpointing.rollback_to_run_checkpoint(executor, "doctor: rollback_run")

    assert result == (False, "git_reset_failed: fatal: Could not parse object")
    assert list(fp.calls) == [RESET]
    assert restores == []
    assert not (tmp_path / AUDIT_LOG).exists()


def test_rollback_clean_and_checkout_failures_are_not_fatal(
    tmp_path: Path, fp: Any, restores: list
) -> None:
    executor = make_executor(
        tmp_path,
        _run_checkpoint_branch="main",
        _run_checkpoint_commit=SHA,
        _run_checkpoint_state=STATE,
    )
    fp.register(RESET)
    fp.register(CLEAN, stderr="warning: failed to remove build/\n", returncode=1)
    fp.register(["git", "checkout", "main"], stderr="error: pathspec 'main'\n", returncode=1)

    assert run_checkpointing.rollback_to_run_checkpoint(executor, "max failures") == (True, None)

    assert restores == [(tmp_path, STATE, 3)]
    assert (tmp_path / AUDIT_LOG).read_text(encoding="utf-8").endswith("| Reason: max failures\n")


@pytest.mark.parametrize("branch", ["HEAD", None, ""], ids=["detached-head", "none", "empty"])
def test_rollback_without_a_branch_to_return_to_skips_the_checkout(
    tmp_path: Path, fp: Any, branch: str | None
) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_branch=branch, _run_checkpoint_commit=SHA)
    fp.register(RESET)
    fp.register(CLEAN)

    assert run_checkpointing.rollback_to_run_checkpoint(executor, "r") == (True, None)

    assert list(fp.calls) == [RESET, CLEAN]


def test_rollback_state_restore_failure_is_fatal_and_not_logged(
    tmp_path: Path, fp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    executor = make_executor(
        tmp_path,
        _run_checkpoint_branch="main",
        _run_checkpoint_commit=SHA,
        _run_checkpoint_state=STATE,
    )
    fp.register(RESET)
    fp.register(CLEAN)
    fp.register(["git", "checkout", "main"])

    def restore(workspace: Path, state: Any) -> None:
        raise WorkspaceStateError("git checkout-index failed")

    monkeypatch.setattr(run_checkpointing, "restore_workspace_files", restore)

    result = run_checkpointing.rollback_to_run_checkpoint(executor, "r")

    assert result == (False, "git_restore_failed: git checkout-index failed")
    assert not (tmp_path / AUDIT_LOG).exists()


@pytest.mark.parametrize("step", ["reset", "clean", "checkout"])
@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (timed_out(["git"]), "git_timeout"),
        (git_missing(), "git_failed: [Errno 2] No such file or directory: 'git'"),
    ],
    ids=["timeout", "git-missing"],
)
def test_rollback_git_that_times_out_or_cannot_run_is_fatal_and_not_logged(
    tmp_path: Path, fp: Any, restores: list, step: str, error: Exception, expected: str
) -> None:
    executor = make_executor(
        tmp_path,
        _run_checkpoint_branch="main",
        _run_checkpoint_commit=SHA,
        _run_checkpoint_state=STATE,
    )
    for name, argv in [
        ("reset", RESET),
        ("clean", CLEAN),
        ("checkout", ["git", "checkout", "main"]),
    ]:
        if name == step:
            fp.register(argv, callback=raising(error))
            break
        fp.register(argv)

    assert run_checkpointing.rollback_to_run_checkpoint(executor, "r") == (False, expected)

    assert restores == []
    assert not (tmp_path / AUDIT_LOG).exists()


# -- the rollback audit log ----------------------------------------------------------------------


def test_audit_log_appends_one_line_per_rollback_with_line_breaks_escaped(
    tmp_path: Path, frozen_now: datetime
) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_commit=SHA)
    log = tmp_path / AUDIT_LOG
    log.parent.mkdir(parents=True)
    log.write_text("earlier line\n", encoding="utf-8")

    run_checkpointing.write_rollback_audit_log(executor, "CI failed:\r\n  2 failed | 1 error\n")

    assert log.read_text(encoding="utf-8").splitlines() == [
        "earlier line",
        "2024-01-02T03:04:05+00:00 | Run: run-1 | Checkpoint: 01234567 | "
        "Reason: CI failed:\\r\\n  2 failed | 1 error\\n",
    ]


def test_audit_log_without_a_checkpoint_commit_leaves_the_checkpoint_field_empty(
    tmp_path: Path, frozen_now: datetime
) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_commit=None)

    run_checkpointing.write_rollback_audit_log(executor, "manual")

    assert (tmp_path / AUDIT_LOG).read_text(encoding="utf-8") == (
        "2024-01-02T03:04:05+00:00 | Run: run-1 | Checkpoint:  | Reason: manual\n"
    )


def test_audit_log_write_failure_stops_the_run_naming_the_file(tmp_path: Path) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_commit=SHA)
    (tmp_path / ".autonomous_runs").mkdir()
    (tmp_path / ".autonomous_runs" / "run-1").write_text("a file, not a folder\n")

    with pytest.raises(RunStorageError) as info:
        run_checkpointing.write_rollback_audit_log(executor, "r")

    assert info.value.path == str(tmp_path / ".autonomous_runs/run-1/run_rollback.log")
    assert str(info.value).startswith("cannot write the run file ")


# -- the git checkpoint commit ---------------------------------------------------------------------


def test_checkpoint_commit_creates_and_stores_a_stash_under_the_autopack_identity(
    tmp_path: Path, fp: Any
) -> None:
    executor = make_executor(tmp_path)
    create = fp.register(STASH_CREATE, stdout=STASH_SHA + "\n")
    store = fp.register(STASH_STORE)

    assert run_checkpointing.create_git_checkpoint_commit(executor, FIX_MESSAGE) == STASH_SHA

    assert list(fp.calls) == [STASH_CREATE, STASH_STORE]
    assert cwds(create, store) == {tmp_path}


@pytest.mark.parametrize(
    ("stdout", "returncode"),
    [("", 0), ("", 128), (STASH_SHA + "\n", 1)],
    ids=["nothing-to-save", "create-fails", "create-fails-with-output"],
)
def test_checkpoint_commit_without_a_stash_stores_nothing(
    tmp_path: Path, fp: Any, stdout: str, returncode: int
) -> None:
    executor = make_executor(tmp_path)
    fp.register(STASH_CREATE, stdout=stdout, returncode=returncode)

    assert run_checkpointing.create_git_checkpoint_commit(executor, FIX_MESSAGE) is None

    assert list(fp.calls) == [STASH_CREATE]


def test_checkpoint_commit_returns_none_when_the_stash_cannot_be_stored(
    tmp_path: Path, fp: Any
) -> None:
    executor = make_executor(tmp_path)
    fp.register(STASH_CREATE, stdout=STASH_SHA + "\n")
    fp.register(STASH_STORE, stderr="error: cannot lock ref 'refs/stash'\n", returncode=1)

    assert run_checkpointing.create_git_checkpoint_commit(executor, FIX_MESSAGE) is None


@pytest.mark.parametrize(
    "error", [timed_out(["git"]), git_missing()], ids=["timeout", "git-missing"]
)
def test_checkpoint_commit_returns_none_when_git_times_out_or_cannot_run(
    tmp_path: Path, fp: Any, error: Exception
) -> None:
    executor = make_executor(tmp_path)
    fp.register(STASH_CREATE, callback=raising(error))

    assert run_checkpointing.create_git_checkpoint_commit(executor, FIX_MESSAGE) is None


# -- execute_fix and its whitelist ---------------------------------------------------------------

FIX_PHASE = {"phase_id": "fix-imports"}


@pytest.fixture
def checkpoint_commits() -> list[tuple[str, int]]:
    """Filled by `fix_executor`: each message passed to the executor's
    `_create_git_checkpoint_commit`, with the number of git commands run before it."""
    return []


@pytest.fixture
def user_changes_at_the_start(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The paths the user had changed when the run started (none unless a test adds some)."""
    changes: set[str] = set()
    monkeypatch.setattr(run_checkpointing, "user_changes", lambda executor: changes)
    return changes


def fix_executor(tmp_path: Path, fp: Any, commits: list[tuple[str, int]]) -> SimpleNamespace:
    """An executor with a workspace checkpoint; its checkpoint commits are recorded."""

    def record(message: str) -> str:
        commits.append((message, len(fp.calls)))
        return STASH_SHA

    return make_executor(
        tmp_path,
        _create_git_checkpoint_commit=record,
        _run_checkpoint_state=WorkspaceState("a" * 40, "b" * 40, "c" * 40),
    )


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("git checkout -- src/app.py", ["git", "checkout", "--", "src/app.py"]),
        ("git restore --staged src/app.py", ["git", "restore", "--staged", "src/app.py"]),
        ("git stash", ["git", "stash"]),
        ("git clean -fd build/", ["git", "clean", "-fd", "build/"]),
        ("git restore 'file with spaces.py'", ["git", "restore", "file with spaces.py"]),
    ],
)
@pytest.mark.usefixtures("user_changes_at_the_start")
def test_execute_fix_runs_a_whitelisted_command_after_the_checkpoint_commit(
    tmp_path: Path, fp: Any, checkpoint_commits: list, command: str, argv: list[str]
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)
    recorder = fp.register(argv)

    assert run_checkpointing.execute_fix(executor, dict(FIX_PHASE), [command]) == 1

    assert list(fp.calls) == [argv]
    assert cwds(recorder) == {tmp_path}
    assert checkpoint_commits == [(FIX_MESSAGE, 0)]


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf src",
        "git reset --hard HEAD~1",
        "git commit -am wip",
        "git push --force",
        "git",
        "",
        "sudo git checkout main",
        "git-checkout main",
        "GIT checkout main",
        "/usr/bin/git checkout main",
    ],
)
@pytest.mark.usefixtures("user_changes_at_the_start")
def test_execute_fix_refuses_a_command_outside_the_whitelist(
    tmp_path: Path,
    fp: Any,
    checkpoint_commits: list,
    caplog: pytest.LogCaptureFixture,
    command: str,
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)

    with caplog.at_level(logging.WARNING, logger=run_checkpointing.__name__):
        assert run_checkpointing.execute_fix(executor, dict(FIX_PHASE), [command]) == 0

    assert list(fp.calls) == []
    assert checkpoint_commits == []
    assert caplog.messages == [
        f"execute_fix for fix-imports: command {command!r} is not whitelisted; skipped"
    ]


def test_execute_fix_skips_a_command_it_cannot_parse(
    tmp_path: Path, fp: Any, checkpoint_commits: list, caplog: pytest.LogCaptureFixture
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)

    with caplog.at_level(logging.WARNING, logger=run_checkpointing.__name__):
        ran = run_checkpointing.execute_fix(executor, dict(FIX_PHASE), ["git checkout 'main"])

    assert ran == 0
    assert list(fp.calls) == []
    assert caplog.messages == [
        'execute_fix for fix-imports: cannot parse "git checkout \'main": No closing quotation'
    ]


@pytest.mark.usefixtures("user_changes_at_the_start")
def test_execute_fix_runs_the_allowed_commands_in_order_and_counts_failing_ones(
    tmp_path: Path, fp: Any, checkpoint_commits: list
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)
    fp.register(["git", "checkout", "missing"], stderr="error: pathspec\n", returncode=1)
    fp.register(["git", "stash", "pop"], stdout="CONFLICT\n", returncode=1)
    commands = ["git checkout missing", "rm -rf /", "git stash pop", "git reset --hard"]

    assert run_checkpointing.execute_fix(executor, dict(FIX_PHASE), commands) == 2

    assert list(fp.calls) == [["git", "checkout", "missing"], ["git", "stash", "pop"]]


@pytest.mark.parametrize(
    "error", [timed_out(["git"]), git_missing()], ids=["timeout", "git-missing"]
)
@pytest.mark.usefixtures("user_changes_at_the_start")
def test_execute_fix_skips_a_command_that_times_out_or_cannot_run_and_goes_on(
    tmp_path: Path, fp: Any, checkpoint_commits: list, error: Exception
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)
    fp.register(["git", "stash", "pop"], callback=raising(error))
    fp.register(["git", "restore", "."])

    ran = run_checkpointing.execute_fix(
        executor, dict(FIX_PHASE), ["git stash pop", "git restore ."]
    )

    assert ran == 1
    assert list(fp.calls) == [["git", "stash", "pop"], ["git", "restore", "."]]


@pytest.mark.parametrize("commands", [[], None], ids=["empty", "none"])
def test_execute_fix_without_commands_runs_nothing_and_takes_no_checkpoint(
    tmp_path: Path, fp: Any, checkpoint_commits: list, commands: Any
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)

    assert run_checkpointing.execute_fix(executor, dict(FIX_PHASE), commands) == 0

    assert list(fp.calls) == []
    assert checkpoint_commits == []


TRACKED_STATUS = ["git", "status", "--porcelain", "-z", "--untracked-files=no"]


@pytest.mark.usefixtures("user_changes_at_the_start")
def test_execute_fix_runs_commands_when_there_is_nothing_to_checkpoint(
    tmp_path: Path, fp: Any
) -> None:
    executor = make_executor(tmp_path, _run_checkpoint_state=WorkspaceState("a", "b", "c"))
    fp.register(STASH_CREATE, stdout="")
    fp.register(TRACKED_STATUS, stdout="")
    fp.register(["git", "checkout", "main"])

    assert run_checkpointing.execute_fix(executor, dict(FIX_PHASE), ["git checkout main"]) == 1

    assert list(fp.calls) == [STASH_CREATE, TRACKED_STATUS, ["git", "checkout", "main"]]


def test_execute_fix_leaves_a_file_the_user_had_changed_alone(
    tmp_path: Path,
    fp: Any,
    checkpoint_commits: list,
    user_changes_at_the_start: set[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user_changes_at_the_start.add("src/app.py")
    executor = fix_executor(tmp_path, fp, checkpoint_commits)
    fp.register(["git", "checkout", "--", "src/other.py"])

    with caplog.at_level(logging.WARNING, logger=run_checkpointing.__name__):
        ran = run_checkpointing.execute_fix(
            executor,
            dict(FIX_PHASE),
            ["git checkout -- src/app.py", "git checkout -- src/other.py"],
        )

    assert ran == 1
    assert list(fp.calls) == [["git", "checkout", "--", "src/other.py"]]
    assert caplog.messages[0].startswith(
        "Doctor fix 'git checkout -- src/app.py' for fix-imports refused: it would discard "
        "changes the run did not make"
    )


def test_execute_fix_refuses_everything_that_writes_without_a_workspace_checkpoint(
    tmp_path: Path, fp: Any, checkpoint_commits: list
) -> None:
    executor = fix_executor(tmp_path, fp, checkpoint_commits)
    executor._run_checkpoint_state = None

    assert (
        run_checkpointing.execute_fix(executor, dict(FIX_PHASE), ["git stash", "git clean -fd"])
        == 0
    )

    assert list(fp.calls) == []
    assert checkpoint_commits == []


def test_the_users_changes_are_read_from_the_checkpoint_trees(tmp_path: Path, fp: Any) -> None:
    state = WorkspaceState("a" * 40, "b" * 40, "c" * 40)
    diff = ["git", "diff-tree", "-r", "-z", "--name-only", "--no-renames", "a" * 40]
    fp.register([*diff, "c" * 40], stdout="notes.md\0src/app.py\0")
    fp.register([*diff, "b" * 40], stdout="staged.txt\0")
    executor = make_executor(tmp_path, _run_checkpoint_state=state)

    assert run_checkpointing.user_changes(executor) == {"notes.md", "src/app.py", "staged.txt"}
