"""Scaffolding for scenarios that drive one attempt, `AutonomousExecutor._execute_phase_with_recovery`.

The builder seams (`builder_pipeline`, `token_budget_escalation`) are regions inside that method, so
their scenarios run the whole method with everything outside the regions faked: the file context
(`self._load_file_context`), model selection (`model_router.select_model`), the Builder
(`llm_service.execute_builder_phase`), deliverables validation and the token-budget event writer (both
by identity), the patch apply (`self._apply_builder_result_patch`), CI, the Auditor and the quality
gate. A scenario scripts only what its path reaches; any other call fails as unscripted.

`AttemptRig` bundles the executor with helpers that script those fakes; the `attempt_rig` fixture
builds one. `builder_result(...)` builds the Builder's answer, with the token metadata shaped as the
LLM service reports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from autopack.autonomous_executor import AutonomousExecutor
from autopack.deliverables import DeliverablesReport, validate_deliverables
from autopack.executor.db_events import try_record_token_budget_escalation_event
from autopack.llm_types import BuilderResult
from golden_harness import Recorder

BUILDER_MODEL = "claude-sonnet-4-5"
BUILDER = "llm_service.execute_builder_phase"

_REPEATED_ROWS = re.compile(r"(?:row\n){20,}")


def file_of_lines(count: int) -> str:
    """A file text of exactly `count` lines ("row" each), as the line-limit check counts them."""
    return "row\n" * (count - 1) + "row"


def collapse_rows(text: str) -> str:
    """Normalizer: long runs of `row` lines (from `file_of_lines`) become `<N x row>` in goldens."""
    return _REPEATED_ROWS.sub(lambda m: f"<{m.group().count(chr(10))} x row>\n", text)


def builder_result(
    *,
    success: bool,
    error: str | None = None,
    patch: str = "",
    edit_plan: list[dict[str, str]] | None = None,
    tokens_used: int = 0,
    model: str | None = None,
    token_budget: dict[str, Any] | None = None,
    token_prediction: dict[str, Any] | None = None,
) -> BuilderResult:
    """A Builder answer; metadata carries only the keys given, in the LLM service's order."""
    metadata: dict[str, Any] = {}
    if model is not None:
        metadata["model"] = model
    if token_budget is not None:
        metadata["token_budget"] = token_budget
    if token_prediction is not None:
        metadata["token_prediction"] = token_prediction
    return BuilderResult(
        success=success,
        patch_content=patch,
        edit_plan=edit_plan,
        error=error,
        tokens_used=tokens_used,
        metadata=metadata,
    )


@dataclass
class AttemptRig:
    """An executor whose only real method is `_execute_phase_with_recovery`, and its scripts."""

    golden: Recorder
    executor: AutonomousExecutor

    def context(
        self,
        existing_files: dict[str, str] | None = None,
        read_only_files: Sequence[str] = (),
        scope_paths: Sequence[str] = ("src/",),
    ) -> dict[str, Any]:
        """Script the file context `_load_file_context` hands the Builder; returns it."""
        context = {
            "existing_files": dict(existing_files or {}),
            "read_only_files": list(read_only_files),
            "scope_paths": list(scope_paths),
        }
        self.golden.fake("self._load_file_context", returns=context)
        return context

    def model(self, name: str | None) -> None:
        """Script the model the router selects for the Builder."""
        self.golden.fake("model_router.select_model", returns=name)

    def builder(self, *results: BuilderResult) -> None:
        """Script the Builder's answers, one per call."""
        self.golden.fake(BUILDER, sequence=list(results))

    def deliverables(self, report: DeliverablesReport) -> None:
        """Fake deliverables validation (by identity) with the given report."""
        self.golden.fake_function(validate_deliverables, returns=report)

    def apply(self, applied: bool, status: str) -> None:
        """Script the patch apply's answer."""
        self.golden.fake("self._apply_builder_result_patch", returns=(applied, status))

    def run(
        self,
        phase: dict[str, Any],
        attempt_index: int = 0,
        allowed_paths: list[str] | None = None,
    ) -> Any:
        """Run the attempt through the recorder; returns its result (None when it raised)."""
        return self.golden.call(
            self.executor._execute_phase_with_recovery,
            phase,
            attempt_index,
            ["src/"] if allowed_paths is None else allowed_paths,
        )


MakeAttemptRig = Callable[..., AttemptRig]


@pytest.fixture
def attempt_rig(
    golden: Recorder, make_executor: Callable[..., AutonomousExecutor]
) -> MakeAttemptRig:
    """A builder of `AttemptRig`s: `attempt_rig(telemetry_enabled=False)` overrides executor state,
    `attempt_rig(real=[...])` runs more executor methods for real than the attempt itself.

    The token-budget event writer is faked by identity (it returns True, as after a recorded
    event) and the router selects `BUILDER_MODEL` unless a scenario scripts another model.
    """

    def build(*, real: Sequence[str] = (), **attrs: Any) -> AttemptRig:
        executor = make_executor(real=["_execute_phase_with_recovery", *real], **attrs)
        golden.fake_function(try_record_token_budget_escalation_event, returns=True)
        rig = AttemptRig(golden, executor)
        rig.model(BUILDER_MODEL)
        return rig

    return build
