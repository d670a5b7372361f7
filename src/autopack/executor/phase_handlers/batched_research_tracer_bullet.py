"""The research tracer-bullet phase: research buckets through the one batching loop, with a compile
check of the Python files each batch creates and a record of the batches.

Reads from the executor what `batched_deliverables.run_batches` reads.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers.batch_wording import research_wording
from autopack.executor.phase_handlers.batched_deliverables import BatchLoop
from autopack.executor.phase_handlers.buckets import Bucket
from autopack.executor.phase_handlers.research_batching import (
    DOCS,
    RESEARCH_ROOTS,
    STANDALONE,
    TESTS,
    run_research_phase,
)

CORE_PREFIX = "src/autopack/research/tracer_bullet/"
BUCKETS = (
    Bucket("tracer_bullet_core", CORE_PREFIX),
    Bucket("research_support", "src/autopack/research/", exclude=(CORE_PREFIX,)),
    STANDALONE,
    TESTS,
    DOCS,
)
LOOP = BatchLoop(
    label="research_tracer_bullet",
    manifest_roots=RESEARCH_ROOTS,
    apply_roots=RESEARCH_ROOTS,
    wording=research_wording(
        "Research tracer bullet",
        outside_scope="Research tracer bullet {phase_id}: scope paths outside the research roots "
        "are not used for apply: {outside}",
        not_compiling="Research tracer bullet {phase_id} batch {index}/{total} does not compile: "
        "{errors}",
    ),
    compile_check=True,
    record=True,
    workspace_diff=True,
)


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Research tracer-bullet phase.

    Deliverables are sorted into buckets (tracer-bullet core, other `src/autopack/research/`
    code, `src/research/`, tests, docs); empty buckets are dropped, and with no bucket at all the
    deliverables form one batch. Every batch is built on every attempt (no retry skip). Python
    files a batch creates must compile. The combined patch is the whole-workspace `git diff`.
    A batch record is written to `.autonomous_runs/<run_id>/research/<phase_id>.json`.
    """
    return run_research_phase(executor, LOOP, BUCKETS, phase, attempt_index, allowed_paths)
