"""What a run reports: one outcome per phase, in plan order, each reported as soon as it is known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PhaseOutcome:
    """How one phase of a run ended, as printed in the run summary."""

    phase_id: str
    state: str
    attempts: int
    last_status: str | None = None
    last_failure_reason: str | None = None
    skipped: bool = False


@dataclass
class RunSummary:
    """The result of `AutonomousExecutor.run()`: one outcome per phase, in plan order."""

    run_id: str
    phases: list[PhaseOutcome] = field(default_factory=list)
    checkpoint_error: str | None = None
    on_phase_end: Callable[[PhaseOutcome], None] | None = field(
        default=None, repr=False, compare=False
    )

    def add(self, outcome: PhaseOutcome) -> None:
        """Append a phase's outcome and report it to `on_phase_end`."""
        self.phases.append(outcome)
        if self.on_phase_end is not None:
            self.on_phase_end(outcome)

    @property
    def all_complete(self) -> bool:
        """True when every phase of the plan is COMPLETE."""
        from autopack.db.models import PhaseState

        return bool(self.phases) and all(p.state == PhaseState.COMPLETE for p in self.phases)
