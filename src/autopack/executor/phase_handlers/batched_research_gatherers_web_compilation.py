"""The research gatherers / web-compilation phase: gatherers and compilation buckets ahead of the
common research ones, run through the one batching loop with a sources check of compiled documents.

The loop it runs (`batched_deliverables.run_batches`) is what reads from the executor.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers import research_batching as research
from autopack.executor.phase_handlers.batch_wording import research_wording
from autopack.executor.phase_handlers.buckets import Bucket

GATHERERS_PREFIX = "src/autopack/research/gatherers/"
COMPILATION_PREFIX = "src/autopack/research/compilation/"
BUCKETS = research.research_buckets(
    Bucket("gatherers", GATHERERS_PREFIX),
    Bucket("web_compilation", COMPILATION_PREFIX),
    Bucket(
        "research_support",
        "src/autopack/research/",
        exclude=(GATHERERS_PREFIX, COMPILATION_PREFIX),
    ),
)
LOOP = research.research_loop(
    "research_gatherers_web_compilation",
    research_wording(
        "Research gatherers",
        start_name="Research gatherers/web compilation",
        uncited="Research gatherers {phase_id}: compiled document {path} has no Sources section",
        summary_tail=", {uncited} uncited doc(s)",
    ),
    sources_check=True,
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
    return research.run_research_phase(executor, LOOP, BUCKETS, phase, attempt_index, allowed_paths)
