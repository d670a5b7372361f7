"""What the two research phases share: their roots, their common buckets, and how a research phase
runs (its deliverables sorted into buckets, then the one batching loop of `batched_deliverables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autopack.executor.phase_handlers.batched_deliverables import BatchLoop, run_batches
from autopack.executor.phase_handlers.buckets import Bucket, phase_deliverables, sort_into_buckets

RESEARCH_ROOTS = ("src/autopack/research/", "src/research/", "tests/research/", "docs/research/")
STANDALONE = Bucket("research_standalone", "src/research/")
TESTS = Bucket("research_tests", "tests/research/")
DOCS = Bucket("research_docs", "docs/research/")


def run_research_phase(
    executor,
    loop: BatchLoop,
    buckets: Sequence[Bucket],
    phase: dict[str, Any],
    attempt_index: int,
    allowed_paths: list[str] | None,
) -> tuple[bool, str]:
    """Sort the phase's deliverables into `buckets` (one `all_deliverables` batch when none holds
    any) and run them through the loop as `loop` says."""
    batches = sort_into_buckets(phase_deliverables(phase), buckets, fallback="all_deliverables")
    return run_batches(
        executor,
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
        batches=batches,
        loop=loop,
    )
