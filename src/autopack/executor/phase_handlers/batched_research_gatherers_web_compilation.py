"""The research gatherers / web-compilation phase: research buckets through the one batching loop,
with a check that compiled documents cite their sources and a record of the batches.

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

GATHERERS_PREFIX = "src/autopack/research/gatherers/"
COMPILATION_PREFIX = "src/autopack/research/compilation/"
BUCKETS = (
    Bucket("gatherers", GATHERERS_PREFIX),
    Bucket("web_compilation", COMPILATION_PREFIX),
    Bucket(
        "research_support",
        "src/autopack/research/",
        exclude=(GATHERERS_PREFIX, COMPILATION_PREFIX),
    ),
    STANDALONE,
    TESTS,
    DOCS,
)
LOOP = BatchLoop(
    label="research_gatherers_web_compilation",
    manifest_roots=RESEARCH_ROOTS,
    apply_roots=RESEARCH_ROOTS,
    wording=research_wording(
        "Research gatherers",
        start_name="Research gatherers/web compilation",
        uncited="Research gatherers {phase_id}: compiled document {path} has no Sources section",
        summary="Research gatherers {phase_id}: {applied} batch(es) applied, {tokens} tokens, "
        "{changed} file(s), {uncited} uncited doc(s)",
    ),
    sources_check=True,
    record=True,
    workspace_diff=True,
)


def execute(
    executor, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Research gatherers / web-compilation phase.

    Buckets: gatherers, compilation, other `src/autopack/research/` code, `src/research/`,
    tests, docs; empty buckets dropped, one batch of everything when none applies. Every batch
    is built on every attempt (no retry skip). A compiled research document without a
    `Sources` section is reported. The combined patch is the whole-workspace `git diff`.
    """
    return run_research_phase(executor, LOOP, BUCKETS, phase, attempt_index, allowed_paths)
