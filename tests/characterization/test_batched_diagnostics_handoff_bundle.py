"""Characterization of the handoff-bundle diagnostics handler.

`_execute_diagnostics_handoff_bundle_batched` sorts the phase's deliverables (each turned into a
string) into prefix buckets: library code (`src/autopack/` outside `src/autopack/cli/`), CLI code
(`src/autopack/cli/`), tests (`tests/autopack/diagnostics/`) and docs (`docs/autopack/`). Empty
buckets are dropped; with no bucket at all the deliverables form one batch. It delegates the batches
to the shared loop `_execute_batched_deliverables_phase` (a seam of its own, faked here), so each
golden shows exactly the batches, label and roots it delegates with and that the loop's outcome is
returned unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _batched_support import run_diagnostics_handler

from golden_harness import Seam, harvested_test

GOLDEN_SEAM = Seam(
    "batched_diagnostics_handoff_bundle",
    covers=[
        "autopack.executor.phase_handlers.batched_diagnostics_handoff_bundle:execute",
        "autopack.executor.phase_handlers.diagnostics_batching:run_diagnostics_phase",
        "autopack.executor.phase_handlers.buckets:sort_into_buckets",
        "autopack.executor.phase_handlers.buckets:phase_deliverables",
        "autopack.executor.phase_handlers.buckets:Bucket.holds",
        "autopack.autonomous_executor:AutonomousExecutor._execute_diagnostics_handoff_bundle_batched",
    ],
)

METHOD = "_execute_diagnostics_handoff_bundle_batched"
CODE = "src/autopack/diagnostics/handoff.py"
CODE_2 = "src/autopack/bundle.py"
CLI = "src/autopack/cli/handoff.py"
TEST = "tests/autopack/diagnostics/test_handoff.py"
DOC = "docs/autopack/handoff.md"


def phase_of(*deliverables: Any) -> dict[str, Any]:
    return {"phase_id": "diagnostics-handoff-bundle", "deliverables": list(deliverables)}


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param(phase_of(DOC, CLI, TEST, CODE, CODE_2), id="every_bucket_filled"),
        pytest.param(phase_of(CLI, DOC), id="some_buckets_empty"),
        pytest.param(phase_of(CODE_2), id="one_bucket"),
        pytest.param({"phase_id": "diagnostics-handoff-bundle"}, id="no_deliverables"),
        pytest.param(phase_of(), id="empty_deliverables"),
        pytest.param(
            phase_of("README.md", "src/other/probe.py", "docs/probe.md"),
            id="every_path_outside_the_buckets",
        ),
        pytest.param(
            phase_of("scripts/probe.sh", CODE_2, "docs/probe.md"),
            id="outside_paths_beside_a_bucket",
        ),
        pytest.param(
            phase_of(
                "src/autopack",
                "src/autopackage/probe.py",
                "tests/autopack/test_probe.py",
                "docs/autopack",
                "docs/autopack_old/probe.md",
                CODE_2,
            ),
            id="near_miss_prefixes_are_outside",
        ),
        pytest.param(
            phase_of("", "  ", 7, None, CODE_2), id="blank_and_non_string_beside_a_bucket"
        ),
        pytest.param(phase_of("", 7, None), id="only_blank_and_non_string_entries"),
        pytest.param(
            phase_of("src/autopack/cli", "src/autopack/clix/tool.py", CLI),
            id="cli_prefix_without_trailing_slash_is_library_code",
        ),
    ],
)
def test_deliverables_are_sorted_into_batches(golden, make_executor, phase):
    run_diagnostics_handler(golden, make_executor, METHOD, phase)


def test_attempt_and_scope_paths_are_forwarded_and_the_loop_outcome_returned(golden, make_executor):
    run_diagnostics_handler(
        golden,
        make_executor,
        METHOD,
        phase_of(CLI, DOC),
        attempt_index=2,
        allowed_paths=["src/autopack/", "docs/"],
        outcome=(False, "PATCH_FAILED"),
    )


def test_an_error_in_the_shared_loop_propagates(golden, make_executor):
    run_diagnostics_handler(
        golden,
        make_executor,
        METHOD,
        phase_of(CODE_2),
        outcome=RuntimeError("workspace vanished"),
    )


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
