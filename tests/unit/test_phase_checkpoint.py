"""Phase checkpoints: taking one, and returning the workspace and the phase's rows to it."""

from __future__ import annotations

import signal
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from autopack.db import PhaseError, PhaseRecord, RunRecord, TokenBudgetEscalationEvent
from autopack.db.session import create_session_factory
from autopack.phase_checkpoint import (
    RunInterrupted,
    mark_run_interrupted,
    restore_phase_checkpoint,
    sigint_ignored,
    take_phase_checkpoint,
)

KEEP = (".autonomous_runs/",)


def error(phase_id: str, attempt: int) -> PhaseError:
    return PhaseError(run_id="r", phase_id=phase_id, attempt_index=attempt, status="CI_FAILED")


def test_restore_returns_workspace_row_and_events_to_the_checkpoint(git_repo: Path) -> None:
    with (git_repo / ".git/info/exclude").open("a") as exclude:
        exclude.write("/.autonomous_runs/\n")
    engine, factory = create_session_factory(f"sqlite:///{git_repo}/.autonomous_runs/db.sqlite")
    try:
        with factory() as session:
            session.add(RunRecord(run_id="r", state="RUNNING"))
            session.add(PhaseRecord(run_id="r", phase_id="p", state="QUEUED", retry_attempt=1))
            session.add(PhaseRecord(run_id="r", phase_id="other", state="QUEUED"))
            session.add_all([error("p", 0), error("other", 0)])
            session.commit()
        (git_repo / "README.md").write_text("user edit\n")
        checkpoint = take_phase_checkpoint(
            workspace=git_repo, keep=KEEP, session_factory=factory, run_id="r", phase_id="p"
        )
        # The phase runs: files, its row, and events of the phase (and of another phase).
        (git_repo / "README.md").write_text("phase edit\n")
        (git_repo / "src").mkdir()
        (git_repo / "src/new.py").write_text("x = 1\n")
        subprocess.run(["git", "add", "src"], cwd=git_repo, check=True)
        with factory() as session:
            row = session.scalars(select(PhaseRecord).where(PhaseRecord.phase_id == "p")).one()
            row.state, row.retry_attempt = "EXECUTING", 3
            row.last_attempt_timestamp = datetime.now(UTC)
            session.add_all([error("p", 1), error("p", 2), error("other", 1)])
            session.add(
                TokenBudgetEscalationEvent(
                    run_id="r", phase_id="p", attempt_index=2, reason="truncation",
                    escalation_factor=1.25, base_value=1, base_source="x", retry_max_tokens=2,
                )
            )  # fmt: skip
            session.commit()
        assert (
            restore_phase_checkpoint(
                checkpoint, workspace=git_repo, session_factory=factory, run_id="r"
            )
            is None
        )
        assert (git_repo / "README.md").read_text() == "user edit\n"
        assert not (git_repo / "src").exists()
        assert (
            subprocess.run(
                ["git", "status", "--porcelain"], cwd=git_repo, capture_output=True, text=True
            ).stdout
            == " M README.md\n"
        )
        with factory() as session:
            row = session.scalars(select(PhaseRecord).where(PhaseRecord.phase_id == "p")).one()
            assert (row.state, row.retry_attempt, row.last_attempt_timestamp) == ("QUEUED", 1, None)
            errors = [(e.phase_id, e.attempt_index) for e in session.scalars(select(PhaseError))]
            assert sorted(errors) == [("other", 0), ("other", 1), ("p", 0)]
            assert session.scalars(select(TokenBudgetEscalationEvent)).all() == []
        mark_run_interrupted(factory, "r")
        with factory() as session:
            assert session.get(RunRecord, "r").state == "INTERRUPTED"
    finally:
        engine.dispose()


def test_the_interrupt_message_says_what_happened_and_how_to_resume() -> None:
    assert str(RunInterrupted("r", "p")) == (
        "run 'r' interrupted in phase 'p'; the phase was rolled back to its checkpoint; "
        "run the same command again to resume"
    )
    assert "could not be rolled back (git reset failed)" in str(
        RunInterrupted("r", "p", "git reset failed")
    )
    assert str(RunInterrupted("r", None)).startswith("run 'r' interrupted between phases")


def test_sigint_is_ignored_inside_the_block_and_restored_after() -> None:
    before = signal.getsignal(signal.SIGINT)
    with sigint_ignored():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before
