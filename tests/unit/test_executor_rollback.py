"""Run checkpoint, rollback and its audit log, and execute_fix, on real git repositories."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

AUDIT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00 \| Run: run-1 \| Checkpoint: [0-9a-f]{8} \| "
    r"Reason: (?P<reason>.*)$"
)


def head(repo: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_checkpoint_records_branch_commit_and_untracked_files(
    make_executor, git_repo: Path
) -> None:
    (git_repo / "notes").mkdir()
    (git_repo / "notes/mine.txt").write_text("keep\n")
    executor = make_executor([{"phase_id": "a"}])
    assert executor._run_checkpoint_branch == "main"
    assert executor._run_checkpoint_commit == head(git_repo)
    assert executor._run_checkpoint_untracked == ["notes/mine.txt"]


def test_rollback_restores_tracked_files_removes_run_files_and_keeps_earlier_untracked(
    make_executor, git_repo: Path
) -> None:
    (git_repo / "notes").mkdir()
    (git_repo / "notes/mine.txt").write_text("keep\n")
    (git_repo / "odd [name]*.txt").write_text("keep too\n")
    executor = make_executor([{"phase_id": "a"}])
    (git_repo / "README.md").write_text("changed by the run\n")
    (git_repo / "notes/run.txt").write_text("created by the run\n")
    (git_repo / "src/pkg").mkdir(parents=True)
    (git_repo / "src/pkg/new.py").write_text("x\n")

    assert executor._rollback_to_run_checkpoint("test reason") == (True, None)

    assert (git_repo / "README.md").read_text() == "hello\n"
    assert not (git_repo / "notes/run.txt").exists()
    assert not (git_repo / "src").exists()
    assert (git_repo / "notes/mine.txt").read_text() == "keep\n"
    assert (git_repo / "odd [name]*.txt").read_text() == "keep too\n"
    assert (git_repo / ".autonomous_runs/autopack.db").exists()
    log = (git_repo / ".autonomous_runs/run-1/run_rollback.log").read_text().splitlines()
    assert len(log) == 1
    match = AUDIT_LINE.match(log[0])
    assert match, log[0]
    assert match["reason"] == "test reason"
    assert f"Checkpoint: {head(git_repo)[:8]} |" in log[0]


def test_rollback_undoes_commits_and_returns_to_the_branch(make_executor, git_repo: Path) -> None:
    executor = make_executor([{"phase_id": "a"}])
    start = head(git_repo)
    subprocess.run(["git", "checkout", "-q", "-b", "side"], cwd=git_repo, check=True)
    (git_repo / "x.txt").write_text("x\n")
    subprocess.run(["git", "add", "x.txt"], cwd=git_repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "x"],
        cwd=git_repo,
        check=True,
    )
    assert executor._rollback_to_run_checkpoint("second")[0]
    branch = subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=git_repo, capture_output=True, text=True
    ).stdout.strip()
    assert branch == "main"
    assert head(git_repo) == start
    assert executor._rollback_to_run_checkpoint("third")[0]
    lines = (git_repo / ".autonomous_runs/run-1/run_rollback.log").read_text().splitlines()
    assert [AUDIT_LINE.match(line)["reason"] for line in lines] == ["second", "third"]


def test_rollback_without_checkpoint(make_executor, git_repo: Path) -> None:
    executor = make_executor([{"phase_id": "a"}], start=False)
    assert executor._rollback_to_run_checkpoint("x") == (False, "no_checkpoint_commit")
    assert not (git_repo / ".autonomous_runs").exists()


def test_checkpoint_outside_a_repository_fails_with_a_reason(tmp_path: Path) -> None:
    from autopack.autonomous_executor import AutonomousExecutor

    executor = AutonomousExecutor(run_id="r", workspace=tmp_path, plan={"phases": []})
    ok, error = executor._create_run_checkpoint()
    assert not ok
    assert error.startswith("git_branch_failed: fatal: not a git repository")


def test_checkpoint_in_a_repository_without_commits(tmp_path: Path) -> None:
    from autopack.autonomous_executor import AutonomousExecutor

    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    executor = AutonomousExecutor(run_id="r", workspace=tmp_path, plan={"phases": []})
    ok, error = executor._create_run_checkpoint()
    assert not ok
    assert error.startswith(("git_branch_failed: ", "git_commit_failed: "))


def test_execute_fix_runs_whitelisted_commands_after_a_stash_checkpoint(
    make_executor, git_repo: Path
) -> None:
    executor = make_executor([{"phase_id": "a"}])
    (git_repo / "README.md").write_text("local edit\n")
    ran = executor._execute_fix(
        {"phase_id": "a"}, ["git checkout -- README.md", "rm -rf /", "git 'unbalanced"]
    )
    assert ran == 1
    assert (git_repo / "README.md").read_text() == "hello\n"
    stash = subprocess.run(
        ["git", "stash", "list"], cwd=git_repo, capture_output=True, text=True, check=True
    ).stdout
    assert "autopack: checkpoint before execute_fix for a" in stash
    assert executor._execute_fix({"phase_id": "a"}, []) == 0


def test_audit_log_keeps_a_multi_line_reason_on_one_line(make_executor, git_repo: Path) -> None:
    executor = make_executor([{"phase_id": "a"}])
    assert executor._rollback_to_run_checkpoint("doctor said:\nroll back | now\r\n") == (True, None)
    log = (git_repo / ".autonomous_runs/run-1/run_rollback.log").read_text().splitlines()
    assert len(log) == 1
    match = AUDIT_LINE.match(log[0])
    assert match, log[0]
    assert match["reason"] == "doctor said:\\nroll back | now\\r\\n"


def test_rollback_when_git_cannot_run_fails_with_a_reason(make_executor, git_repo: Path) -> None:
    executor = make_executor([{"phase_id": "a"}])
    # subprocess.run raises FileNotFoundError for a cwd that does not exist.
    executor.workspace = git_repo / "vanished"
    ok, reason = executor._rollback_to_run_checkpoint("test reason")
    assert ok is False
    assert reason.startswith("git_failed: [Errno 2] No such file or directory"), reason
    assert not (git_repo / ".autonomous_runs/run-1/run_rollback.log").exists()
