"""Typed views used at the executor's seam boundaries.

`PhaseSpec` wraps a phase dict without copying it: the seams read the phase's fields through
typed properties, while the dict itself (`raw`) is what collaborators receive and what the
executor's bookkeeping keys (`_escalated_tokens`, `_doctor_hint`, ...) are written to, so every
collaborator sees exactly the dict it saw before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PhaseSpec:
    """A phase of the plan, as the seams read it. `raw` is the phase dict itself."""

    raw: dict[str, Any]

    @property
    def phase_id(self) -> str:
        """The phase's id; a phase dict without one raises KeyError, as indexing it would."""
        return self.raw["phase_id"]

    @property
    def name(self) -> str | None:
        return self.raw.get("name")

    @property
    def description(self) -> str | None:
        return self.raw.get("description")

    @property
    def goal_anchor(self) -> str | None:
        """The phase's own goal anchor; the run's applies when this is empty."""
        return self.raw.get("goal_anchor")

    @property
    def builder_mode(self) -> str:
        """`full_file` (the default) or `structured_edit`, as the plan asks."""
        return self.raw.get("builder_mode") or "full_file"

    @property
    def complexity(self) -> str:
        """The plan's complexity label, `medium` when absent."""
        return self.raw.get("complexity", "medium")

    @property
    def escalated_tokens(self) -> int | None:
        """The Builder budget a token escalation set for the next attempt, if any."""
        return self.raw.get("_escalated_tokens")

    @property
    def escalated_once(self) -> bool | None:
        """Whether the phase's token budget was already escalated once in this run."""
        return self.raw.get("_escalated_once")

    @property
    def revision_epoch(self) -> int:
        """The phase's revision epoch for this attempt (0 before any replan)."""
        return self.raw.get("_revision_epoch", 0)

    @property
    def doctor_hint(self) -> str | None:
        """The hint the Doctor left for the next attempt, if any."""
        return self.raw.get("_doctor_hint")
