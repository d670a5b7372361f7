"""The diagnostics deep-retrieval phase: its code, tests and docs buckets are a row of
`diagnostics_batching.DIAGNOSTICS_PHASES`.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers.diagnostics_batching import run_diagnostics_phase


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Deep-retrieval diagnostics phase: code, tests and docs batches through the shared loop."""
    return run_diagnostics_phase(
        executor, "diagnostics_deep_retrieval", phase, attempt_index, allowed_paths
    )
