"""Phase runtime state: the counters an attempt needs, with defaults for phases not yet in the DB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PhaseRuntimeState:
    """The retry, revision and escalation counters of one phase."""

    retry_attempt: int = 0
    revision_epoch: int = 0
    escalation_level: int = 0

    @classmethod
    def empty(cls) -> PhaseRuntimeState:
        """The state of a phase that has never run."""
        return cls()


def state_from_row(row: Any | None) -> PhaseRuntimeState:
    """Read the counters from a phase row (any object with the three attributes), or defaults for None.

    A counter that is None on the row reads as 0.
    """
    if row is None:
        return PhaseRuntimeState.empty()
    return PhaseRuntimeState(
        retry_attempt=int(getattr(row, "retry_attempt", 0) or 0),
        revision_epoch=int(getattr(row, "revision_epoch", 0) or 0),
        escalation_level=int(getattr(row, "escalation_level", 0) or 0),
    )
