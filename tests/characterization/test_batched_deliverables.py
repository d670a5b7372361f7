"""Characterization of the one batching loop `run_batches` and the shared loop built on it
(`_execute_batched_deliverables_phase`).

The loop builds a phase's deliverables batch by batch: a scope limited to the batch, one Builder
call, the deliverables check and a governed apply with the apply roots. On a retry a batch whose
files all exist and are non-empty is skipped and its `git diff --no-color -- <paths>` taken as its
part of the combined patch. After the batches: CI, the Auditor, the quality gate, and an approval
request when the gate blocks. Every collaborator is a fake; the workspace files are real.

The scenarios after the shared loop's call `run_batches` directly with the research phases' own
`BatchLoop`s (`batched_research_tracer_bullet.LOOP`: compile check, outside-scope note;
`batched_research_gatherers_web_compilation.LOOP`: sources check; both: bucket names, a batch
record through the real `write_research_batch_record`, the whole-workspace `git diff`), so that
this seam executes every branch of the loop and its helpers; two variants of those loops that no
phase uses (both checks; the retry skip with a batch record) pin the order of the loop's steps.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MethodType
from typing import Any

import pytest
from _batched_support import (
    GATE_BLOCKED,
    applied,
    apply_failed,
    builder_failed,
    builder_ok,
    deliverables_missing,
    deliverables_ok,
    echo_batches,
    script_after_batches,
    script_batch_collaborators,
    write_files,
)

from autopack.executor.phase_handlers import batched_research_gatherers_web_compilation as gatherers
from autopack.executor.phase_handlers import batched_research_tracer_bullet as tracer_bullet
from autopack.executor.phase_handlers import research_batching
from autopack.executor.phase_handlers.batch_wording import SHARED_WORDING, research_wording
from autopack.executor.phase_handlers.batched_deliverables import BatchLoop, run_batches
from autopack.llm_types import AuditorResult, BuilderResult
from golden_harness import Recorder, Seam, harvested_test

GOLDEN_SEAM = Seam(
    "batched_deliverables",
    covers=[
        "autopack.executor.phase_handlers.batched_deliverables:execute",
        "autopack.executor.phase_handlers.batched_deliverables:run_batches",
        "autopack.executor.phase_handlers.batched_deliverables:compile_errors",
        "autopack.executor.phase_handlers.batched_deliverables:uncited_documents",
        "autopack.executor.phase_handlers.batched_deliverables:workspace_diff",
        "autopack.executor.phase_handlers.batched_deliverables:BatchLoop.__post_init__",
        "autopack.autonomous_executor:AutonomousExecutor._execute_batched_deliverables_phase",
        "autopack.executor.phase_handlers.batched_deliverables:SOURCES_HEADING",
        "autopack.executor.phase_handlers.batched_deliverables:INVALID",
        "autopack.executor.phase_handlers.batch_wording:SHARED_WORDING",
    ],
)

CODE = "src/autopack/diagnostics/probe.py"
TEST = "tests/autopack/diagnostics/test_probe.py"
DOC = "docs/autopack/probe.md"
ROOTS = ("src/autopack/diagnostics/", "tests/autopack/diagnostics/", "docs/autopack/")
APPLY_ROOTS = ("src/autopack/", "tests/autopack/diagnostics/", "docs/autopack/")


def phase_of(*deliverables: str, **extra: Any) -> dict[str, Any]:
    return {"phase_id": "diag-probe", "deliverables": list(deliverables), **extra}


def run_loop(
    golden: Recorder,
    make_executor: Any,
    phase: dict[str, Any],
    batches: list[list[str]],
    *,
    attempt_index: int = 0,
    **attrs: Any,
) -> None:
    executor = make_executor(real=["_execute_batched_deliverables_phase"], **attrs)
    golden.call(
        executor._execute_batched_deliverables_phase,
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=["src/autopack/diagnostics/"],
        batches=batches,
        batching_label="diagnostics_probe",
        manifest_allowed_roots=ROOTS,
        apply_allowed_roots=APPLY_ROOTS,
    )


def test_first_attempt_builds_every_batch_and_completes(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CODE, tokens=120), builder_ok(TEST, DOC, tokens=80)],
        reports=[deliverables_ok(CODE), deliverables_ok(TEST, DOC)],
        applies=[applied(CODE), applied(TEST, DOC)],
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE, TEST, DOC), [[CODE], [TEST, DOC]])


def test_builder_call_carries_the_phase_context_and_last_five_hints(golden, make_executor):
    phase = phase_of(
        CODE,
        scope={"paths": ["src/"], "read_only_context": ["README.md"]},
        _escalated_tokens=16000,
        _revision_epoch=2,
        _doctor_hint="keep the probe small",
    )
    script_batch_collaborators(
        golden, builder=[builder_ok(CODE)], reports=[deliverables_ok(CODE)], applies=[applied(CODE)]
    )
    script_after_batches(golden)
    hints = [f"hint {n}" for n in range(1, 8)]
    run_loop(golden, make_executor, phase, [[CODE]], attempt_index=2, _learning_hints=hints)


def test_retry_skips_a_batch_whose_files_all_exist_and_takes_its_git_diff(golden, make_executor):
    write_files(golden, {CODE: "def probe():\n    return 1\n"})
    golden.subprocess(
        ["git", "diff", "--no-color", "--", CODE], stdout="diff --git a/probe.py b/probe.py\n"
    )
    script_batch_collaborators(
        golden, builder=[builder_ok(DOC)], reports=[deliverables_ok(DOC)], applies=[applied(DOC)]
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE, DOC), [[CODE], [DOC]], attempt_index=1)


def test_retry_skip_of_a_batch_of_several_files_names_every_file(golden, make_executor):
    write_files(
        golden, {CODE: "def probe():\n    return 1\n", TEST: "def test_probe():\n    pass\n"}
    )
    golden.subprocess(
        ["git", "diff", "--no-color", "--", CODE, TEST],
        stdout="diff --git a/probe.py b/probe.py\ndiff --git a/test_probe.py b/test_probe.py\n",
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE, TEST), [[CODE, TEST]], attempt_index=1)


def test_retry_skip_takes_the_output_of_a_git_diff_that_exits_nonzero(golden, make_executor):
    write_files(golden, {CODE: "def probe():\n    return 1\n"})
    golden.subprocess(
        ["git", "diff", "--no-color", "--", CODE],
        returncode=128,
        stderr="fatal: not a git repository (or any of the parent directories): .git\n",
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE), [[CODE]], attempt_index=1)


def test_retry_rebuilds_a_batch_with_an_empty_file(golden, make_executor):
    write_files(golden, {CODE: "x = 1\n", TEST: ""})
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CODE, TEST)],
        reports=[deliverables_ok(CODE, TEST)],
        applies=[applied(CODE, TEST)],
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE, TEST), [[CODE, TEST]], attempt_index=1)


def test_retry_counts_a_one_byte_file_as_present(golden, make_executor):
    write_files(golden, {DOC: "\n"})
    golden.subprocess(["git", "diff", "--no-color", "--", DOC], stdout="+\n")
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(DOC), [[DOC]], attempt_index=1)


def test_retry_rebuilds_a_batch_with_a_missing_file(golden, make_executor):
    write_files(golden, {CODE: "x = 1\n"})
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CODE, DOC)],
        reports=[deliverables_ok(CODE, DOC)],
        applies=[applied(CODE, DOC)],
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE, DOC), [[CODE, DOC]], attempt_index=1)


def test_retry_with_every_batch_present_builds_nothing_and_drops_empty_diffs(golden, make_executor):
    write_files(golden, {CODE: "x = 1\n", DOC: "# Probe\n"})
    golden.subprocess(["git", "diff", "--no-color", "--", CODE], stdout="")
    golden.subprocess(["git", "diff", "--no-color", "--", DOC], stdout="+# Probe\n")
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE, DOC), [[CODE], [DOC]], attempt_index=1)


def test_first_attempt_rebuilds_files_that_already_exist(golden, make_executor):
    write_files(golden, {CODE: "x = 1\n"})
    script_batch_collaborators(
        golden, builder=[builder_ok(CODE)], reports=[deliverables_ok(CODE)], applies=[applied(CODE)]
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(CODE), [[CODE]], attempt_index=0)


def test_retry_builds_an_empty_batch_instead_of_diffing_the_whole_workspace(golden, make_executor):
    script_batch_collaborators(
        golden, builder=[builder_ok()], reports=[deliverables_ok()], applies=[applied()]
    )
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(), [[]], attempt_index=1)


def test_no_batches_goes_straight_to_ci_auditor_and_gate(golden, make_executor):
    script_after_batches(golden)
    run_loop(golden, make_executor, phase_of(), [])


def test_builder_failure_in_a_later_batch_stops_with_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CODE), builder_failed("model returned no patch")],
        reports=[deliverables_ok(CODE)],
        applies=[applied(CODE)],
    )
    run_loop(golden, make_executor, phase_of(CODE, DOC), [[CODE], [DOC]])


def test_missing_deliverables_stop_with_validation_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(TEST)],
        reports=[deliverables_missing([DOC, CODE], provided=[TEST])],
    )
    run_loop(golden, make_executor, phase_of(CODE, TEST, DOC), [[CODE, TEST, DOC]])


def test_refused_apply_stops_with_patch_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CODE), builder_ok(DOC)],
        reports=[deliverables_ok(CODE), deliverables_ok(DOC)],
        applies=[
            applied(CODE),
            apply_failed("docs/autopack/probe.md is outside the allowed paths"),
        ],
    )
    run_loop(golden, make_executor, phase_of(CODE, DOC), [[CODE], [DOC]])


@pytest.mark.parametrize(
    ("approval", "auditor"),
    [
        pytest.param(False, AuditorResult(approved=False, issues=[]), id="approval_denied"),
        pytest.param(
            True,
            AuditorResult(approved=False, issues=[{"severity": "major", "message": "no tests"}]),
            id="approval_granted",
        ),
    ],
)
def test_blocked_quality_gate_asks_for_approval(golden, make_executor, approval, auditor):
    script_batch_collaborators(
        golden, builder=[builder_ok(CODE)], reports=[deliverables_ok(CODE)], applies=[applied(CODE)]
    )
    script_after_batches(
        golden,
        ci={"status": "failed", "passed": False, "tests_run": 3, "tests_failed": 1},
        auditor=auditor,
        gate=GATE_BLOCKED,
        approval=approval,
    )
    run_loop(golden, make_executor, phase_of(CODE), [[CODE]])


# `run_batches` with the research phases' loops.

RESEARCH_PHASE = "research-probe"
CORE = "src/autopack/research/tracer_bullet/core.py"
SUPPORT = "src/autopack/research/util.py"
GATHERER = "src/autopack/research/gatherers/web.py"
STANDALONE = "src/research/lib.py"
RESEARCH_TEST = "tests/research/test_core.py"
REPORT = "docs/research/report.md"
NOTES = "docs/research/notes.md"
WORKSPACE_DIFF = "diff --git a/src/research/lib.py b/src/research/lib.py\n"


def research_phase(*deliverables: str, **extra: Any) -> dict[str, Any]:
    return {"phase_id": RESEARCH_PHASE, "deliverables": list(deliverables), **extra}


def run_research_loop(
    golden: Recorder,
    make_executor: Any,
    loop: BatchLoop,
    batches: list[tuple[str | None, list[str]]],
    *,
    attempt_index: int = 0,
    allowed_paths: list[str] | None = None,
) -> None:
    """Call `run_batches` as a method of the executor, so the golden shows the executor's
    bookkeeping changes as `self` (as for the shared loop's scenarios)."""
    executor = make_executor(real=[])
    deliverables = [path for _, files in batches for path in files]
    golden.call(
        MethodType(run_batches, executor),
        phase=research_phase(*deliverables),
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
        batches=batches,
        loop=loop,
    )


def test_compile_check_applies_python_that_compiles_and_writes_the_batch_record(
    golden, make_executor
):
    builder = iter([builder_ok(CORE, tokens=150), builder_ok(NOTES, tokens=None)])

    def slow_builder(**kwargs: Any) -> Any:
        golden.tick(1.234)
        return next(builder)

    script_batch_collaborators(
        golden,
        builder=[],
        reports=[deliverables_ok(CORE), deliverables_ok(NOTES)],
        contents=[{CORE: "VALUE = 1\n"}, {NOTES: "# Notes without sources\n"}],
        applies=[applied(CORE), applied(NOTES)],
    )
    golden.fake("llm_service.execute_builder_phase", side_effect=slow_builder)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_research_loop(
        golden,
        make_executor,
        tracer_bullet.LOOP,
        [("tracer_bullet_core", [CORE]), ("research_docs", [NOTES])],
    )


@pytest.mark.parametrize(
    "allowed_paths",
    [
        pytest.param(
            ["src/autopack/research/", "README.md", "src/autopack/", "docs/research/"],
            id="some_outside",
        ),
        pytest.param(["src/research/", "docs/research/notes.md"], id="all_inside"),
        pytest.param(None, id="none"),
    ],
)
def test_outside_scope_wording_names_scope_paths_outside_the_apply_roots(
    golden, make_executor, allowed_paths
):
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_research_loop(
        golden,
        make_executor,
        tracer_bullet.LOOP,
        [("research_standalone", [STANDALONE])],
        allowed_paths=None if allowed_paths is None else list(allowed_paths),
    )


def test_compile_check_stops_at_python_that_does_not_compile_and_records_it(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, tokens=120), builder_ok(SUPPORT, STANDALONE, tokens=80)],
        reports=[deliverables_ok(CORE), deliverables_ok(SUPPORT, STANDALONE)],
        contents=[
            {CORE: "VALUE = 1\n"},
            {
                SUPPORT: "def broken(:\n    pass\n",
                NOTES: "not python (\n",
                STANDALONE: "VALUE = 2\n",
                "src/research/extra.py": "x = 1\nreturn = 2\n",
            },
        ],
        applies=[applied(CORE)],
    )
    run_research_loop(
        golden,
        make_executor,
        tracer_bullet.LOOP,
        [("tracer_bullet_core", [CORE]), ("research_support", [SUPPORT, STANDALONE])],
    )


def test_sources_check_reports_uncited_documents_to_the_record_and_the_gate(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER, tokens=60), builder_ok(REPORT, NOTES, tokens=90)],
        reports=[deliverables_ok(GATHERER), deliverables_ok(REPORT, NOTES)],
        contents=[
            {GATHERER: "def broken(:\n"},
            {
                REPORT: "# Report\n\nSee the Sources below.\n",
                NOTES: "# Notes\n\n## Sources\n- a\n",
                "docs/research/appendix.md": "# Appendix\n",
                "docs/research/data.txt": "no heading\n",
                "docs/guide.md": "# Guide without sources\n",
            },
        ],
        applies=[applied(GATHERER), applied(REPORT, NOTES, "docs/research/appendix.md")],
    )
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(
        golden,
        auditor=AuditorResult(approved=True, issues=[{"severity": "minor", "message": "typo"}]),
    )
    run_research_loop(
        golden,
        make_executor,
        gatherers.LOOP,
        [("gatherers", [GATHERER]), ("research_docs", [REPORT, NOTES])],
    )


def test_builder_failure_records_the_failed_batch_with_its_tokens(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER, tokens=70), builder_failed("model refused", tokens=30)],
        reports=[deliverables_ok(GATHERER)],
        contents=[{GATHERER: "VALUE = 1\n"}],
        applies=[applied(GATHERER)],
    )
    run_research_loop(
        golden,
        make_executor,
        gatherers.LOOP,
        [("gatherers", [GATHERER]), ("research_tests", [RESEARCH_TEST])],
    )


def test_missing_deliverables_record_the_failed_batch(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, tokens=90)],
        reports=[deliverables_missing([RESEARCH_TEST], provided=[CORE])],
    )
    run_research_loop(
        golden, make_executor, tracer_bullet.LOOP, [("all_deliverables", [CORE, RESEARCH_TEST])]
    )


def test_refused_apply_records_the_failed_batch(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(REPORT, tokens=40)],
        reports=[deliverables_ok(REPORT)],
        contents=[{REPORT: "# Report\n\n## Sources\n- a\n"}],
        applies=[apply_failed("docs/research/report.md is protected")],
    )
    run_research_loop(golden, make_executor, gatherers.LOOP, [("research_docs", [REPORT])])


def test_research_retry_builds_present_files_again(golden, make_executor):
    write_files(golden, {CORE: "VALUE = 1\n"})
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_research_loop(
        golden, make_executor, tracer_bullet.LOOP, [("tracer_bullet_core", [CORE])], attempt_index=1
    )


def test_unreadable_workspace_diff_gives_an_empty_combined_patch(golden, make_executor):
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], raises=OSError("git: command not found"))
    script_after_batches(golden)
    run_research_loop(
        golden, make_executor, gatherers.LOOP, [("research_standalone", [STANDALONE])]
    )


def test_compile_check_without_the_wording_of_a_compile_failure_is_refused(golden):
    golden.call(
        BatchLoop,
        label="diagnostics_probe",
        manifest_roots=research_batching.RESEARCH_ROOTS,
        apply_roots=research_batching.RESEARCH_ROOTS,
        wording=SHARED_WORDING,
        compile_check=True,
    )


def test_missing_deliverables_stop_the_batch_before_the_compile_check_reads_the_patch(
    golden, make_executor
):
    # A real new-file patch of Python that does not compile: the real `new_file_contents` would
    # give it to the compile check, but the missing deliverable stops the batch first.
    patch = f"--- /dev/null\n+++ b/{CORE}\n@@ -0,0 +1 @@\n+def broken(:\n"
    script_batch_collaborators(
        golden,
        builder=[BuilderResult(success=True, patch_content=patch, tokens_used=90)],
        reports=[deliverables_missing([RESEARCH_TEST], provided=[CORE])],
    )
    run_research_loop(
        golden, make_executor, tracer_bullet.LOOP, [("all_deliverables", [CORE, RESEARCH_TEST])]
    )


# Variants of the research loops that no phase uses yet, for how the loop orders its steps.

BOTH_CHECKS = research_batching.research_loop(
    "research_probe",
    research_wording(
        "Research probe", uncited="Research probe {phase_id}: {path} has no Sources section"
    ),
    compile_check=True,
    sources_check=True,
)


def test_with_both_checks_python_that_does_not_compile_stops_the_batch_before_the_sources_check(
    golden, make_executor
):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(SUPPORT, NOTES, tokens=50)],
        reports=[deliverables_ok(SUPPORT, NOTES)],
        contents=[{SUPPORT: "def broken(:\n", NOTES: "# Notes without sources\n"}],
    )
    run_research_loop(golden, make_executor, BOTH_CHECKS, [("research_support", [SUPPORT, NOTES])])


def test_with_both_checks_documents_of_python_that_compiles_are_checked_for_sources(
    golden, make_executor
):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(SUPPORT, NOTES, tokens=50)],
        reports=[deliverables_ok(SUPPORT, NOTES)],
        contents=[{SUPPORT: "VALUE = 1\n", NOTES: "# Notes without sources\n"}],
        applies=[applied(SUPPORT, NOTES)],
    )
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_research_loop(golden, make_executor, BOTH_CHECKS, [("research_support", [SUPPORT, NOTES])])


def test_retry_skip_with_a_batch_record_logs_the_batch_then_skips_it_unrecorded(
    golden, make_executor
):
    write_files(golden, {CORE: "VALUE = 1\n"})
    golden.subprocess(
        ["git", "diff", "--no-color", "--", CORE], stdout="diff --git a/core.py b/core.py\n"
    )
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_research_loop(
        golden,
        make_executor,
        dataclasses.replace(tracer_bullet.LOOP, skip_present_on_retry=True),
        [("tracer_bullet_core", [CORE]), ("research_docs", [NOTES])],
        attempt_index=1,
    )


# Scenarios harvested from a real run (`autopack run ... --record-scenarios`), replayed as goldens.
test_harvested = harvested_test(Path(__file__).parent / "harvested" / GOLDEN_SEAM.name)
