"""Characterization of the builder pipeline inside one attempt (`_execute_phase_with_recovery`).

Three regions: the builder mode selection (full-file unless the phase asks for structured edits or
the context holds 30 or more files; files over 1000 lines stay in context read-only), the
format/truncation fallback (one structured-edit retry after a full-file parse or truncation error),
and the infra-error handling (provider mapping, a per-provider counter, the provider disabled in the
model router on its second infra error, INFRA_RETRY). The scenarios drive the whole attempt with
everything outside the regions faked; the Builder's arguments show the mode chosen, the executor's
bookkeeping (`mutated: self`) shows the counters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attempt_support import (
    MakeAttemptRig,
    attempt_rig,
    builder_result,
    collapse_rows,
    file_of_lines,
)

from autopack.llm_types import AuditorResult
from autopack.quality_gate import QualityReport
from golden_harness import Recorder, Seam, harvested_test

# The fixture is imported for pytest to find it in this module; `__all__` marks the import as used.
__all__ = ["attempt_rig"]

GOLDEN_SEAM = Seam(
    "builder_pipeline",
    covers=[
        "autopack.executor.builder_pipeline:run_builder_stage",
        "autopack.executor.provider_disable:note_infra_error",
        "autopack.executor.builder_pipeline:STRUCTURED_EDIT_FILE_THRESHOLD",
        "autopack.executor.builder_pipeline:FULL_FILE_LINE_LIMIT",
    ],
)

PHASE = {"phase_id": "feature-login", "name": "Add a login form"}
UNUSABLE = "model declined the change"


def phase(**extra: Any) -> dict[str, Any]:
    return {**PHASE, **extra}


def files(count: int) -> dict[str, str]:
    """`count` one-line context files `src/m00.py`, `src/m01.py`, ..."""
    return {f"src/m{i:02d}.py": "" for i in range(count)}


# ---------------------------------------------------------------- builder mode selection


def test_small_context_uses_full_file_mode(golden: Recorder, attempt_rig: MakeAttemptRig) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "def login():\n    pass\n"})
    rig.builder(builder_result(success=False, error=UNUSABLE))
    rig.run(phase())


def test_requested_structured_edits_disable_full_file_mode(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "def login():\n    pass\n"})
    rig.builder(builder_result(success=False, error=UNUSABLE))
    rig.run(phase(builder_mode="structured_edit"))


@pytest.mark.parametrize(
    ("builder_mode", "file_count"),
    [
        pytest.param(None, 29, id="29_files_stay_full_file"),
        pytest.param(None, 30, id="30_files_switch_to_structured"),
        pytest.param("full_file", 30, id="30_files_override_requested_full_file"),
    ],
)
def test_context_file_count_threshold(
    golden: Recorder, attempt_rig: MakeAttemptRig, builder_mode: str | None, file_count: int
) -> None:
    rig = attempt_rig()
    rig.context(files(file_count))
    rig.builder(builder_result(success=False, error=UNUSABLE))
    rig.run(phase(builder_mode=builder_mode) if builder_mode else phase())


def test_files_over_the_line_limit_stay_in_context_read_only(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    golden.normalize(collapse_rows)
    rig = attempt_rig()
    rig.context(
        {
            "src/zeta.py": file_of_lines(1001),
            "src/at_limit.py": file_of_lines(1000),
            "docs/notes.md": "notes\n",
            "src/alpha.py": file_of_lines(1500),
        },
        read_only_files=["docs/notes.md", "src/alpha.py"],
    )
    rig.builder(builder_result(success=False, error=UNUSABLE))
    rig.run(phase())


def test_escalated_token_budget_reaches_the_builder_call_and_is_logged(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "def login():\n    pass\n"})
    rig.builder(builder_result(success=False, error=UNUSABLE))
    rig.run(phase(_escalated_tokens=5120))


def test_context_without_files_uses_full_file_mode(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    golden.fake("self._load_file_context", returns={"scope_paths": []})
    rig.builder(builder_result(success=False, error=UNUSABLE))
    rig.run(phase())


def test_successful_full_file_change_goes_through_apply_ci_auditor_and_gate(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    patch = "--- a/src/login.py\n+++ b/src/login.py\n@@ -1 +1 @@\n-pass\n+return True\n"
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=True, patch=patch, tokens_used=812))
    rig.apply(True, "APPLIED")
    golden.fake(
        "self._run_ci_checks", returns={"skipped": True, "passed": True, "status": "skipped"}
    )
    golden.fake("llm_service.execute_auditor_review", returns=AuditorResult(approved=True))
    golden.fake(
        "quality_gate.assess_phase",
        returns=QualityReport(quality_level="ok", is_blocked=False),
    )
    rig.run(phase())


# ---------------------------------------------------------------- format / truncation fallback


@pytest.mark.parametrize(
    "error",
    [
        pytest.param("full-file parse failed: no closing fence", id="full_file_parse_failed"),
        pytest.param("Output truncated at 8192 tokens", id="output_truncated"),
        pytest.param("provider stop_reason=max_tokens", id="stop_reason_max_tokens"),
        pytest.param("response had NO DIFF MARKERS", id="no_diff_markers"),
    ],
)
def test_format_error_retries_once_in_structured_mode(
    golden: Recorder, attempt_rig: MakeAttemptRig, error: str
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(
        builder_result(success=False, error=error),
        builder_result(success=False, error=UNUSABLE),
    )
    rig.run(phase())


def test_structured_retry_edit_plan_is_rendered_and_applied_in_structured_mode(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    from autopack.structured_edits import render_edit_plan

    plan = [{"path": "src/login.py", "content": "return True\n"}]
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(
        builder_result(success=False, error="output truncated"),
        builder_result(success=True, edit_plan=plan, model="claude-haiku-4-5"),
    )
    golden.fake_function(render_edit_plan, returns="<rendered edit plan>")
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase())


def test_format_error_after_the_structured_retry_is_not_retried_again(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(
        builder_result(success=False, error="no diff markers"),
        builder_result(success=False, error="output truncated again"),
    )
    rig.run(phase())


def test_format_error_in_structured_mode_has_no_fallback(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error="output truncated"))
    rig.run(phase(builder_mode="structured_edit"))


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(UNUSABLE, id="other_error"),
        pytest.param(None, id="no_error_text"),
    ],
)
def test_failure_without_format_marker_has_no_fallback(
    golden: Recorder, attempt_rig: MakeAttemptRig, error: str | None
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error=error))
    rig.run(phase())


# ---------------------------------------------------------------- infra errors


@pytest.mark.parametrize(
    "error",
    [
        pytest.param("Connection error while reading response", id="connection_error"),
        pytest.param("Request timeout after 60s", id="timeout"),
        pytest.param("read timed out", id="timed_out"),
        pytest.param("HTTP 503 Service Unavailable", id="http_503"),
        pytest.param("upstream status: 502", id="status_colon_502"),
        pytest.param("status500", id="status_500_unspaced"),
    ],
)
def test_infra_error_counts_against_the_provider_and_asks_for_a_retry(
    golden: Recorder, attempt_rig: MakeAttemptRig, error: str
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error=error))
    rig.run(phase())


@pytest.mark.parametrize(
    "error",
    [
        pytest.param("HTTP 404 model not found", id="http_404"),
        pytest.param("http 5000 tokens over quota", id="http_four_digits"),
        pytest.param("status 50x", id="status_not_a_number"),
    ],
)
def test_error_that_only_resembles_an_infra_error_is_a_plain_failure(
    golden: Recorder, attempt_rig: MakeAttemptRig, error: str
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error=error))
    rig.run(phase())


@pytest.mark.parametrize(
    "model",
    [
        pytest.param("Claude-Opus-4", id="claude_is_anthropic"),
        pytest.param("gpt-4o", id="gpt_is_openai"),
        pytest.param("o1-mini", id="o1_is_openai"),
        pytest.param("gemini-2.0-flash", id="gemini_is_google_gemini"),
        pytest.param("glm-4", id="glm_is_zhipu_glm"),
    ],
)
def test_infra_error_provider_is_derived_from_the_model_the_builder_reports(
    golden: Recorder, attempt_rig: MakeAttemptRig, model: str
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error="connection error", model=model))
    rig.run(phase())


@pytest.mark.parametrize(
    ("router_model", "reported_model"),
    [
        pytest.param("mistral-large", None, id="unknown_model"),
        pytest.param(None, None, id="no_model"),
    ],
)
def test_infra_error_from_a_model_without_provider_counts_nothing(
    golden: Recorder,
    attempt_rig: MakeAttemptRig,
    router_model: str | None,
    reported_model: str | None,
) -> None:
    rig = attempt_rig()
    rig.model(router_model)
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error="connection error", model=reported_model))
    rig.run(phase())


@pytest.mark.parametrize(
    "earlier_errors",
    [
        pytest.param(1, id="second_error_disables"),
        pytest.param(2, id="third_error_does_not_disable_again"),
    ],
)
def test_provider_is_disabled_on_its_second_infra_error_only(
    golden: Recorder, attempt_rig: MakeAttemptRig, earlier_errors: int
) -> None:
    rig = attempt_rig(_provider_infra_errors={"anthropic": earlier_errors, "openai": 1})
    rig.context({"src/login.py": "pass\n"})
    rig.builder(builder_result(success=False, error="HTTP 529 overloaded (status 529)"))
    golden.fake("model_router.disable_provider", returns=None)
    rig.run(phase())


def test_infra_error_on_the_structured_retry_asks_for_a_retry(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(
        builder_result(success=False, error="full-file parse failed"),
        builder_result(success=False, error="Connection error", model="gpt-4o"),
    )
    rig.run(phase())


def test_infra_error_takes_precedence_over_token_budget_escalation(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(
        builder_result(
            success=False,
            error="request timed out",
            token_budget={"was_truncated": True, "output_utilization": 100.0},
        )
    )
    rig.run(phase())


def test_two_infra_errors_in_consecutive_attempts_disable_the_provider(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    """The counter lives on the executor: attempt 0 counts 1, attempt 1 counts 2 and disables."""
    rig = attempt_rig()
    rig.context({"src/login.py": "pass\n"})
    rig.builder(
        builder_result(success=False, error="connection error"),
        builder_result(success=False, error="request timeout"),
    )
    golden.fake("model_router.disable_provider", returns=None)
    rig.run(phase())
    rig.run(phase(), attempt_index=1)


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
