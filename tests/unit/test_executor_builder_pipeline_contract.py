"""Contract of `executor.builder_pipeline.run_builder_stage`, table-driven with fakes: the status
each kind of Builder answer gives the attempt, the mode it was built in, and the calls made.

The stage never yields PATCH_FAILED: a patch that does not apply is the apply pipeline's status
(`executor.patch_apply_pipeline`), after a COMPLETE Builder stage.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from autopack.executor.builder_pipeline import BuilderOutcome, run_builder_stage
from autopack.executor.models import PhaseSpec
from autopack.llm_types import BuilderResult

TRUNCATED = {"token_budget": {"was_truncated": True, "output_utilization": 100.0}}


class FakeBuilder:
    """Answers the Builder calls in order and records their keyword arguments."""

    def __init__(self, *answers: BuilderResult) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []

    def execute_builder_phase(self, **kwargs: Any) -> BuilderResult:
        self.calls.append(kwargs)
        return self.answers.pop(0)


def make_executor(builder: FakeBuilder) -> SimpleNamespace:
    disabled: list[str] = []
    return SimpleNamespace(
        run_id="run-1",
        llm_service=builder,
        model_router=SimpleNamespace(
            select_model=lambda role: "claude-sonnet",
            disable_provider=lambda provider, *, reason: disabled.append(provider),
        ),
        telemetry_enabled=False,
        _session_factory=None,
        _learning_hints=[],
        _last_builder_model_by_phase={},
        _last_error_by_phase={},
        _provider_infra_errors={},
    )


@pytest.mark.parametrize(
    ("answers", "status", "full_file_mode", "calls"),
    [
        pytest.param(
            [BuilderResult(success=True, patch_content="diff")], "COMPLETE", True, 1, id="complete"
        ),
        pytest.param(
            [
                BuilderResult(success=False, error="full-file parse failed"),
                BuilderResult(success=True, edit_plan=[{"path": "a.py", "content": "x"}]),
            ],
            "COMPLETE",
            False,
            2,
            id="complete_after_structured_fallback",
        ),
        pytest.param(
            [BuilderResult(success=False, error="model declined", metadata=TRUNCATED)],
            "TOKEN_ESCALATION",
            True,
            1,
            id="token_escalation",
        ),
        pytest.param(
            [BuilderResult(success=False, error="Connection error to the API")],
            "INFRA_RETRY",
            True,
            1,
            id="infra_retry",
        ),
        pytest.param(
            [BuilderResult(success=False, error="model declined")], "FAILED", True, 1, id="failed"
        ),
    ],
)
def test_each_builder_answer_gives_its_status(
    answers: list[BuilderResult], status: str, full_file_mode: bool, calls: int
) -> None:
    builder = FakeBuilder(*answers)
    executor = make_executor(builder)
    phase: dict[str, Any] = {"phase_id": "p"}

    outcome = run_builder_stage(
        executor=executor,
        phase=PhaseSpec(phase),
        attempt_index=0,
        file_context={"existing_files": {}},
    )

    assert isinstance(outcome, BuilderOutcome)
    assert (outcome.status, outcome.full_file_mode) == (status, full_file_mode)
    assert outcome.builder_result is answers[-1]
    assert len(builder.calls) == calls
    assert executor._last_builder_model_by_phase == {"p": "claude-sonnet"}
    if status == "COMPLETE":
        assert executor._last_error_by_phase == {}
    else:
        assert executor._last_error_by_phase["p"] == answers[-1].error


def test_a_token_escalation_sets_the_next_budget_on_the_phase() -> None:
    answer = BuilderResult(
        success=False,
        error="output truncated",
        metadata={**TRUNCATED, "token_prediction": {"selected_budget": 4096}},
    )
    builder = FakeBuilder(answer)
    executor = make_executor(builder)
    phase: dict[str, Any] = {"phase_id": "p", "builder_mode": "structured_edit"}

    outcome = run_builder_stage(
        executor=executor,
        phase=PhaseSpec(phase),
        attempt_index=1,
        file_context={"existing_files": {}},
    )

    assert outcome.status == "TOKEN_ESCALATION"
    assert phase["_escalated_tokens"] == 5120
    assert phase["_escalated_once"] is True
    assert builder.calls[0]["use_full_file_mode"] is False
