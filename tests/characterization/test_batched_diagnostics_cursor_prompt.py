"""Characterization of the cursor-prompt diagnostics handler.

`_execute_diagnostics_cursor_prompt_batched` sorts the phase's deliverables (each turned into a
string) into prefix buckets: code (`src/autopack/diagnostics/`), dashboard
(`src/autopack/dashboard/`), tests (`tests/autopack/diagnostics/`) and docs (`docs/autopack/`).
Empty buckets are dropped; with no bucket at all the deliverables form one batch. It delegates the
batches to the shared loop `_execute_batched_deliverables_phase` (a seam of its own, faked here), so
each golden shows exactly the batches, label and roots it delegates with and that the loop's outcome
is returned unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest
from _batched_support import run_diagnostics_handler

from golden_harness import Seam

GOLDEN_SEAM = Seam(
    "batched_diagnostics_cursor_prompt",
    covers=[
        "autopack.executor.phase_handlers.batched_diagnostics_cursor_prompt:execute",
        "autopack.executor.phase_handlers.diagnostics_batching:run_diagnostics_phase",
        "autopack.executor.phase_handlers.buckets:sort_into_buckets",
        "autopack.executor.phase_handlers.buckets:phase_deliverables",
        "autopack.executor.phase_handlers.buckets:Bucket.holds",
        "autopack.autonomous_executor:AutonomousExecutor._execute_diagnostics_cursor_prompt_batched",
        # The bucket table of all five diagnostics phases, named once: its mutants also run the
        # other four seams, which cover run_diagnostics_phase in the same file.
        "autopack.executor.phase_handlers.diagnostics_batching:CODE",
        "autopack.executor.phase_handlers.diagnostics_batching:DASHBOARD",
        "autopack.executor.phase_handlers.diagnostics_batching:LIBRARY",
        "autopack.executor.phase_handlers.diagnostics_batching:CLI",
        "autopack.executor.phase_handlers.diagnostics_batching:TESTS",
        "autopack.executor.phase_handlers.diagnostics_batching:DOCS",
        "autopack.executor.phase_handlers.diagnostics_batching:ROOTS",
        "autopack.executor.phase_handlers.diagnostics_batching:DIAGNOSTICS_PHASES",
    ],
)

METHOD = "_execute_diagnostics_cursor_prompt_batched"
CODE = "src/autopack/diagnostics/cursor_prompt.py"
CODE_2 = "src/autopack/diagnostics/prompt_render.py"
DASHBOARD = "src/autopack/dashboard/prompt_panel.py"
TEST = "tests/autopack/diagnostics/test_cursor_prompt.py"
DOC = "docs/autopack/cursor_prompt.md"


def phase_of(*deliverables: Any) -> dict[str, Any]:
    return {"phase_id": "diagnostics-cursor-prompt", "deliverables": list(deliverables)}


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param(phase_of(TEST, DASHBOARD, DOC, CODE, CODE_2), id="every_bucket_filled"),
        pytest.param(phase_of(DASHBOARD, TEST), id="some_buckets_empty"),
        pytest.param(phase_of(DASHBOARD), id="one_bucket"),
        pytest.param({"phase_id": "diagnostics-cursor-prompt"}, id="no_deliverables"),
        pytest.param(phase_of(), id="empty_deliverables"),
        pytest.param(
            phase_of("README.md", "src/other/probe.py", "docs/probe.md"),
            id="every_path_outside_the_buckets",
        ),
        pytest.param(
            phase_of("scripts/probe.sh", DASHBOARD, "docs/probe.md"),
            id="outside_paths_beside_a_bucket",
        ),
        pytest.param(
            phase_of(
                "src/autopack/diagnostics",
                "src/autopack/diagnostics_old/probe.py",
                "src/autopack/dashboard",
                "src/autopack/probe.py",
                "tests/autopack/test_probe.py",
                "docs/autopack",
                "docs/autopack_old/probe.md",
                DASHBOARD,
            ),
            id="near_miss_prefixes_are_outside",
        ),
        pytest.param(
            phase_of("", "  ", 7, None, DASHBOARD), id="blank_and_non_string_beside_a_bucket"
        ),
        pytest.param(phase_of("", 7, None), id="only_blank_and_non_string_entries"),
    ],
)
def test_deliverables_are_sorted_into_batches(golden, make_executor, phase):
    run_diagnostics_handler(golden, make_executor, METHOD, phase)


def test_attempt_and_scope_paths_are_forwarded_and_the_loop_outcome_returned(golden, make_executor):
    run_diagnostics_handler(
        golden,
        make_executor,
        METHOD,
        phase_of(DASHBOARD, TEST),
        attempt_index=2,
        allowed_paths=["src/autopack/", "docs/"],
        outcome=(False, "PATCH_FAILED"),
    )


def test_an_error_in_the_shared_loop_propagates(golden, make_executor):
    run_diagnostics_handler(
        golden,
        make_executor,
        METHOD,
        phase_of(DASHBOARD),
        outcome=RuntimeError("workspace vanished"),
    )
