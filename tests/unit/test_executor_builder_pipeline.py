"""`_execute_phase_with_recovery`: builder mode, fallback, infra errors, P10, apply, gate."""

from __future__ import annotations

from pathlib import Path

import pytest

from autopack.db import TokenBudgetEscalationEvent
from autopack.executor.phase_handlers import batched_diagnostics_deep_retrieval

SKIP_CI = {"skip": True}


def phase(builder: list, phase_id: str = "p1", **extra) -> dict:
    return {
        "phase_id": phase_id,
        "scope": {"paths": ["src/", "config/"]},
        "ci": SKIP_CI,
        "replay": {"builder": builder},
        **extra,
    }


def attempt(executor, p: dict, index: int = 0):
    return executor._execute_phase_with_recovery(
        p, attempt_index=index, allowed_paths=["src/", "config/"]
    )


def test_full_file_mode_by_default_and_structured_on_request(
    make_executor, fakes, new_file_patch
) -> None:
    a = phase([{"patch": new_file_patch("src/a.py", "a\n")}])
    b = phase(
        [{"edit_plan": [{"path": "src/b.py", "content": "b"}]}],
        "p2",
        builder_mode="structured_edit",
    )
    executor = make_executor([a, b])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert attempt(executor, a) == (True, "COMPLETE")
    assert attempt(executor, b) == (True, "COMPLETE")
    assert [c["use_full_file_mode"] for c in executor.llm_service.builder_calls] == [True, False]


def test_thirty_context_files_switch_to_structured_edits(
    make_executor, fakes, git_repo: Path
) -> None:
    (git_repo / "src").mkdir()
    for n in range(30):
        (git_repo / f"src/f{n:02d}.py").write_text("x\n")
    p = phase([{"edit_plan": [{"path": "src/f00.py", "content": "y"}]}])
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert attempt(executor, p) == (True, "COMPLETE")
    (call,) = executor.llm_service.builder_calls
    assert call["use_full_file_mode"] is False
    assert len(call["file_context"]["existing_files"]) == 30
    assert (git_repo / "src/f00.py").read_text() == "y\n"


@pytest.mark.parametrize(
    ("lines", "read_only"),
    [(1000, []), (1001, ["src/big.py"])],
    ids=["at-the-limit", "over-the-limit"],
)
def test_files_over_the_line_limit_stay_read_only(
    make_executor, fakes, git_repo: Path, new_file_patch, lines: int, read_only: list[str]
) -> None:
    (git_repo / "src").mkdir()
    (git_repo / "src/big.py").write_text("x\n" * lines)  # newline-terminated, as files are
    p = phase([{"patch": new_file_patch("src/a.py", "a\n")}])
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    attempt(executor, p)
    assert executor.llm_service.builder_calls[0]["file_context"]["read_only_files"] == read_only


@pytest.mark.parametrize(
    "error",
    [
        "Full-file parse failed: no JSON",
        "output truncated",
        "stop_reason=max_tokens",
        "no diff markers",
    ],
)
def test_format_errors_retry_once_with_structured_edits(
    make_executor, fakes, git_repo: Path, error: str
) -> None:
    p = phase([[{"error": error}, {"edit_plan": [{"path": "src/a.py", "content": "a"}]}]])
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert attempt(executor, p) == (True, "COMPLETE")
    assert [c["use_full_file_mode"] for c in executor.llm_service.builder_calls] == [True, False]
    assert (git_repo / "src/a.py").read_text() == "a\n"


def test_other_builder_errors_fail_without_fallback(make_executor, fakes) -> None:
    p = phase([[{"error": "refused"}, {"patch": "unused"}]])
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert attempt(executor, p) == (False, "FAILED")
    assert len(executor.llm_service.builder_calls) == 1


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("claude-x", "anthropic"),
        ("gpt-4o", "openai"),
        ("o1-pro", "openai"),
        ("gemini-2", "google_gemini"),
        ("glm-4", "zhipu_glm"),
    ],
)
def test_second_infra_error_disables_the_provider(make_executor, model: str, provider: str) -> None:
    errors = ["Connection error: reset", "request timed out", "HTTP 503 from upstream"]
    p = phase([{"error": e, "model": model} for e in errors])
    executor = make_executor([p])
    assert attempt(executor, p, 0) == (False, "INFRA_RETRY")
    assert not executor.model_router.is_provider_disabled(provider)
    assert attempt(executor, p, 1) == (False, "INFRA_RETRY")
    assert executor.model_router.disabled_providers == {provider: "infra_error"}
    assert attempt(executor, p, 2) == (False, "INFRA_RETRY")
    assert executor._provider_infra_errors == {provider: 3}


def test_infra_error_of_an_unknown_model_disables_nothing(make_executor) -> None:
    p = phase([{"error": "connection error", "model": "llama"}] * 2)
    executor = make_executor([p])
    attempt(executor, p, 0)
    assert attempt(executor, p, 1) == (False, "INFRA_RETRY")
    assert executor.model_router.disabled_providers == {}


def escalation(selected=0, actual_max=0, output=0, utilization=99.0, truncated=False, used=0):
    return {
        "error": "incomplete",
        "tokens_used": used,
        "token_budget": {
            "output_utilization": utilization,
            "actual_output_tokens": output,
            "was_truncated": truncated,
        },
        "token_prediction": {"selected_budget": selected, "actual_max_tokens": actual_max},
    }


@pytest.mark.parametrize(
    ("response", "complexity", "expected"),
    [
        (
            escalation(selected=4096, output=100),
            "low",
            (4096, "selected_budget", 5120, "utilization"),
        ),
        (
            escalation(actual_max=8000, output=9000, truncated=True),
            "low",
            (9000, "actual_output_tokens", 11250, "truncation"),
        ),
        (
            escalation(selected=6000, actual_max=7000),
            "low",
            (7000, "actual_max_tokens", 8750, "utilization"),
        ),
        (
            escalation(selected=5000, actual_max=5000),
            "low",
            (5000, "selected_budget", 6250, "utilization"),
        ),
        (escalation(), "low", (8192, "complexity_default", 10240, "utilization")),
        (escalation(), "medium", (12288, "complexity_default", 15360, "utilization")),
        (escalation(), "high", (16384, "complexity_default", 20480, "utilization")),
        (escalation(selected=60000), "low", (60000, "selected_budget", 64000, "utilization")),
    ],
)
def test_p10_base_and_budget(
    make_executor, db_rows, response: dict, complexity: str, expected: tuple
) -> None:
    p = phase([response], complexity=complexity)
    executor = make_executor([p])
    assert attempt(executor, p) == (False, "TOKEN_ESCALATION")
    (event,) = db_rows(executor, TokenBudgetEscalationEvent)
    assert (event.base_value, event.base_source, event.retry_max_tokens, event.reason) == expected
    assert p["_escalated_tokens"] == expected[2]


def test_p10_threshold_once_per_phase_and_not_on_the_last_attempts(make_executor, db_rows) -> None:
    below = phase([escalation(utilization=94.9)], "below")
    once = phase([escalation(), escalation()], "once")
    late = phase([escalation()] * 5, "late")
    executor = make_executor([below, once, late])
    assert attempt(executor, below) == (False, "FAILED")
    assert attempt(executor, once, 0) == (False, "TOKEN_ESCALATION")
    assert attempt(executor, once, 1) == (False, "FAILED")
    assert attempt(executor, late, 4) == (False, "FAILED")
    assert attempt(executor, late, 3) == (False, "TOKEN_ESCALATION")
    assert [e.phase_id for e in db_rows(executor, TokenBudgetEscalationEvent)] == ["once", "late"]


def test_p10_without_telemetry_escalates_but_records_nothing(make_executor, db_rows) -> None:
    p = phase([escalation(selected=100)])
    executor = make_executor([p], telemetry_enabled=False)
    assert attempt(executor, p) == (False, "TOKEN_ESCALATION")
    assert p["_escalated_tokens"] == 125
    assert db_rows(executor, TokenBudgetEscalationEvent) == []


def test_site_two_escalates_on_missing_deliverables(make_executor, db_rows, new_file_patch) -> None:
    response = {
        "patch": new_file_patch("src/a.py", "a\n"),
        "tokens_used": 900,
        "token_budget": {"output_utilization": 96.0, "actual_output_tokens": 800},
        "token_prediction": {"selected_budget": 1000},
    }
    p = phase([response], deliverables=["src/a.py", "src/b.py"])
    executor = make_executor([p])
    assert attempt(executor, p) == (False, "TOKEN_ESCALATION")
    (event,) = db_rows(executor, TokenBudgetEscalationEvent)
    assert (event.reason, event.base_value, event.retry_max_tokens, event.tokens_used) == (
        "utilization",
        1000,
        1250,
        900,
    )


def test_site_two_treats_missing_utilization_as_zero(
    make_executor, git_repo: Path, new_file_patch
) -> None:
    response = {
        "patch": new_file_patch("src/a.py", "a\n"),
        "token_budget": {"was_truncated": False},
    }
    p = phase([response], deliverables=["src/a.py", "src/b.py"])
    executor = make_executor([p])
    assert attempt(executor, p) == (False, "DELIVERABLES_VALIDATION_FAILED")
    assert executor._last_error_by_phase["p1"] == "missing deliverables: src/b.py"
    assert not (git_repo / "src/a.py").exists()


def test_yaml_and_compose_validation_block_the_apply(
    make_executor, git_repo: Path, new_file_patch
) -> None:
    bad_yaml = phase([{"patch": new_file_patch("config/a.yaml", "a: [1\n")}], "yaml")
    bad_compose = phase(
        [{"edit_plan": [{"path": "src/docker-compose.yml", "content": "services: {}\n"}]}],
        "compose",
        builder_mode="structured_edit",
    )
    executor = make_executor([bad_yaml, bad_compose])
    assert attempt(executor, bad_yaml) == (False, "YAML_VALIDATION_FAILED")
    assert attempt(executor, bad_compose) == (False, "YAML_VALIDATION_FAILED")
    assert (
        "src/docker-compose.yml: docker-compose: 'services'"
        in executor._last_error_by_phase["compose"]
    )
    assert not (git_repo / "config").exists()


def test_goal_drift_blocks_unrelated_changes(make_executor, new_file_patch) -> None:
    p = phase(
        [{"patch": new_file_patch("src/a.py", "a\n"), "summary": "Rewrite payments in Rust"}],
        description="Rewrite payments",
    )
    executor = make_executor([p], goal_anchor="Build a greeting library with usage reports")
    assert attempt(executor, p) == (False, "GOAL_DRIFT_BLOCKED")


def test_protected_paths_need_approval(make_executor, git_repo: Path, new_file_patch) -> None:
    from autopack.approval_channel import AutoApprovalChannel

    patch = new_file_patch(".autonomous_runs/note.txt", "n\n")
    denied = phase([{"patch": patch}], "denied", scope={"paths": []})
    executor = make_executor([denied])
    assert executor._execute_phase_with_recovery(denied, attempt_index=0, allowed_paths=[]) == (
        False,
        "PATCH_FAILED",
    )
    executor.approval_channel = AutoApprovalChannel(True)
    approved = phase([{"patch": patch}], "approved")
    executor.llm_service = type(executor.llm_service).from_plan({"phases": [approved]})
    assert executor._execute_phase_with_recovery(approved, attempt_index=0, allowed_paths=[]) == (
        True,
        "COMPLETE",
    )
    assert (git_repo / ".autonomous_runs/note.txt").read_text() == "n\n"
    assert [h["approved"] for h in executor._approval_history] == [False, True]


def test_ci_failure_and_blocked_gate(make_executor, new_file_patch) -> None:
    failing = phase([{"patch": new_file_patch("src/a.py", "a\n")}], "ci", ci={"command": "exit 1"})
    rejected = phase([{"patch": new_file_patch("src/b.py", "b\n")}], "gate")
    rejected["replay"]["auditor"] = [
        {"approved": False, "issues": [{"severity": "major", "message": "no tests"}]}
    ]
    executor = make_executor([failing, rejected])
    assert attempt(executor, failing) == (False, "CI_FAILED")
    assert attempt(executor, rejected) == (
        False,
        "BLOCKED: auditor rejected the change; major: no tests",
    )
    assert executor.notifier.sent[-1].text.startswith("✅ quality_gate for gate denied")


def test_special_phases_dispatch_to_their_handler(make_executor, fakes, monkeypatch) -> None:
    p = {"phase_id": "diagnostics-deep-retrieval", "deliverables": []}
    executor = make_executor([p])
    calls = []

    def handler(owner, **kw):
        calls.append(owner)
        return False, f"handled {sorted(kw)}"

    monkeypatch.setattr(batched_diagnostics_deep_retrieval, "execute", handler)
    assert attempt(executor, p) == (False, "handled ['allowed_paths', 'attempt_index', 'phase']")
    assert calls == [executor]


def test_after_a_provider_is_disabled_the_router_picks_the_next_model(make_executor, fakes) -> None:
    p = phase([{"error": "connection error"}, {"error": "connection error"}, {"error": "refused"}])
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    attempt(executor, p, 0)
    attempt(executor, p, 1)
    assert attempt(executor, p, 2) == (False, "FAILED")
    models = [c["run_context"]["model"] for c in executor.llm_service.builder_calls]
    assert models == ["claude-sonnet-4-5", "claude-sonnet-4-5", "gpt-4o"]
    assert executor._last_builder_model_by_phase["p1"] == "gpt-4o"
