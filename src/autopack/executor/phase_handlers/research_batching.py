"""What the two research phases share: their roots, their common buckets, and how a research phase
runs (its deliverables sorted into buckets, then the one batching loop of `batched_deliverables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autopack.executor.phase_handlers.batch_wording import Wording
from autopack.executor.phase_handlers.batched_deliverables import BatchLoop, run_batches
from autopack.executor.phase_handlers.buckets import Bucket, phase_deliverables, sort_into_buckets

RESEARCH_ROOTS = ("src/autopack/research/", "src/research/", "tests/research/", "docs/research/")
STANDALONE = Bucket("research_standalone", "src/research/")
TESTS = Bucket("research_tests", "tests/research/")
DOCS = Bucket("research_docs", "docs/research/")


def research_buckets(*own: Bucket) -> tuple[Bucket, ...]:
    """A research phase's buckets: its `own` first, then `src/research/`, tests and docs."""
    return (*own, STANDALONE, TESTS, DOCS)


def research_loop(label: str, wording: Wording, **checks: bool) -> BatchLoop:
    """A research phase's loop: the research roots for context and apply, no retry skip, a batch
    record, the whole-workspace diff; `checks` turns on `compile_check` or `sources_check`."""
    return BatchLoop(
        label=label,
        manifest_roots=RESEARCH_ROOTS,
        apply_roots=RESEARCH_ROOTS,
        wording=wording,
        record=True,
        workspace_diff=True,
        **checks,
    )


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
