"""SQLAlchemy 2 models for runs, their plans, phases, token-budget escalation events, phase errors
and hints.

Text columns are redacted before each write (`autopack.db.row_redaction`), except those that
identify rows and those marked `info=VERBATIM`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

VERBATIM = {"verbatim": True}
"""The `info` of a text column whose values autopack makes itself and looks rows up by or decides
on (a state, a status, a phase id, a digest, a commit id): stored as they are, never redacted (see
`autopack.db.row_redaction`). Every other text column that is not a key is redacted before it is
written."""


class PhaseState:
    """The states a phase row moves through."""

    QUEUED = "QUEUED"
    EXECUTING = "EXECUTING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"


class Base(DeclarativeBase):
    """Declarative base of every autopack table."""


class RunRecord(Base):
    """One execution of a plan against a workspace."""

    __tablename__ = "runs"

    run_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    plan_path: Mapped[str | None] = mapped_column(Text)
    workspace: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(32), default="RUNNING", info=VERBATIM)
    checkpoint_branch: Mapped[str | None] = mapped_column(String(255))
    checkpoint_commit: Mapped[str | None] = mapped_column(String(64), info=VERBATIM)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    phases: Mapped[list[PhaseRecord]] = relationship(back_populates="run")


class PhaseRecord(Base):
    """The persisted state of one phase of a run."""

    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("run_id", "phase_id", name="uq_phase_run"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), index=True)
    phase_id: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(32), default=PhaseState.QUEUED, info=VERBATIM)
    retry_attempt: Mapped[int] = mapped_column(Integer, default=0)
    revision_epoch: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_reason: Mapped[str | None] = mapped_column(Text)
    last_attempt_timestamp: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    run: Mapped[RunRecord] = relationship(back_populates="phases")


class PhaseEventColumns:
    """The columns every event table of a run's phases shares: first a row id, the run and the
    phase the event belongs to; last the time it was written."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True, sort_order=-1)
    run_id: Mapped[str] = mapped_column(String(128), index=True, sort_order=-1)
    phase_id: Mapped[str] = mapped_column(String(255), sort_order=-1, info=VERBATIM)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), sort_order=1)


class TokenBudgetEscalationEvent(PhaseEventColumns, Base):
    """A P10 token-budget escalation: the budget the next attempt of a phase should use."""

    __tablename__ = "token_budget_escalation_events"

    attempt_index: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32), info=VERBATIM)
    was_truncated: Mapped[bool] = mapped_column(default=False)
    output_utilization: Mapped[float | None] = mapped_column(Float)
    escalation_factor: Mapped[float] = mapped_column(Float)
    base_value: Mapped[int] = mapped_column(Integer)
    base_source: Mapped[str] = mapped_column(String(64), info=VERBATIM)
    retry_max_tokens: Mapped[int] = mapped_column(Integer)
    selected_budget: Mapped[int | None] = mapped_column(Integer)
    actual_max_tokens: Mapped[int | None] = mapped_column(Integer)
    tokens_used: Mapped[int | None] = mapped_column(Integer)


class PhaseError(PhaseEventColumns, Base):
    """A failed attempt of a phase: the status it ended with and the error text."""

    __tablename__ = "phase_errors"

    attempt_index: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(64), info=VERBATIM)
    error_type: Mapped[str | None] = mapped_column(String(128))
    message: Mapped[str | None] = mapped_column(Text)


class LearningHint(PhaseEventColumns, Base):
    """A hint recorded from a failure or a late success, offered to later builder calls of the run."""

    __tablename__ = "learning_hints"

    hint_type: Mapped[str] = mapped_column(String(64), info=VERBATIM)
    details: Mapped[str] = mapped_column(Text)


class RunPlan(Base):
    """The plan a run was started with: its digest (and canonical JSON), to refuse another plan."""

    __tablename__ = "run_plans"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), info=VERBATIM)
    plan_json: Mapped[str | None] = mapped_column(Text)
