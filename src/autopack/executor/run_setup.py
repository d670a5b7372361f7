"""A run's setup and end in the workspace and the database: the runs folder kept out of git, the run
and phase rows created once, each phase's outcome read back, and the run's end recorded.

Reads from the executor: `workspace`, `run_id`, `plan_path`, `plan`, `phases`, `_session_factory`
and `_last_status_by_phase`; calls its `_get_phase_from_db` and `_send_notification`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from autopack.executor.run_summary import PhaseOutcome, RunSummary
from autopack.git_commands import run_git
from autopack.run_folder import RUNS_DIRNAME

logger = logging.getLogger(__name__)


def ensure_runs_dir_excluded(executor) -> None:
    """Keep `.autonomous_runs/` out of git status, commits and cleans (via info/exclude)."""
    import subprocess

    try:
        proc = run_git(executor.workspace, "rev-parse", "--git-path", "info/exclude")
        if proc.returncode != 0:
            logger.warning("Not a git workspace; cannot exclude %s/", RUNS_DIRNAME)
            return
        exclude = Path(proc.stdout.strip())
        if not exclude.is_absolute():
            exclude = executor.workspace / exclude
        existing = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
        if f"/{RUNS_DIRNAME}/" in existing.splitlines():
            return
        exclude.parent.mkdir(parents=True, exist_ok=True)
        with exclude.open("a", encoding="utf-8") as handle:
            if existing and not existing.endswith("\n"):
                handle.write("\n")
            handle.write(f"/{RUNS_DIRNAME}/\n")
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("Could not exclude %s/ from git: %s", RUNS_DIRNAME, exc)


def ensure_run_and_phase_rows(executor) -> None:
    """Create the run row and one QUEUED row per phase that is not in the database yet.

    The run's plan is recorded by digest; a run id already recorded with another plan raises
    PlanError before anything is written.
    """
    from sqlalchemy import select

    from autopack.db.models import PhaseRecord, PhaseState, RunRecord
    from autopack.db.run_plans import register_run_plan

    now = datetime.now(UTC)
    with executor._session_factory() as session:
        run = session.get(RunRecord, executor.run_id)
        if run is None:
            run = RunRecord(
                run_id=executor.run_id,
                plan_path=executor.plan_path,
                workspace=str(executor.workspace),
                state="RUNNING",
                started_at=now,
            )
            session.add(run)
        else:
            run.state = "RUNNING"
            run.started_at = now
            run.finished_at = None
        session.flush()
        register_run_plan(session, executor.run_id, executor.plan)
        existing = {
            row.phase_id
            for row in session.scalars(
                select(PhaseRecord).where(PhaseRecord.run_id == executor.run_id)
            )
        }
        for position, phase in enumerate(executor.phases):
            if phase["phase_id"] in existing:
                continue
            session.add(
                PhaseRecord(
                    run_id=executor.run_id,
                    phase_id=phase["phase_id"],
                    position=position,
                    name=phase.get("name"),
                    state=PhaseState.QUEUED,
                    retry_attempt=0,
                    revision_epoch=0,
                    escalation_level=0,
                )
            )
        session.commit()


def phase_outcome(executor, phase_id: str, *, skipped: bool = False) -> PhaseOutcome:
    from autopack.db.models import PhaseState

    row = executor._get_phase_from_db(phase_id)
    if row is None:
        return PhaseOutcome(phase_id, "UNKNOWN", 0, skipped=skipped)
    # The retry counter counts failed attempts that were persisted; the attempt that completed a
    # phase, or that the Doctor ended with DOCTOR_SKIP, did not advance it.
    ended_without_advance = row.state == PhaseState.COMPLETE or (
        row.state == PhaseState.FAILED and (row.last_failure_reason or "").startswith("DOCTOR_SKIP")
    )
    attempts = row.retry_attempt + (1 if ended_without_advance else 0)
    return PhaseOutcome(
        phase_id=phase_id,
        state=row.state,
        attempts=attempts,
        last_status=executor._last_status_by_phase.get(phase_id),
        last_failure_reason=row.last_failure_reason,
        skipped=skipped,
    )


def finish_run(executor, summary: RunSummary) -> None:
    from autopack.db.models import PhaseState, RunRecord

    state = "COMPLETE" if summary.all_complete else "FAILED"
    try:
        with executor._session_factory() as session:
            run = session.get(RunRecord, executor.run_id)
            if run is not None:
                run.state = state
                run.finished_at = datetime.now(UTC)
                session.commit()
    except Exception as exc:
        logger.error("Could not record the end of run %s: %s", executor.run_id, exc)
    done = sum(1 for p in summary.phases if p.state == PhaseState.COMPLETE)
    executor._send_notification(
        "run_finished",
        f"Run {executor.run_id} {state}: {done}/{len(summary.phases)} phases complete",
    )
    logger.info(
        "Run %s finished: %s (%d/%d complete)", executor.run_id, state, done, len(summary.phases)
    )


def close_run(executor) -> None:
    """Dispose of the database engine."""
    if executor.engine is not None:
        executor.engine.dispose()
        executor.engine = None
        executor._session_factory = None
    executor._started = False
