"""Characterization of the run lifecycle: `start`, `run`, the phase loop, the run's end, `close`.

The seam is `start` (database, runs folder excluded from git, run and phase rows with the plan's
digest, a phase a killed run left in progress rolled back by its marker
(`phase_marker.recover_interrupted_phase`), run checkpoint), `run` (plan order, resume of COMPLETE
phases, a FAILED phase stopping the run, a checkpoint before each phase it attempts, the marker
removed when the phase ends, Ctrl-C returning that phase to its checkpoint and marking the run
interrupted, each outcome reported to `on_phase_end`), `_run_phase_to_completion` (attempts until
COMPLETE or FAILED, the phase-in-progress marker written before each, the run-wide failure cap),
`_phase_outcome`, `RunSummary.add` and `RunSummary.all_complete` (the summary), `_finish_run` (the run row's end
state and the notification), `_ensure_runs_dir_excluded`, `_ensure_run_and_phase_rows` and `close`.

The run database is real (in-memory SQLite, its rows observed after each call). Faked: the database
factory (by identity; it hands out that database), the run checkpoint, the notification, one
attempt (`execute_phase`, whose side effect writes the phase row as the real one does: a failed
attempt advances `retry_attempt` and the run's failure count, the last one marks the row FAILED),
the phase-state reads and the FAILED marking, which answer from the same database (an attempt may
also raise KeyboardInterrupt, or RunStorageError for a write it could not make), and the phase
checkpoint functions (by identity: taking, restoring, marking the run interrupted, writing and
removing the marker, and ignoring SIGINT, whose block is observed where it opens and closes); a
marker a killed run left is a real file, read back by the real recovery. The plan digest is real. git is
scripted (`git rev-parse --git-path info/exclude`); the exclude file it names is observed.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from autopack.autonomous_executor import AutonomousExecutor, PhaseOutcome, RunSummary
from autopack.db.models import PhaseRecord, PhaseState, RunRecord
from autopack.db.run_plans import register_run_plan
from autopack.db.session import create_session_factory
from autopack.exceptions import RunDatabaseError
from autopack.git_problems import explain_checkpoint_failure
from autopack.phase_checkpoint import (
    mark_run_interrupted,
    restore_phase_checkpoint,
    sigint_ignored,
    take_phase_checkpoint,
)
from autopack.phase_marker import clear_phase_marker, marker_path, write_phase_marker
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "run_loop",
    covers=[
        "autopack.executor.run_setup:ensure_runs_dir_excluded",
        "autopack.executor.run_setup:ensure_run_and_phase_rows",
        "autopack.executor.run_setup:phase_outcome",
        "autopack.executor.run_setup:finish_run",
        "autopack.autonomous_executor:AutonomousExecutor.start",
        "autopack.executor.run_setup:close_run",
        "autopack.autonomous_executor:AutonomousExecutor.close",
        "autopack.autonomous_executor:AutonomousExecutor.run",
        "autopack.autonomous_executor:AutonomousExecutor._run_phase_to_completion",
        "autopack.autonomous_executor:AutonomousExecutor._phase_outcome",
        "autopack.autonomous_executor:AutonomousExecutor._finish_run",
        "autopack.autonomous_executor:AutonomousExecutor._ensure_runs_dir_excluded",
        "autopack.autonomous_executor:AutonomousExecutor._ensure_run_and_phase_rows",
        "autopack.executor.run_summary:RunSummary.add",
        "autopack.executor.run_summary:RunSummary.all_complete",
        "autopack.phase_marker:recover_interrupted_phase",
        "autopack.phase_marker:read_phase_marker",
    ],
)

REAL = [
    "start",
    "close",
    "run",
    "_run_phase_to_completion",
    "_phase_outcome",
    "_finish_run",
    "_ensure_runs_dir_excluded",
    "_ensure_run_and_phase_rows",
]
RUN_ID = "run-char"
MARKER = f".autonomous_runs/{RUN_ID}/phase-in-progress.json"
GIT_EXCLUDE = ["git", "rev-parse", "--git-path", "info/exclude"]


@dataclass(frozen=True)
class Sessions:
    """The run database's session factory under a name, so a call that passes it can be recorded.

    Calling it opens a session like the factory it wraps; goldens show `!Sessions {database: ...}`.
    """

    database: str
    _open: Callable[[], Session] = field(repr=False)

    def __call__(self) -> Session:
        return self._open()


@dataclass
class SignalsIgnored:
    """What the faked `sigint_ignored()` gives: a block that observes where it opens and closes."""

    _note: Callable[[str, Any], None] = field(repr=False)

    def __enter__(self) -> None:
        self._note("SIGINT", "ignored")

    def __exit__(self, *exc_info: Any) -> None:
        self._note("SIGINT", "handled again")


def _unreachable_database() -> Session:
    # The driver's own error: SQLAlchemy's wrapper would add a version-specific help link.
    raise sqlite3.OperationalError("unable to open database file")


def plan_phases(*phase_ids: str) -> list[dict[str, Any]]:
    """Fresh plan phases: each named after its id, the last one without a name."""
    phases = [{"phase_id": pid, "name": f"Phase {pid}"} for pid in phase_ids]
    if phases:
        del phases[-1]["name"]
    return phases


# One attempt's outcome, as `execute_phase` leaves the phase row:
COMPLETE = ("COMPLETE",)  # the row COMPLETE, (True, "COMPLETE")


def fails(status: str) -> tuple[str, str]:
    """The attempt fails with `status`: retry_attempt + 1, the reason, one more run failure."""
    return ("fails", status)


def exhausted(status: str) -> tuple[str, str]:
    """The last attempt fails with `status`: as `fails`, and the row FAILED (all attempts used)."""
    return ("exhausted", status)


ESCALATES = ("escalates",)  # TOKEN_ESCALATION: retry_attempt + 1, no run failure counted
DOCTOR_SKIP = ("doctor_skip",)  # the Doctor skips the phase: FAILED, retry_attempt unchanged
ROW_LOST = ("row_lost",)  # the attempt fails and the phase row is gone afterwards
CTRL_C = ("ctrl_c",)  # the user presses Ctrl-C during the attempt (KeyboardInterrupt)
DISK_FULL = ("disk_full",)  # a write of the attempt fails: the database's disk is full


@dataclass
class RunRig:
    """An executor whose run lifecycle is real, on a real database, with its attempts scripted."""

    golden: Recorder
    db: Any
    executor: AutonomousExecutor
    attempts: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    def script(self, **attempts: Sequence[tuple[str, ...]]) -> None:
        """The outcomes of each phase's attempts, in order (keyword: phase id with `_` for `-`)."""
        for key, outcomes in attempts.items():
            self.attempts[key.replace("_", "-")] = list(outcomes)

    def git_exclude(self, stdout: str = ".git/info/exclude\n", **kwargs: Any) -> None:
        self.golden.subprocess(GIT_EXCLUDE, stdout=stdout, **kwargs)

    def observe_exclude(self, relative: str = ".git/info/exclude") -> None:
        path = self.executor.workspace / relative
        self.golden.observe(
            "info/exclude", path.read_text(encoding="utf-8") if path.is_file() else None
        )

    def observe_db(self) -> None:
        self.golden.observe("db", self.db.rows())

    # -- the fakes' side effects ---------------------------------------------------------------

    def _row(self, session: Session, phase_id: str) -> PhaseRecord | None:
        return session.scalars(
            select(PhaseRecord).where(
                PhaseRecord.run_id == RUN_ID, PhaseRecord.phase_id == phase_id
            )
        ).first()

    def read_row(self, phase_id: str) -> SimpleNamespace | None:
        """What `_get_phase_from_db` gives: the row's state, counter and reason (None if absent)."""
        with self.db.session_factory() as session:
            row = self._row(session, phase_id)
            if row is None:
                return None
            return SimpleNamespace(
                state=row.state,
                retry_attempt=row.retry_attempt,
                last_failure_reason=row.last_failure_reason,
            )

    def mark_failed(self, phase_id: str, reason: str) -> bool:
        with self.db.session_factory() as session:
            row = self._row(session, phase_id)
            row.state = PhaseState.FAILED
            row.last_failure_reason = reason
            session.commit()
        return True

    def attempt(self, phase: dict[str, Any]) -> tuple[bool, str]:
        phase_id = phase["phase_id"]
        kind, *rest = self.attempts[phase_id].pop(0)
        if kind == "ctrl_c":
            raise KeyboardInterrupt
        if kind == "disk_full":
            raise RunDatabaseError("/var/runs/autopack.db", "database or disk is full")
        with self.db.session_factory() as session:
            row = self._row(session, phase_id)
            if kind == "COMPLETE":
                row.state = PhaseState.COMPLETE
                session.commit()
                return True, "COMPLETE"
            if kind == "doctor_skip":
                row.state = PhaseState.FAILED
                row.last_failure_reason = "DOCTOR_SKIP: CI_FAILED"
                session.commit()
                self.executor._run_total_failures += 1
                return False, "FAILED"
            if kind == "row_lost":
                session.execute(delete(PhaseRecord).where(PhaseRecord.phase_id == phase_id))
                session.commit()
                self.executor._run_total_failures += 1
                return False, "INFRA_RETRY"
            row.retry_attempt += 1
            if kind == "escalates":
                row.last_failure_reason = "TOKEN_ESCALATION"
                session.commit()
                return False, "TOKEN_ESCALATION"
            self.executor._run_total_failures += 1
            row.last_failure_reason = rest[0]
            if kind == "exhausted":
                row.state = PhaseState.FAILED
                row.last_failure_reason = "MAX_ATTEMPTS_EXHAUSTED"
                session.commit()
                return False, "FAILED"
            session.commit()
            return False, rest[0]

    def run(self, **kwargs: Any) -> Any:
        result = self.golden.call(self.executor.run, **kwargs)
        self.observe_db()
        return result


MakeRunRig = Callable[..., RunRig]


@pytest.fixture
def run_rig(golden: Recorder, make_executor: Any, run_db: Any) -> MakeRunRig:
    """`run_rig(phases, **attrs)`: an executor before `start()` with the plan's `phases`."""

    def build(phases: list[dict[str, Any]], **attrs: Any) -> RunRig:
        state = {
            "db_url": f"sqlite:///{golden.workspace / '.autonomous_runs' / 'autopack.db'}",
            "phases": phases,
            "plan": {"phases": phases},
            "plan_path": "plans/signup.yaml",
            "engine": None,
            "_session_factory": None,
            "_started": False,
            "_run_checkpoint_branch": None,
            "_run_checkpoint_commit": None,
            **attrs,
        }
        executor = make_executor(real=REAL, **state)
        rig = RunRig(golden, run_db, executor)
        golden.fake_function(
            create_session_factory,
            returns=(golden.fake("engine"), Sessions("run-db", run_db.session_factory)),
        )
        golden.fake("self._create_run_checkpoint", returns=(True, None))
        golden.fake("self._send_notification", returns=True)
        golden.fake("self.execute_phase", side_effect=rig.attempt)
        golden.fake("self._get_phase_from_db", side_effect=rig.read_row)
        golden.fake("self._mark_phase_failed_in_db", side_effect=rig.mark_failed)
        golden.fake_function(
            take_phase_checkpoint, side_effect=lambda **kw: f"checkpoint before {kw['phase_id']}"
        )
        golden.fake_function(restore_phase_checkpoint, returns=None)
        golden.fake_function(mark_run_interrupted, returns=None)
        golden.fake_function(write_phase_marker, returns=None)
        golden.fake_function(clear_phase_marker, returns=None)
        golden.fake_function(explain_checkpoint_failure, returns="the checkpoint explained")
        golden.fake_function(sigint_ignored, side_effect=lambda: SignalsIgnored(golden.observe))
        return rig

    return build


def started(rig: RunRig) -> None:
    """Put the executor in the state `start()` leaves (database open), without recording it."""
    rig.executor._session_factory = Sessions("run-db", rig.db.session_factory)
    rig.executor._started = True


# ---------------------------------------------------------------- whole runs


def test_plan_of_several_phases_runs_to_completion(golden: Recorder, run_rig: MakeRunRig) -> None:
    rig = run_rig(plan_phases("setup", "build-api", "write-docs"))
    rig.git_exclude()
    rig.script(
        setup=[COMPLETE],
        build_api=[fails("CI_FAILED"), fails("PATCH_FAILED"), COMPLETE],
        write_docs=[ESCALATES, COMPLETE],
    )
    rig.run()
    rig.observe_exclude()


def test_phase_that_exhausts_its_attempts_stops_the_run(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("setup", "build-api", "write-docs", "release"))
    rig.git_exclude()
    rig.script(
        setup=[COMPLETE],
        build_api=[
            fails("CI_FAILED"),
            fails("CI_FAILED"),
            fails("PATCH_FAILED"),
            fails("CI_FAILED"),
            exhausted("CI_FAILED"),
        ],
    )
    rig.run()


def test_resume_skips_complete_phases_and_creates_only_missing_rows(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    """A plan run before: its run row ended FAILED, phase 1 is COMPLETE, phase 2 failed twice."""
    with run_db.session_factory() as session:
        session.add(RunRecord(run_id=RUN_ID, state="FAILED", workspace="/old/place"))
        session.commit()
    run_db.add_phase("setup", position=0, name="Phase setup", state=PhaseState.COMPLETE)
    run_db.add_phase(
        "build-api", position=1, retry_attempt=2, last_failure_reason="CI_FAILED", name="old name"
    )
    rig = run_rig(plan_phases("setup", "build-api", "write-docs"))
    rig.git_exclude()
    rig.script(build_api=[COMPLETE], write_docs=[COMPLETE])
    rig.run()


def test_resume_stops_at_a_phase_already_failed(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    run_db.add_phase("setup", position=0, state=PhaseState.COMPLETE)
    run_db.add_phase(
        "build-api",
        position=1,
        state=PhaseState.FAILED,
        retry_attempt=5,
        last_failure_reason="MAX_ATTEMPTS_EXHAUSTED",
    )
    rig = run_rig(plan_phases("setup", "build-api", "write-docs", "release"))
    rig.git_exclude()
    rig.run()


def test_running_the_plan_again_creates_no_rows_and_skips_every_phase(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    """The second `run()` of a started executor does not start again; every phase is COMPLETE."""
    rig = run_rig(plan_phases("setup", "build-api"))
    rig.git_exclude()
    rig.script(setup=[COMPLETE], build_api=[COMPLETE])
    rig.run()
    rig.run()


def test_phase_the_doctor_skips_counts_its_last_attempt(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("build-api", "write-docs"))
    rig.git_exclude()
    rig.script(build_api=[fails("CI_FAILED"), DOCTOR_SKIP])
    rig.run()


def test_phase_whose_row_is_gone_after_an_attempt_stops_the_run(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("build-api", "write-docs"))
    rig.git_exclude()
    rig.script(build_api=[ROW_LOST])
    rig.run()


@pytest.mark.parametrize(
    ("failures_before", "attempts"),
    [
        pytest.param(24, [fails("CI_FAILED")], id="25th_failure_stops_the_run"),
        pytest.param(23, [fails("CI_FAILED"), COMPLETE], id="24th_failure_retries"),
        pytest.param(
            24, [ESCALATES, fails("PATCH_FAILED")], id="escalation_does_not_count_as_a_failure"
        ),
    ],
)
def test_run_wide_failure_cap(
    golden: Recorder,
    run_rig: MakeRunRig,
    failures_before: int,
    attempts: list[tuple[str, ...]],
) -> None:
    rig = run_rig(plan_phases("build-api", "write-docs"), _run_total_failures=failures_before)
    rig.git_exclude()
    rig.script(build_api=list(attempts), write_docs=[COMPLETE])
    rig.run()


@pytest.mark.parametrize(
    ("attempts", "failures_before"),
    [
        pytest.param([fails("CI_FAILED"), COMPLETE], 0, id="completes"),
        pytest.param([exhausted("CI_FAILED")], 0, id="failed_for_good"),
        pytest.param([ROW_LOST], 0, id="row_gone"),
        pytest.param([fails("CI_FAILED")], 24, id="run_failure_cap"),
    ],
)
def test_one_phase_to_completion_says_whether_the_run_goes_on(
    golden: Recorder,
    run_rig: MakeRunRig,
    run_db: Any,
    attempts: list[tuple[str, ...]],
    failures_before: int,
) -> None:
    run_db.add_phase("build-api", name="Phase build-api")
    rig = run_rig(plan_phases("build-api"), _run_total_failures=failures_before)
    started(rig)
    rig.script(build_api=list(attempts))
    golden.call(rig.executor._run_phase_to_completion, {"phase_id": "build-api"})


def test_run_without_a_checkpoint_carries_the_error(golden: Recorder, run_rig: MakeRunRig) -> None:
    """The executor does not require a checkpoint (`--no-checkpoint`): the run goes on."""
    rig = run_rig(plan_phases("setup"), require_checkpoint=False)
    rig.git_exclude()
    golden.fake(
        "self._create_run_checkpoint",
        returns=(False, "git_branch_failed: fatal: not a git repository"),
    )
    rig.script(setup=[COMPLETE])
    rig.run()


def test_a_run_checkpoint_that_cannot_be_recorded_stops_the_run_before_any_phase(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    """A checkpoint is required by default: the run is marked interrupted and `start()` raises
    WorkspaceError with the problem explained (`git_problems.explain_checkpoint_failure`)."""
    rig = run_rig(plan_phases("setup"))
    rig.git_exclude()
    golden.fake("self._create_run_checkpoint", returns=(False, "git_timeout"))
    golden.fake(
        "explain_checkpoint_failure",
        returns="workspace '<workspace>': the run checkpoint cannot be recorded: git did not answer",
    )
    rig.script(setup=[COMPLETE])
    rig.run()


def test_empty_plan_finishes_failed(golden: Recorder, run_rig: MakeRunRig) -> None:
    rig = run_rig([])
    rig.git_exclude()
    rig.run()


def test_each_phase_outcome_is_reported_as_it_is_known(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    """The database lies in the workspace root: the phase checkpoints keep it as well."""
    rig = run_rig(
        plan_phases("setup", "build-api", "write-docs"),
        db_url=f"sqlite:///{golden.workspace / 'autopack.db'}",
    )
    rig.git_exclude()
    rig.script(setup=[COMPLETE], build_api=[DOCTOR_SKIP])
    rig.run(on_phase_end=golden.fake("on_phase_end", returns=None))


@pytest.mark.parametrize(
    "problem",
    [
        pytest.param(None, id="phase_restored"),
        pytest.param("src/app.py could not be restored: permission denied", id="restore_failed"),
    ],
)
def test_ctrl_c_in_a_phase_returns_it_to_its_checkpoint_and_marks_the_run_interrupted(
    golden: Recorder, run_rig: MakeRunRig, problem: str | None
) -> None:
    rig = run_rig(plan_phases("setup", "build-api", "write-docs"))
    rig.git_exclude()
    golden.fake("restore_phase_checkpoint", returns=problem)
    rig.script(setup=[COMPLETE], build_api=[fails("CI_FAILED"), CTRL_C])
    rig.run(on_phase_end=golden.fake("on_phase_end", returns=None))


@pytest.mark.parametrize(
    "problem",
    [
        pytest.param(None, id="phase_restored"),
        pytest.param(
            "the phase rows could not be restored: database or disk is full", id="rows_not_restored"
        ),
    ],
)
def test_a_write_that_fails_in_a_phase_stops_the_run_after_returning_the_phase_to_its_checkpoint(
    golden: Recorder, run_rig: MakeRunRig, problem: str | None
) -> None:
    """No other attempt, no other phase: the run stops at once (RunStopped), without marking the
    run in the database that failed; the marker stays when the phase could not be rolled back, for
    the next run to finish the job."""
    rig = run_rig(plan_phases("setup", "build-api", "write-docs"))
    rig.git_exclude()
    golden.fake("restore_phase_checkpoint", returns=problem)
    rig.script(setup=[COMPLETE], build_api=[fails("CI_FAILED"), DISK_FULL])
    rig.run(on_phase_end=golden.fake("on_phase_end", returns=None))


def _full_disk() -> Session:
    raise RunDatabaseError("/var/runs/autopack.db", "database or disk is full")


def test_a_database_write_that_fails_at_the_end_of_the_run_stops_it(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    """Every phase is complete when the disk fills: recording the run's end fails (RunStopped)."""
    rig = run_rig(plan_phases("setup"))
    rig.git_exclude()

    def attempt_then_fill_the_disk(phase: dict[str, Any]) -> tuple[bool, str]:
        result = rig.attempt(phase)
        rig.executor._session_factory = Sessions("full-disk", _full_disk)
        return result

    rig.script(setup=[COMPLETE])
    golden.fake("self.execute_phase", side_effect=attempt_then_fill_the_disk)
    rig.run()


def test_ctrl_c_while_starting_marks_the_run_interrupted(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("setup"))
    rig.git_exclude()
    golden.fake("self._create_run_checkpoint", side_effect=KeyboardInterrupt())
    rig.run()


def test_ctrl_c_before_the_database_is_open_marks_nothing(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("setup"))
    golden.fake("create_session_factory", side_effect=KeyboardInterrupt())
    rig.run()


# ---------------------------------------------------------------- start and close


def test_start_of_a_started_executor_does_nothing(golden: Recorder, run_rig: MakeRunRig) -> None:
    rig = run_rig(plan_phases("setup"))
    started(rig)
    golden.call(rig.executor.start)


def test_start_opens_the_database_registers_the_run_and_takes_the_checkpoint(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("setup", "build-api"), db_url="sqlite:///runs/autopack.db")
    rig.git_exclude()
    golden.call(rig.executor.start)
    rig.observe_db()
    rig.observe_exclude()


def test_start_refused_after_the_runs_folder_is_excluded_and_before_the_checkpoint(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    """The run id is recorded with another plan: `start()` has excluded the runs folder from git
    by then, writes no row, takes no checkpoint and stays not started."""
    with run_db.session_factory() as session:
        session.add(RunRecord(run_id=RUN_ID, state="FAILED"))
        session.flush()
        register_run_plan(session, RUN_ID, {"phases": [{"phase_id": "old-phase"}]})
        session.commit()
    rig = run_rig(plan_phases("setup", "build-api"))
    rig.git_exclude()
    golden.call(rig.executor.start)
    rig.observe_db()
    rig.observe_exclude()


def leave_marker(golden: Recorder, phase_id: str = "build-api", **row: Any) -> None:
    """The marker a run (pid 4242) killed during `phase_id`'s second attempt leaves."""
    marker = golden.workspace / MARKER
    marker.parent.mkdir(parents=True)
    marker.write_text(
        json.dumps(
            {
                "version": 1,
                "phase_id": phase_id,
                "attempt": 2,
                "pid": 4242,
                "written_at": "2024-01-02T03:01:02+00:00",
                "workspace": {
                    "head": "1" * 40,
                    "index_tree": "2" * 40,
                    "worktree_tree": "3" * 40,
                    "empty_dirs": ["notes/drafts"],
                    "keep": [".autonomous_runs/"],
                },
                "row": {
                    "state": PhaseState.QUEUED,
                    "retry_attempt": 1,
                    "revision_epoch": 0,
                    "escalation_level": 0,
                    "last_failure_reason": "CI_FAILED",
                    "last_attempt_timestamp": "2024-01-02T03:00:00+00:00",
                    "completed_at": None,
                    **row,
                },
                "last_event_ids": {
                    "phase_errors": 4,
                    "learning_hints": 4,
                    "token_budget_escalation_events": 0,
                },
            }
        ),
        encoding="utf-8",
    )
    # The marker is really removed (and the removal recorded as a file event).
    golden.fake(
        "clear_phase_marker",
        side_effect=lambda workspace, run_id: marker_path(workspace, run_id).unlink(),
    )


def test_start_rolls_back_the_phase_a_killed_run_left_in_progress(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    """Before its own checkpoint, `start()` returns the phase to the checkpoint in the marker."""
    run_db.add_phase("setup", position=0, state=PhaseState.COMPLETE)
    run_db.add_phase("build-api", position=1, retry_attempt=2, last_failure_reason="PATCH_FAILED")
    leave_marker(golden)
    rig = run_rig(plan_phases("setup", "build-api"))
    rig.git_exclude()
    golden.call(rig.executor.start)
    golden.observe("marker left", (golden.workspace / MARKER).exists())


@pytest.mark.parametrize("state", [PhaseState.COMPLETE, PhaseState.FAILED])
def test_start_removes_the_marker_of_a_phase_that_had_ended(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any, state: str
) -> None:
    """Killed after the phase's end was recorded: nothing to roll back."""
    run_db.add_phase("build-api", position=0, state=state, retry_attempt=2)
    leave_marker(golden)
    rig = run_rig(plan_phases("build-api"))
    rig.git_exclude()
    golden.call(rig.executor.start)
    golden.observe("marker left", (golden.workspace / MARKER).exists())


def test_start_stops_when_the_interrupted_phase_cannot_be_rolled_back(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    run_db.add_phase("build-api", position=0, retry_attempt=2)
    leave_marker(golden)
    rig = run_rig(plan_phases("build-api"))
    rig.git_exclude()
    golden.fake("restore_phase_checkpoint", returns="git reset failed: fatal: bad object 1111111")
    golden.call(rig.executor.start)
    golden.observe("marker left", (golden.workspace / MARKER).exists())


def test_start_stops_at_an_unreadable_marker(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    run_db.add_phase("build-api", position=0)
    (golden.workspace / MARKER).parent.mkdir(parents=True)
    (golden.workspace / MARKER).write_text('{"phase_id": "build-api"', encoding="utf-8")
    rig = run_rig(plan_phases("build-api"))
    rig.git_exclude()
    golden.call(rig.executor.start)


def test_close_disposes_of_the_engine(golden: Recorder, run_rig: MakeRunRig) -> None:
    rig = run_rig(plan_phases("setup"), engine=golden.fake("engine"))
    started(rig)
    golden.fake("engine.dispose", returns=None)
    golden.call(rig.executor.close)
    golden.observe(
        "after close",
        {"engine": rig.executor.engine, "session_factory": rig.executor._session_factory},
    )


def test_close_without_an_engine_only_marks_the_executor_stopped(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("setup"))
    started(rig)
    golden.call(rig.executor.close)
    golden.observe("session factory after close", rig.executor._session_factory)


# ---------------------------------------------------------------- the runs folder and git


@pytest.mark.parametrize(
    "existing",
    [
        pytest.param(None, id="no_exclude_file_yet"),
        pytest.param("", id="empty_exclude_file"),
        pytest.param("*.log\n", id="ends_with_a_newline"),
        pytest.param("*.log\n# local", id="ends_without_a_newline"),
        pytest.param("*.log\n/.autonomous_runs/\nbuild/\n", id="already_excluded"),
        pytest.param(".autonomous_runs/\n/.autonomous_runs/old/\n", id="only_similar_lines"),
    ],
)
def test_runs_folder_is_excluded_from_git_once(
    golden: Recorder, run_rig: MakeRunRig, existing: str | None
) -> None:
    rig = run_rig([])
    exclude = rig.executor.workspace / ".git" / "info" / "exclude"
    if existing is not None:
        exclude.parent.mkdir(parents=True)
        exclude.write_text(existing, encoding="utf-8")
    rig.git_exclude()
    golden.call(rig.executor._ensure_runs_dir_excluded)
    rig.observe_exclude()


def test_exclude_file_of_a_linked_worktree_is_named_absolute(
    golden: Recorder, run_rig: MakeRunRig, tmp_path: Path
) -> None:
    rig = run_rig([])
    exclude = tmp_path / "main" / ".git" / "worktrees" / "ws" / "info" / "exclude"
    rig.git_exclude(stdout=f"{exclude}\n")
    golden.call(rig.executor._ensure_runs_dir_excluded)
    golden.observe("info/exclude", exclude.read_text(encoding="utf-8"))
    golden.observe("workspace .git", (rig.executor.workspace / ".git").exists())


def test_workspace_that_is_not_a_git_repository_is_left_alone(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig([])
    rig.git_exclude(stdout="", stderr="fatal: not a git repository\n", returncode=128)
    golden.call(rig.executor._ensure_runs_dir_excluded)
    rig.observe_exclude()


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(
            {"raises": FileNotFoundError(errno.ENOENT, "No such file or directory", "git")},
            id="git_missing",
        ),
        pytest.param({"times_out": True}, id="git_times_out"),
    ],
)
def test_git_that_cannot_answer_is_a_warning(
    golden: Recorder, run_rig: MakeRunRig, script: dict[str, Any]
) -> None:
    rig = run_rig([])
    golden.subprocess(GIT_EXCLUDE, **script)
    golden.call(rig.executor._ensure_runs_dir_excluded)
    rig.observe_exclude()


def test_unreadable_exclude_file_is_a_warning(golden: Recorder, run_rig: MakeRunRig) -> None:
    rig = run_rig([])
    (rig.executor.workspace / ".git" / "info" / "exclude").mkdir(parents=True)
    rig.git_exclude()
    golden.call(rig.executor._ensure_runs_dir_excluded)


# ---------------------------------------------------------------- run and phase rows


def test_rows_of_a_new_run_are_created_queued_in_plan_order(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    """Rows of another run with the same phase ids are not this run's."""
    run_db.add_phase("build-api", run_id="other-run", state=PhaseState.COMPLETE)
    rig = run_rig(plan_phases("setup", "build-api", "write-docs"), plan_path=None)
    started(rig)
    golden.call(rig.executor._ensure_run_and_phase_rows)
    rig.observe_db()


def test_rows_of_a_known_run_are_reset_to_running_and_kept(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    from datetime import UTC, datetime

    with run_db.session_factory() as session:
        session.add(
            RunRecord(
                run_id=RUN_ID,
                plan_path="plans/old.yaml",
                workspace="/old/place",
                state="COMPLETE",
                started_at=datetime(2023, 5, 6, 7, 8, 9, tzinfo=UTC),
                finished_at=datetime(2023, 5, 6, 8, 0, 0, tzinfo=UTC),
            )
        )
        session.commit()
    run_db.add_phase("setup", position=4, state=PhaseState.COMPLETE, retry_attempt=1)
    rig = run_rig(plan_phases("setup", "build-api"))
    started(rig)
    golden.call(rig.executor._ensure_run_and_phase_rows)
    rig.observe_db()


def test_run_id_recorded_with_another_plan_is_refused_before_any_row(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any
) -> None:
    with run_db.session_factory() as session:
        session.add(RunRecord(run_id=RUN_ID, state="FAILED"))
        session.flush()
        register_run_plan(session, RUN_ID, {"phases": [{"phase_id": "old-phase"}]})
        session.commit()
    rig = run_rig(plan_phases("setup", "build-api"))
    started(rig)
    golden.call(rig.executor._ensure_run_and_phase_rows)
    rig.observe_db()


# ---------------------------------------------------------------- the summary and the run's end


@pytest.mark.parametrize(
    ("columns", "skipped"),
    [
        pytest.param(None, False, id="no_row"),
        pytest.param(None, True, id="no_row_skipped"),
        pytest.param({"state": PhaseState.COMPLETE, "retry_attempt": 2}, False, id="complete"),
        pytest.param(
            {"state": PhaseState.COMPLETE, "retry_attempt": 0}, True, id="complete_skipped"
        ),
        pytest.param(
            {
                "state": PhaseState.FAILED,
                "retry_attempt": 1,
                "last_failure_reason": "DOCTOR_SKIP: CI_FAILED",
            },
            False,
            id="doctor_skip",
        ),
        pytest.param(
            {
                "state": PhaseState.FAILED,
                "retry_attempt": 5,
                "last_failure_reason": "MAX_ATTEMPTS_EXHAUSTED",
            },
            False,
            id="attempts_exhausted",
        ),
        pytest.param(
            {
                "state": PhaseState.FAILED,
                "retry_attempt": 3,
                "last_failure_reason": "failed after DOCTOR_SKIP",
            },
            False,
            id="doctor_skip_not_at_the_start",
        ),
        pytest.param(
            {"state": PhaseState.FAILED, "retry_attempt": 2}, False, id="failed_no_reason"
        ),
        pytest.param(
            {"state": PhaseState.QUEUED, "retry_attempt": 3, "last_failure_reason": "CI_FAILED"},
            True,
            id="queued",
        ),
    ],
)
def test_phase_outcome(
    golden: Recorder,
    run_rig: MakeRunRig,
    run_db: Any,
    columns: dict[str, Any] | None,
    skipped: bool,
) -> None:
    if columns is not None:
        run_db.add_phase("build-api", **columns)
    rig = run_rig(
        plan_phases("build-api"),
        _last_status_by_phase={"build-api": "CI_FAILED", "setup": "COMPLETE"},
    )
    golden.call(rig.executor._phase_outcome, "build-api", skipped=skipped)


@pytest.mark.parametrize(
    "states",
    [
        pytest.param([PhaseState.COMPLETE, PhaseState.COMPLETE], id="all_complete"),
        pytest.param([PhaseState.COMPLETE, PhaseState.FAILED], id="one_failed"),
        pytest.param([PhaseState.QUEUED, PhaseState.COMPLETE], id="first_not_complete"),
        pytest.param([], id="no_phases"),
    ],
)
def test_finish_run_records_the_end_and_notifies(
    golden: Recorder, run_rig: MakeRunRig, run_db: Any, states: list[str]
) -> None:
    run_db.add_run()
    rig = run_rig(plan_phases("setup", "build-api"))
    started(rig)
    summary = RunSummary(
        RUN_ID, [PhaseOutcome(f"p{n}", state, 1) for n, state in enumerate(states, start=1)]
    )
    golden.call(rig.executor._finish_run, summary)
    rig.observe_db()


def test_finish_run_without_a_run_row_only_notifies(golden: Recorder, run_rig: MakeRunRig) -> None:
    rig = run_rig(plan_phases("setup"))
    started(rig)
    golden.call(
        rig.executor._finish_run, RunSummary(RUN_ID, [PhaseOutcome("setup", "COMPLETE", 1)])
    )
    rig.observe_db()


def test_finish_run_with_an_unreachable_database_still_notifies(
    golden: Recorder, run_rig: MakeRunRig
) -> None:
    rig = run_rig(plan_phases("setup"))
    started(rig)
    rig.executor._session_factory = Sessions("unreachable", _unreachable_database)
    golden.call(rig.executor._finish_run, RunSummary(RUN_ID, [PhaseOutcome("setup", "FAILED", 5)]))


def test_summary_add_appends_the_outcome_before_reporting_it(golden: Recorder) -> None:
    summary = RunSummary(RUN_ID, [PhaseOutcome("setup", "COMPLETE", 1)])

    def report(outcome: PhaseOutcome) -> None:
        golden.observe("phases when reported", [p.phase_id for p in summary.phases])

    summary.on_phase_end = golden.fake("on_phase_end", side_effect=report)
    golden.call(summary.add, PhaseOutcome("build-api", "FAILED", 5, "CI_FAILED"))
    golden.observe("phases", summary.phases)


def test_summary_add_without_a_listener_only_appends(golden: Recorder) -> None:
    summary = RunSummary(RUN_ID)
    golden.call(summary.add, PhaseOutcome("setup", "COMPLETE", 1))
    golden.observe("phases", summary.phases)
