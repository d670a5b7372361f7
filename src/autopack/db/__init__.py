"""Run database: SQLAlchemy models and session handling (SQLite by default)."""

from autopack.db.models import (
    Base,
    LearningHint,
    PhaseError,
    PhaseRecord,
    PhaseState,
    RunRecord,
    TokenBudgetEscalationEvent,
)
from autopack.db.session import create_session_factory, default_database_url, probe_database

__all__ = [
    "Base",
    "LearningHint",
    "PhaseError",
    "PhaseRecord",
    "PhaseState",
    "RunRecord",
    "TokenBudgetEscalationEvent",
    "create_session_factory",
    "default_database_url",
    "probe_database",
]
