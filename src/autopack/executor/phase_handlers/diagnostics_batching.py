"""The five diagnostics phases as one table of prefix buckets over one function.

Each phase's deliverables are sorted into its buckets (empty buckets dropped; one batch of every
deliverable when none holds any) and handed, with the phase's roots as both the file-context and
the apply roots, to the executor's shared loop `_execute_batched_deliverables_phase` (the only
executor method called).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autopack.executor.phase_handlers.buckets import Bucket, phase_deliverables, sort_into_buckets

CODE = Bucket("code", "src/autopack/diagnostics/")
DASHBOARD = Bucket("dashboard", "src/autopack/dashboard/")
LIBRARY = Bucket("library", "src/autopack/", exclude=("src/autopack/cli/",))
CLI = Bucket("cli", "src/autopack/cli/")
TESTS = Bucket("tests", "tests/autopack/diagnostics/")
DOCS = Bucket("docs", "docs/autopack/")
ROOTS = ("src/autopack/diagnostics/", "tests/autopack/diagnostics/", "docs/autopack/")


@dataclass(frozen=True)
class DiagnosticsPhase:
    """A diagnostics phase kind: its buckets, in batch order, and the roots it may read and write."""

    buckets: tuple[Bucket, ...]
    roots: tuple[str, ...]


DIAGNOSTICS_PHASES: dict[str, DiagnosticsPhase] = {
    "diagnostics_deep_retrieval": DiagnosticsPhase((CODE, TESTS, DOCS), ROOTS),
    "diagnostics_iteration_loop": DiagnosticsPhase((CODE, TESTS, DOCS), ROOTS),
    "diagnostics_second_opinion_triage": DiagnosticsPhase((CODE, TESTS, DOCS), ROOTS),
    "diagnostics_cursor_prompt": DiagnosticsPhase(
        (CODE, DASHBOARD, TESTS, DOCS),
        ("src/autopack/diagnostics/", "src/autopack/dashboard/", *ROOTS[1:]),
    ),
    "diagnostics_handoff_bundle": DiagnosticsPhase(
        (LIBRARY, CLI, TESTS, DOCS), ("src/autopack/", *ROOTS[1:])
    ),
}


def run_diagnostics_phase(
    executor,
    label: str,
    phase: dict[str, Any],
    attempt_index: int,
    allowed_paths: list[str] | None,
) -> tuple[bool, str]:
    """Run the diagnostics phase kind `label` (a key of `DIAGNOSTICS_PHASES`, also its batching
    label) through the executor's shared loop; returns the loop's (ok, status)."""
    kind = DIAGNOSTICS_PHASES[label]
    sorted_batches = sort_into_buckets(phase_deliverables(phase), kind.buckets, fallback="all")
    return executor._execute_batched_deliverables_phase(
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
        batches=[files for _, files in sorted_batches],
        batching_label=label,
        manifest_allowed_roots=kind.roots,
        apply_allowed_roots=kind.roots,
    )
