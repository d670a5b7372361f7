"""Run database models (SQLAlchemy 2). Engine and session creation live in `autopack.db.session`."""

from autopack.db.models import (
    Base,
    LearningHint,
    PhaseError,
    PhaseRecord,
    PhaseState,
    RunPlan,
    RunRecord,
    TokenBudgetEscalationEvent,
)

__all__ = [
    "Base",
    "LearningHint",
    "PhaseError",
    "PhaseRecord",
    "PhaseState",
    "RunPlan",
    "RunRecord",
    "TokenBudgetEscalationEvent",
]
