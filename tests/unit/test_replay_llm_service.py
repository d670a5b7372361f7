"""Replay Builder and Auditor behind the LLM service."""

from __future__ import annotations

from autopack.llm_service import LlmService
from autopack.llm_types import BuilderResult

PLAN = {
    "phases": [
        {
            "phase_id": "p1",
            "replay": {
                "builder": [
                    {
                        "error": "too long",
                        "tokens_used": 10,
                        "token_budget": {"was_truncated": True},
                    },
                    [{"patch": "P1"}, {"patch": "P2", "summary": "second"}],
                    {"patch": "P3", "expect": {"doctor_hint": True}},
                    {"patch": "P4", "expect": {"max_tokens": 5120}},
                ],
                "auditor": [{"approved": False, "issues": [{"severity": "major"}]}],
            },
        }
    ]
}


def call(service: LlmService, attempt: int, **context):
    return service.execute_builder_phase(
        phase_spec={"phase_id": "p1"},
        file_context={},
        max_tokens=context.pop("max_tokens", None),
        use_full_file_mode=True,
        attempt_index=attempt,
        run_context=context,
    )


def test_responses_are_served_per_attempt_in_call_order() -> None:
    service = LlmService.from_plan(PLAN)
    failed = call(service, 0)
    assert (failed.success, failed.error, failed.tokens_used) == (False, "too long", 10)
    assert failed.metadata["token_budget"] == {"was_truncated": True}
    assert [call(service, 1).patch_content, call(service, 1).patch_content] == ["P1", "P2"]
    extra = call(service, 1)
    assert not extra.success
    assert "called 3 times" in extra.error


def test_a_new_revision_epoch_replays_the_attempt_from_the_start() -> None:
    service = LlmService.from_plan(PLAN)
    assert call(service, 1).patch_content == "P1"
    assert call(service, 1, revision_epoch=1).patch_content == "P1"


def test_expectations_are_checked() -> None:
    service = LlmService.from_plan(PLAN)
    assert "expected a Doctor hint" in call(service, 2).error
    assert call(LlmService.from_plan(PLAN), 2, doctor_hint="h").patch_content == "P3"
    assert "expected max_tokens=5120, got None" in call(service, 3).error
    assert call(LlmService.from_plan(PLAN), 3, max_tokens=5120).success


def test_unscripted_attempts_fail_and_unscripted_reviews_approve() -> None:
    service = LlmService.from_plan(PLAN)
    # attempt_index 4 is the fifth attempt: messages count attempts from 1
    assert "no builder response scripted for phase 'p1' attempt 5" in call(service, 4).error
    review = service.execute_auditor_review(
        phase_spec={"phase_id": "p1"}, patch_content="", ci_result=None, attempt_index=0
    )
    assert (review.approved, review.issues) == (False, [{"severity": "major"}])
    later = service.execute_auditor_review(
        phase_spec={"phase_id": "p1"}, patch_content="", ci_result=None, attempt_index=1
    )
    assert (later.approved, later.issues) == (True, [])


def test_reported_model_is_the_scripted_then_the_routed_then_the_default() -> None:
    plan = {"phases": [{"phase_id": "p1", "replay": {"builder": [[{"model": "gpt-x"}, {}, {}]]}}]}
    service = LlmService.from_plan(plan)
    assert call(service, 0, model="claude-y").metadata["model"] == "gpt-x"
    assert call(service, 0, model="claude-y").metadata["model"] == "claude-y"
    assert call(service, 0).metadata["model"] == "claude-sonnet-replay"


def test_every_failure_is_a_whole_builder_result() -> None:
    scripted = {"tokens_used": 7, "token_budget": {"was_truncated": True}, "model": "gpt-x"}
    plan = {
        "phases": [
            {
                "phase_id": "p1",
                "replay": {
                    "builder": [
                        [{**scripted, "error": "too long"}],
                        {**scripted, "expect": {"doctor_hint": True}},
                        {**scripted, "expect": {"max_tokens": 5120}},
                    ]
                },
            }
        ]
    }
    service = LlmService.from_plan(plan)
    metadata = {"model": "gpt-x", "token_budget": {"was_truncated": True}}
    assert call(service, 0) == BuilderResult(
        success=False, error="too long", tokens_used=7, metadata=metadata
    )
    assert call(service, 0) == BuilderResult(
        success=False,
        error="replay: builder called 2 times for phase 'p1' attempt 1, only 1 responses scripted",
        metadata={"model": "claude-sonnet-replay"},
    )
    assert call(service, 1) == BuilderResult(
        success=False,
        error="replay: phase 'p1' attempt 2 expected a Doctor hint, none was given",
        tokens_used=7,
        metadata=metadata,
    )
    assert call(service, 2, max_tokens=1) == BuilderResult(
        success=False,
        error="replay: phase 'p1' attempt 3 expected max_tokens=5120, got 1",
        tokens_used=7,
        metadata=metadata,
    )
    assert call(service, 3) == BuilderResult(
        success=False,
        error="replay: no builder response scripted for phase 'p1' attempt 4 (3 attempts scripted)",
        metadata={"model": "claude-sonnet-replay"},
    )
