"""The diagnostics iteration-loop phase, one row (code, tests, docs) of the diagnostics table in
`diagnostics_batching`.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers.diagnostics_batching import run_diagnostics_phase


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Iteration-loop diagnostics phase: code, tests and docs batches through the shared loop."""
    return run_diagnostics_phase(
        executor, "diagnostics_iteration_loop", phase, attempt_index, allowed_paths
    )
