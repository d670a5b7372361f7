"""The diagnostics deep-retrieval phase: code, tests and docs batches through the executor's shared
batching loop (`_execute_batched_deliverables_phase`, the only thing it calls).
"""

from __future__ import annotations

from typing import Any


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Deep-retrieval diagnostics phase: code, tests and docs batches through the shared loop."""
    deliverables = [str(d) for d in phase.get("deliverables") or []]
    code = [d for d in deliverables if d.startswith("src/autopack/diagnostics/")]
    tests = [d for d in deliverables if d.startswith("tests/autopack/diagnostics/")]
    docs = [d for d in deliverables if d.startswith("docs/autopack/")]
    batches = [batch for batch in (code, tests, docs) if batch]
    if not batches:
        batches = [deliverables]
    return executor._execute_batched_deliverables_phase(
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
        batches=batches,
        batching_label="diagnostics_deep_retrieval",
        manifest_allowed_roots=(
            "src/autopack/diagnostics/",
            "tests/autopack/diagnostics/",
            "docs/autopack/",
        ),
        apply_allowed_roots=(
            "src/autopack/diagnostics/",
            "tests/autopack/diagnostics/",
            "docs/autopack/",
        ),
    )
