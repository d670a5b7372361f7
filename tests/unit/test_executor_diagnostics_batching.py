"""The diagnostics phases' bucket table and the one function over it."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from autopack.executor.phase_handlers import (
    batched_diagnostics_cursor_prompt,
    batched_diagnostics_deep_retrieval,
    batched_diagnostics_handoff_bundle,
    batched_diagnostics_iteration_loop,
    batched_diagnostics_second_opinion,
)
from autopack.executor.phase_handlers.diagnostics_batching import DIAGNOSTICS_PHASES


class LoopRecorder:
    """Stands in for the executor: records what reaches the shared loop."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def _execute_batched_deliverables_phase(self, **kwargs: Any) -> tuple[bool, str]:
        self.calls.append(kwargs)
        return True, "LOOP"


@pytest.mark.parametrize(
    ("module", "label"),
    [
        (batched_diagnostics_deep_retrieval, "diagnostics_deep_retrieval"),
        (batched_diagnostics_iteration_loop, "diagnostics_iteration_loop"),
        (batched_diagnostics_second_opinion, "diagnostics_second_opinion_triage"),
        (batched_diagnostics_cursor_prompt, "diagnostics_cursor_prompt"),
        (batched_diagnostics_handoff_bundle, "diagnostics_handoff_bundle"),
    ],
)
def test_each_module_runs_its_own_row_of_the_table(module: ModuleType, label: str) -> None:
    executor = LoopRecorder()
    phase = {"phase_id": "p", "deliverables": ["docs/autopack/a.md", "elsewhere.txt"]}
    allowed = ["docs/"]

    assert module.execute(executor, phase=phase, attempt_index=2, allowed_paths=allowed) == (
        True,
        "LOOP",
    )

    [call] = executor.calls
    roots = DIAGNOSTICS_PHASES[label].roots
    assert call == {
        "phase": phase,
        "attempt_index": 2,
        "allowed_paths": allowed,
        "batches": [["docs/autopack/a.md"]],
        "batching_label": label,
        "manifest_allowed_roots": roots,
        "apply_allowed_roots": roots,
    }
    assert call["allowed_paths"] is allowed


def test_handoff_bundle_splits_library_from_cli_code() -> None:
    executor = LoopRecorder()
    files = ["src/autopack/cli/main.py", "src/autopack/core.py", "tests/autopack/diagnostics/t.py"]
    batched_diagnostics_handoff_bundle.execute(
        executor,
        phase={"phase_id": "p", "deliverables": files},
        attempt_index=0,
        allowed_paths=None,
    )
    assert executor.calls[0]["batches"] == [
        ["src/autopack/core.py"],
        ["src/autopack/cli/main.py"],
        ["tests/autopack/diagnostics/t.py"],
    ]
