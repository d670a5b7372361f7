"""The second-opinion triage phase of diagnostics; its buckets (code, tests, docs) are in the table
of `diagnostics_batching`.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers.diagnostics_batching import run_diagnostics_phase


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Second-opinion triage diagnostics phase: code, tests and docs batches."""
    return run_diagnostics_phase(
        executor, "diagnostics_second_opinion_triage", phase, attempt_index, allowed_paths
    )
