"""The diagnostics handoff-bundle phase: library code, CLI code, tests and docs, as listed in its
row of the `diagnostics_batching` table.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers.diagnostics_batching import run_diagnostics_phase


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Handoff-bundle diagnostics phase: library code, CLI code, tests and docs batches."""
    return run_diagnostics_phase(
        executor, "diagnostics_handoff_bundle", phase, attempt_index, allowed_paths
    )
