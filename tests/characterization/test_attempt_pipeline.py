"""Characterization of one attempt (`_execute_phase_with_recovery`) outside its builder regions.

The seam is the whole method minus the regions other seams own (`builder_pipeline`,
`token_budget_escalation`): the special-phase dispatch at its start, the Builder call with its run
context (revision epoch, Doctor hint, escalated budget, the last five learning hints), the model
recorded for the phase, the plain Builder failure, the edit-plan rendering, deliverables validation,
and the tail after the Builder: the patch apply, CI (the stored last-error text of a failure), the
Auditor and the quality gate with its approval override.

Everything the method calls is faked: the file context, model selection, the Builder and Auditor,
deliverables validation and `render_edit_plan` (by identity, strict unless a scenario scripts
them), the patch apply, CI, the quality gate, the approval request and the batched handlers (each
`phase_handlers` module's `execute`, by identity). The special-phase table (`phase_dispatch`) is real. The scripted answers are shaped as
the real collaborators give them (`ci_result(...)` builds what `_run_ci_checks` returns).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _attempt_support import AttemptRig, MakeAttemptRig, attempt_rig, builder_result

from autopack.autonomous_executor import AutonomousExecutor
from autopack.deliverables import DeliverablesReport, validate_deliverables
from autopack.executor.phase_handlers import (
    batched_diagnostics_cursor_prompt,
    batched_diagnostics_deep_retrieval,
    batched_diagnostics_handoff_bundle,
    batched_diagnostics_iteration_loop,
    batched_diagnostics_second_opinion,
    batched_research_gatherers_web_compilation,
    batched_research_tracer_bullet,
)
from autopack.llm_types import AuditorResult, BuilderResult
from autopack.quality_gate import QualityReport
from autopack.structured_edits import render_edit_plan
from golden_harness import Recorder, Seam, harvested_test

# The fixture is imported for pytest to find it in this module; `__all__` marks the import as used.
__all__ = ["attempt_rig"]

GOLDEN_SEAM = Seam(
    "attempt_pipeline",
    covers=[
        "autopack.autonomous_executor:AutonomousExecutor._execute_phase_with_recovery",
        "autopack.executor.governance_bridge:gate_phase",
        "autopack.executor.phase_dispatch:special_phase",
        "autopack.executor.phase_dispatch:SpecialPhase.handler",
        "autopack.executor.phase_dispatch:SpecialPhase.name",
    ],
)

PHASE_ID = "feature-signup"
PATCH = (
    "--- a/src/signup.py\n+++ b/src/signup.py\n@@ -1,2 +1,2 @@\n def signup():\n"
    "-    pass\n+    return True\n"
)


def edit_plan(*extra: dict[str, str]) -> list[dict[str, str]]:
    """A fresh structured edit plan: rewrite `src/signup.py`, then the `extra` operations."""
    return [{"path": "src/signup.py", "content": "def signup():\n    return True\n"}, *extra]


AUDITOR = "llm_service.execute_auditor_review"
GATE = "quality_gate.assess_phase"
CI = "self._run_ci_checks"


def phase(**extra: Any) -> dict[str, Any]:
    return {"phase_id": PHASE_ID, "name": "Add a signup form", **extra}


def ci_result(status: str, *, passed: int = 0, failed: int = 0, errors: int = 0, output: str = ""):
    """A result as `_run_ci_checks` returns it after running the phase's tests."""
    return {
        "status": status,
        "passed": status == "passed",
        "tests_run": passed + failed + errors,
        "tests_passed": passed,
        "tests_failed": failed,
        "tests_error": errors,
        "duration_seconds": 4.25,
        "output": output,
        "report_path": f".autonomous_runs/run-char/ci/{PHASE_ID}.json",
        "log_path": f".autonomous_runs/run-char/ci/{PHASE_ID}.log",
        "skipped": False,
        "suspicious_zero_tests": False,
    }


def skipped_ci() -> dict[str, Any]:
    """The result `_run_ci_checks` returns for a phase whose CI is skipped."""
    return {
        "status": "skipped",
        "passed": True,
        "tests_run": 0,
        "tests_passed": 0,
        "tests_failed": 0,
        "tests_error": 0,
        "duration_seconds": 0.0,
        "output": "",
        "report_path": None,
        "log_path": None,
        "skipped": True,
        "suspicious_zero_tests": False,
    }


@pytest.fixture
def rig(golden: Recorder, attempt_rig: MakeAttemptRig) -> AttemptRig:
    """An attempt with a one-file context; deliverables validation and `render_edit_plan` are
    faked strictly (a scenario that reaches them scripts them with `golden.fake(name, ...)`)."""
    golden.fake_function(validate_deliverables)
    golden.fake_function(render_edit_plan)
    made = attempt_rig()
    made.context({"src/signup.py": "def signup():\n    pass\n"})
    return made


def builds(rig: AttemptRig, **result: Any) -> None:
    """Script one successful Builder answer (a full-file patch unless `result` says otherwise)."""
    rig.builder(builder_result(success=True, **{"patch": PATCH, "tokens_used": 640, **result}))


def ci(golden: Recorder, result: dict[str, Any]) -> None:
    golden.fake(CI, returns=result)


def audit(golden: Recorder, approved: bool, issues: list[dict[str, str]] | None = None) -> None:
    golden.fake(AUDITOR, returns=AuditorResult(approved=approved, issues=list(issues or [])))


def gate(golden: Recorder, level: str, blocked: bool, issues: list[str] | None = None) -> None:
    golden.fake(GATE, returns=QualityReport(level, blocked, list(issues or [])))


def passes_checks(golden: Recorder) -> None:
    """CI passes, the Auditor approves, the quality gate passes."""
    ci(golden, ci_result("passed", passed=12, output="12 passed in 0.40s\n"))
    audit(golden, True)
    gate(golden, "ok", False)


# ---------------------------------------------------------------- special phases


@pytest.mark.parametrize(
    ("phase_id", "handler", "outcome"),
    [
        pytest.param(
            "research-tracer-bullet",
            batched_research_tracer_bullet.execute,
            (True, "COMPLETE"),
            id="research_tracer_bullet",
        ),
        pytest.param(
            "research-gatherers-web-compilation",
            batched_research_gatherers_web_compilation.execute,
            (False, "DELIVERABLES_VALIDATION_FAILED"),
            id="research_gatherers_web_compilation",
        ),
        pytest.param(
            "diagnostics-handoff-bundle",
            batched_diagnostics_handoff_bundle.execute,
            (False, "PATCH_FAILED"),
            id="diagnostics_handoff_bundle",
        ),
        pytest.param(
            "diagnostics-cursor-prompt",
            batched_diagnostics_cursor_prompt.execute,
            (True, "COMPLETE"),
            id="diagnostics_cursor_prompt",
        ),
        pytest.param(
            "diagnostics-second-opinion-triage",
            batched_diagnostics_second_opinion.execute,
            (False, "CI_FAILED"),
            id="diagnostics_second_opinion_triage",
        ),
        pytest.param(
            "diagnostics-deep-retrieval",
            batched_diagnostics_deep_retrieval.execute,
            (False, "BLOCKED"),
            id="diagnostics_deep_retrieval",
        ),
        pytest.param(
            "diagnostics-iteration-loop",
            batched_diagnostics_iteration_loop.execute,
            (True, "COMPLETE"),
            id="diagnostics_iteration_loop",
        ),
    ],
)
def test_special_phase_is_dispatched_to_its_handler_with_every_argument(
    golden: Recorder,
    attempt_rig: MakeAttemptRig,
    phase_id: str,
    handler: Callable[..., tuple[bool, str]],
    outcome: tuple[bool, str],
) -> None:
    """The handler's answer is the attempt's; no file context, model or Builder is asked for.

    The handler function of the phase's module is faked, recorded under its module's name, so
    the executor reaches it through whatever path dispatch takes.
    """
    rig = attempt_rig(real=BATCHED_WRAPPERS)
    golden.fake_function(handler, returns=outcome, name=handler_name(handler))
    special = {"phase_id": phase_id, "name": "batched", "deliverables": ["docs/a.md"]}
    rig.run(special, attempt_index=3, allowed_paths=["docs/", "src/"])


def test_special_phase_without_allowed_paths_gets_none(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig(real=BATCHED_WRAPPERS)
    handler = batched_diagnostics_iteration_loop.execute
    golden.fake_function(handler, returns=(True, "COMPLETE"), name=handler_name(handler))
    golden.call(
        rig.executor._execute_phase_with_recovery, {"phase_id": "diagnostics-iteration-loop"}
    )


# The executor's thin wrappers around the handler functions run for real where dispatch uses them.
BATCHED_WRAPPERS = sorted(
    name
    for name in vars(AutonomousExecutor)
    if name.startswith("_execute_") and name.endswith("_batched")
)


def handler_name(handler: Callable[..., Any]) -> str:
    """`batched_<name>.execute`: the name a handler function's calls are recorded under."""
    return f"{handler.__module__.rsplit('.', 1)[-1]}.{handler.__name__}"


def test_phase_id_that_only_resembles_a_special_phase_is_an_ordinary_attempt(
    golden: Recorder, rig: AttemptRig
) -> None:
    rig.builder(builder_result(success=False, error="model declined the change"))
    rig.run({"phase_id": "Research-Tracer-Bullet"})


# ---------------------------------------------------------------- the Builder call


def test_retry_passes_epoch_doctor_hint_escalated_budget_and_the_last_five_hints(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    hints = [f"hint {n}: attempt {n} of an earlier phase failed" for n in range(1, 8)]
    rig = attempt_rig(_learning_hints=hints)
    rig.context({"src/signup.py": "def signup():\n    pass\n"})
    rig.builder(builder_result(success=False, error="model declined the change"))
    retry = phase(
        _revision_epoch=2,
        _doctor_hint="validate the e-mail field before saving",
        _escalated_tokens=10240,
        _escalated_once=True,
    )
    rig.run(retry, attempt_index=3)


@pytest.mark.parametrize(
    ("learning_hints", "revision_epoch"),
    [
        pytest.param(["only hint"], 0, id="one_hint_epoch_zero"),
        pytest.param([f"hint {n}" for n in range(1, 6)], 1, id="exactly_five_hints"),
    ],
)
def test_builder_gets_the_hints_there_are(
    golden: Recorder,
    attempt_rig: MakeAttemptRig,
    learning_hints: list[str],
    revision_epoch: int,
) -> None:
    rig = attempt_rig(_learning_hints=list(learning_hints))
    rig.context({"src/signup.py": "pass\n"})
    rig.builder(builder_result(success=False, error="model declined the change"))
    rig.run(phase(_revision_epoch=revision_epoch, _escalated_tokens=0), attempt_index=1)


def test_builder_failure_is_recorded_and_fails_the_attempt(
    golden: Recorder, rig: AttemptRig
) -> None:
    rig.builder(builder_result(success=False, error="model declined the change", model="gpt-4o"))
    rig.run(phase(), attempt_index=2)


def test_builder_failure_without_error_text_records_builder_failed(
    golden: Recorder, rig: AttemptRig
) -> None:
    rig.builder(builder_result(success=False))
    rig.run(phase())


def test_no_model_from_the_router_or_the_builder_records_no_model(
    golden: Recorder, rig: AttemptRig
) -> None:
    rig.model(None)
    rig.builder(builder_result(success=False, error="model declined the change"))
    rig.run(phase())


def test_model_the_builder_reports_wins_over_the_routers(golden: Recorder, rig: AttemptRig) -> None:
    rig.builder(
        builder_result(success=False, error="model declined the change", model="claude-haiku-4-5")
    )
    rig.run(phase())


# ---------------------------------------------------------------- the change to apply


def test_full_file_result_with_an_edit_plan_applies_the_patch_as_it_is(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig, edit_plan=edit_plan())
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase())


def test_structured_result_without_an_edit_plan_applies_its_patch(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig)
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase(builder_mode="structured_edit"))


def test_structured_result_with_an_edit_plan_applies_the_rendered_plan(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig, patch="", edit_plan=edit_plan({"path": "src/old.py", "delete": "true"}))
    golden.fake("render_edit_plan", returns=PATCH)
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase(builder_mode="structured_edit"))


def test_structured_result_with_an_empty_edit_plan_applies_its_patch(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig, edit_plan=[])
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase(builder_mode="structured_edit"))


def test_empty_patch_goes_to_the_apply(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig, patch="")
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase())


def test_missing_patch_text_goes_to_the_apply_as_empty(golden: Recorder, rig: AttemptRig) -> None:
    rig.builder(BuilderResult(success=True, patch_content=None))  # type: ignore[arg-type]
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase())


def test_change_summary_from_the_builder_goes_to_the_apply(
    golden: Recorder, rig: AttemptRig
) -> None:
    answer = builder_result(success=True, patch=PATCH)
    answer.metadata["summary"] = "adds the signup form"
    rig.builder(answer)
    rig.apply(False, "GOAL_DRIFT_BLOCKED")
    rig.run(phase(), attempt_index=1, allowed_paths=["src/", "tests/"])


def test_apply_refusal_ends_the_attempt_with_its_status(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    rig.apply(False, "YAML_VALIDATION_FAILED")
    rig.run(phase(), allowed_paths=[])


# ---------------------------------------------------------------- deliverables


def test_present_and_valid_deliverables_go_on_to_the_apply(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig)
    golden.fake(
        "validate_deliverables",
        returns=DeliverablesReport(ok=True, provided=["src/signup.py", "tests/test_signup.py"]),
    )
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase(deliverables=["src/signup.py", "tests/test_signup.py"]))


def test_several_missing_deliverables_are_joined(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    golden.fake(
        "validate_deliverables",
        returns=DeliverablesReport(
            ok=False,
            missing=["tests/test_signup.py", "docs/signup.md"],
            provided=["src/signup.py", "src/forms.py"],
        ),
    )
    rig.run(phase(deliverables=["src/signup.py", "tests/test_signup.py", "docs/signup.md"]))


def test_missing_deliverables_with_none_provided(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig, patch="")
    golden.fake(
        "validate_deliverables",
        returns=DeliverablesReport(ok=False, missing=["src/signup.py"], provided=[]),
    )
    rig.run(phase(deliverables=["src/signup.py"]))


def test_empty_deliverables_list_is_not_validated(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    rig.apply(False, "PATCH_FAILED")
    rig.run(phase(deliverables=[]))


def test_rendered_edit_plan_is_what_deliverables_validation_reads(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig, patch="", edit_plan=edit_plan())
    golden.fake("render_edit_plan", returns=PATCH)
    golden.fake(
        "validate_deliverables",
        returns=DeliverablesReport(ok=False, missing=["tests/test_signup.py"], provided=[]),
    )
    rig.run(phase(builder_mode="structured_edit", deliverables=["tests/test_signup.py"]))


# ---------------------------------------------------------------- CI


def test_ci_failing_after_a_clean_apply_stores_counts_and_the_last_output_lines(
    golden: Recorder, rig: AttemptRig
) -> None:
    output = (
        "\n  collected 14 items\n"
        "tests/test_signup.py::test_form PASSED\n"
        "tests/test_signup.py::test_email FAILED\n"
        "tests/test_signup.py::test_save FAILED\n"
        "tests/test_db.py ERROR\n"
        "FAILED tests/test_signup.py::test_email - AssertionError\n"
        "FAILED tests/test_signup.py::test_save - KeyError: 'email'\n"
        "2 failed, 11 passed, 1 error in 1.20s\n\n"
    )
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("failed", passed=11, failed=2, errors=1, output=output))
    rig.run(phase())


def test_ci_failing_with_short_output(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("timeout", passed=3, output="3 passed\nCI timed out after 300s"))
    rig.run(phase())


def test_ci_failing_without_output(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("error", output=""))
    rig.run(phase())


def test_ci_result_without_counts_or_output_reads_as_zero_counts(
    golden: Recorder, rig: AttemptRig
) -> None:
    """The defaults the attempt applies to a result that lacks the fields."""
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, {"status": "error", "passed": False, "output": None})
    rig.run(phase())


def test_ci_passing_goes_on_to_the_auditor_and_the_gate(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    passes_checks(golden)
    rig.run(phase(), attempt_index=1)


def test_skipped_ci_goes_on_to_the_auditor_and_the_gate(golden: Recorder, rig: AttemptRig) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, skipped_ci())
    audit(golden, True)
    gate(golden, "needs_review", False, ["no files changed"])
    rig.run(phase())


def test_ci_result_marked_skipped_is_no_failure_whatever_its_passed_flag(
    golden: Recorder, rig: AttemptRig
) -> None:
    """The attempt's own check: `skipped` alone decides, as in the quality gate."""
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, {**skipped_ci(), "passed": False})
    audit(golden, True)
    gate(golden, "ok", False)
    rig.run(phase())


# ---------------------------------------------------------------- Auditor and quality gate


def test_auditor_approving_with_issues_and_the_gate_asking_for_review_completes(
    golden: Recorder, attempt_rig: MakeAttemptRig
) -> None:
    rig = attempt_rig(_last_files_changed_by_phase={PHASE_ID: ["src/signup.py"], "other": ["x"]})
    rig.context({"src/signup.py": "pass\n"})
    golden.fake_function(validate_deliverables)
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("passed", passed=12))
    audit(
        golden,
        True,
        [
            {"severity": "minor", "message": "name the constant"},
            {"severity": "minor", "message": "add a docstring"},
        ],
    )
    gate(golden, "needs_review", False, ["minor: name the constant", "minor: add a docstring"])
    rig.run(phase(), attempt_index=2)


def test_auditor_rejecting_blocks_at_the_gate_and_the_approval_denies(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("passed", passed=12))
    audit(golden, False, [{"severity": "major", "message": "the password is logged"}])
    gate(
        golden,
        "blocked",
        True,
        ["auditor rejected the change", "major: the password is logged", "no files changed"],
    )
    golden.fake("self._request_approval", returns=False)
    rig.run(phase(), attempt_index=1)


def test_quality_gate_blocking_with_the_approval_approving_completes(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("passed", passed=12))
    audit(golden, True, [{"severity": "critical", "message": "the form posts over http"}])
    gate(golden, "blocked", True, ["critical: the form posts over http"])
    golden.fake("self._request_approval", returns=True)
    rig.run(phase())


def test_quality_gate_blocking_without_issues_and_the_approval_denying(
    golden: Recorder, rig: AttemptRig
) -> None:
    builds(rig)
    rig.apply(True, "APPLIED")
    ci(golden, ci_result("passed", passed=12))
    audit(golden, True)
    gate(golden, "blocked", True)
    golden.fake("self._request_approval", returns=False)
    rig.run(phase())


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
