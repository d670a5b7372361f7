"""End to end: `autopack run` on the example plan, with real git, SQLite and pytest."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from ._support import EXAMPLE_PLAN, autopack_command

AUDIT_LINE = re.compile(
    r"^(?P<when>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00) \| Run: example-run \| "
    r"Checkpoint: (?P<sha>[0-9a-f]{8}) \| Reason: (?P<reason>.*)$"
)
EXPECTED_FILES = [
    "config/settings.yaml",
    "docker-compose.yml",
    "docs/autopack/handoff_bundle.md",
    "docs/usage.md",
    "pytest.ini",
    "src/autopack/diagnostics/handoff_bundle.py",
    "src/greet/__init__.py",
    "src/greet/report.py",
    "tests/autopack/diagnostics/test_handoff_bundle.py",
    "tests/test_greet.py",
    "tests/test_report.py",
]


def run_autopack(workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*autopack_command(), "run", str(EXAMPLE_PLAN), "--workspace", str(workspace), "--init"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def git(workspace: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=workspace, capture_output=True, text=True, check=True
    ).stdout


def workspace_files(workspace: Path) -> list[str]:
    skipped = {".git", ".autonomous_runs", "__pycache__"}
    return sorted(
        p.relative_to(workspace).as_posix()
        for p in workspace.rglob("*")
        if p.is_file() and not skipped.intersection(p.relative_to(workspace).parts)
    )


@pytest.fixture(scope="module")
def example_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    workspace = tmp_path_factory.mktemp("e2e") / "workspace"
    return workspace, run_autopack(workspace)


def test_the_run_completes_and_prints_a_summary(example_run) -> None:
    workspace, proc = example_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[:3] == [
        f"workspace {workspace}: created the directory",
        f"workspace {workspace}: initialised a git repository",
        f"workspace {workspace}: made an empty initial commit",
    ]
    summary = [re.sub(r"\s+", " ", line.strip()) for line in lines[4:8]]
    assert summary == [
        "greeting-module COMPLETE attempts=3 recovered from: PATCH_FAILED",
        "usage-report COMPLETE attempts=2 recovered from: TOKEN_ESCALATION",
        "settings COMPLETE attempts=1",
        "diagnostics-handoff-bundle COMPLETE attempts=1",
    ]
    assert lines[-1].startswith("Result: COMPLETE (4/4 phases complete); database sqlite:///")


def test_phase_states_in_the_database(example_run) -> None:
    workspace, _ = example_run
    db = sqlite3.connect(workspace / ".autonomous_runs" / "autopack.db")
    try:
        phases = db.execute(
            "SELECT phase_id, state, retry_attempt, revision_epoch, last_failure_reason,"
            " completed_at IS NOT NULL FROM phases ORDER BY position"
        ).fetchall()
        errors = db.execute(
            "SELECT phase_id, attempt_index, status FROM phase_errors ORDER BY id"
        ).fetchall()
        events = db.execute(
            "SELECT phase_id, attempt_index, reason, base_value, base_source, retry_max_tokens,"
            " selected_budget, actual_max_tokens, tokens_used FROM token_budget_escalation_events"
        ).fetchall()
        run = db.execute("SELECT run_id, state, checkpoint_branch FROM runs").fetchall()
    finally:
        db.close()
    assert phases == [
        ("greeting-module", "COMPLETE", 2, 0, "PATCH_FAILED", 1),
        ("usage-report", "COMPLETE", 1, 0, "TOKEN_ESCALATION", 1),
        ("settings", "COMPLETE", 0, 0, None, 1),
        ("diagnostics-handoff-bundle", "COMPLETE", 0, 0, None, 1),
    ]
    assert errors == [("greeting-module", 0, "CI_FAILED"), ("greeting-module", 1, "PATCH_FAILED")]
    assert events == [
        ("usage-report", 1, "truncation", 4096, "selected_budget", 5120, 4096, 4096, 5120)
    ]
    assert run == [("example-run", "COMPLETE", "main")]


def test_workspace_files_and_git_state(example_run) -> None:
    workspace, _ = example_run
    assert workspace_files(workspace) == EXPECTED_FILES
    greet = (workspace / "src/greet/__init__.py").read_text()
    assert 'return f"Hello, {name}!"' in greet
    assert (workspace / "config/settings.yaml").read_text().startswith("greeting:\n")
    assert git(workspace, "log", "--format=%s") == "autopack: empty workspace\n"
    assert "/.autonomous_runs/" in (workspace / ".git/info/exclude").read_text()
    ci_log = (workspace / ".autonomous_runs/example-run/ci/greeting-module.log").read_text()
    assert "2 passed" in ci_log


def test_rollback_audit_log(example_run) -> None:
    workspace, _ = example_run
    lines = (workspace / ".autonomous_runs/example-run/run_rollback.log").read_text().splitlines()
    assert len(lines) == 1
    match = AUDIT_LINE.match(lines[0])
    assert match, lines[0]
    assert match["sha"] == git(workspace, "rev-parse", "HEAD").strip()[:8]
    assert match["reason"] == "doctor_rollback_run: greeting-module PATCH_FAILED"


def test_running_again_resumes_without_changes(example_run) -> None:
    workspace, _ = example_run
    audit = (workspace / ".autonomous_runs/example-run/run_rollback.log").read_text()
    before = {p: (workspace / p).read_text() for p in EXPECTED_FILES}
    proc = run_autopack(workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("(already complete)") == 4
    assert "created the directory" not in proc.stdout
    assert {p: (workspace / p).read_text() for p in EXPECTED_FILES} == before
    assert (workspace / ".autonomous_runs/example-run/run_rollback.log").read_text() == audit


def test_a_plan_with_a_failing_phase_exits_1(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "run_id: failing\nphases:\n  - phase_id: never\n    ci: {skip: true}\n"
        "    scope: {paths: [src/]}\n    replay:\n      builder: []\n"
    )
    proc = subprocess.run(
        [*autopack_command(), "run", str(plan), "--workspace", str(tmp_path / "ws"), "--init"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"never\s+FAILED\s+attempts=5\s+reason: MAX_ATTEMPTS_EXHAUSTED", proc.stdout)
    assert "Result: INCOMPLETE (0/1 phases complete)" in proc.stdout
