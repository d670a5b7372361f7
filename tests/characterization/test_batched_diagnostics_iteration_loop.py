"""Characterization of the iteration-loop diagnostics handler.

`_execute_diagnostics_iteration_loop_batched` sorts the phase's deliverables (each turned into a
string) into prefix buckets: code (`src/autopack/diagnostics/`), tests
(`tests/autopack/diagnostics/`) and docs (`docs/autopack/`). Empty buckets are dropped; with no
bucket at all the deliverables form one batch. It delegates the batches to the shared loop
`_execute_batched_deliverables_phase` (a seam of its own, faked here), so each golden shows exactly
the batches, label and roots it delegates with and that the loop's outcome is returned unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest
from _batched_support import run_diagnostics_handler

from golden_harness import Seam

GOLDEN_SEAM = Seam(
    "batched_diagnostics_iteration_loop",
    covers=[
        "autopack.executor.phase_handlers.batched_diagnostics_iteration_loop:execute",
        "autopack.executor.phase_handlers.diagnostics_batching:run_diagnostics_phase",
        "autopack.executor.phase_handlers.buckets:sort_into_buckets",
        "autopack.executor.phase_handlers.buckets:phase_deliverables",
        "autopack.executor.phase_handlers.buckets:Bucket.holds",
        "autopack.autonomous_executor:AutonomousExecutor._execute_diagnostics_iteration_loop_batched",
    ],
)

METHOD = "_execute_diagnostics_iteration_loop_batched"
CODE = "src/autopack/diagnostics/iteration.py"
CODE_2 = "src/autopack/diagnostics/loop_state.py"
TEST = "tests/autopack/diagnostics/test_iteration.py"
DOC = "docs/autopack/iteration.md"


def phase_of(*deliverables: Any) -> dict[str, Any]:
    return {"phase_id": "diagnostics-iteration-loop", "deliverables": list(deliverables)}


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param(phase_of(TEST, DOC, CODE_2, CODE), id="every_bucket_filled"),
        pytest.param(phase_of(TEST, CODE), id="some_buckets_empty"),
        pytest.param(phase_of(DOC), id="one_bucket"),
        pytest.param({"phase_id": "diagnostics-iteration-loop"}, id="no_deliverables"),
        pytest.param(phase_of(), id="empty_deliverables"),
        pytest.param(
            phase_of("README.md", "src/other/probe.py", "docs/probe.md"),
            id="every_path_outside_the_buckets",
        ),
        pytest.param(
            phase_of("scripts/probe.sh", DOC, "docs/probe.md"),
            id="outside_paths_beside_a_bucket",
        ),
        pytest.param(
            phase_of(
                "src/autopack/diagnostics",
                "src/autopack/diagnostics_old/probe.py",
                "src/autopack/probe.py",
                "tests/autopack/test_probe.py",
                "docs/autopack",
                "docs/autopack_old/probe.md",
                DOC,
            ),
            id="near_miss_prefixes_are_outside",
        ),
        pytest.param(phase_of("", "  ", 7, None, DOC), id="blank_and_non_string_beside_a_bucket"),
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
        phase_of(TEST, CODE),
        attempt_index=2,
        allowed_paths=["src/autopack/", "docs/"],
        outcome=(False, "PATCH_FAILED"),
    )


def test_an_error_in_the_shared_loop_propagates(golden, make_executor):
    run_diagnostics_handler(
        golden,
        make_executor,
        METHOD,
        phase_of(DOC),
        outcome=RuntimeError("workspace vanished"),
    )
