"""The research tracer-bullet phase: its buckets (tracer-bullet core first) and how it runs the one
batching loop (a compile check of created Python files, a batch record, the workspace diff).

Reads from the executor only through `batched_deliverables.run_batches`.
"""

from __future__ import annotations

from typing import Any

from autopack.executor.phase_handlers import research_batching as research
from autopack.executor.phase_handlers.batch_wording import research_wording
from autopack.executor.phase_handlers.buckets import Bucket

CORE_PREFIX = "src/autopack/research/tracer_bullet/"
BUCKETS = research.research_buckets(
    Bucket("tracer_bullet_core", CORE_PREFIX),
    Bucket("research_support", "src/autopack/research/", exclude=(CORE_PREFIX,)),
)
LOOP = research.research_loop(
    "research_tracer_bullet",
    research_wording(
        "Research tracer bullet",
        outside_scope="Research tracer bullet {phase_id}: scope paths outside the research roots "
        "are not used for apply: {outside}",
    ),
    compile_check=True,
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
    return research.run_research_phase(executor, LOOP, BUCKETS, phase, attempt_index, allowed_paths)
