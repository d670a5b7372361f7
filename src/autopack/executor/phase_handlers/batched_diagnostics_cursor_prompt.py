"""The diagnostics cursor-prompt phase, whose code, dashboard, tests and docs buckets are its row
in `diagnostics_batching.DIAGNOSTICS_PHASES`.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers.diagnostics_batching import run_diagnostics_phase


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Cursor-prompt diagnostics phase: code, dashboard, tests and docs batches."""
    return run_diagnostics_phase(
        executor, "diagnostics_cursor_prompt", phase, attempt_index, allowed_paths
    )
