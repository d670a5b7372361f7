"""Characterization of the research tracer-bullet handler (`_execute_research_tracer_bullet_batched`).

The handler sorts deliverables into buckets (tracer-bullet core, other `src/autopack/research/`
code, `src/research/`, tests, docs), drops empty buckets (one `all_deliverables` batch when none
applies) and runs the one batching loop (`run_batches`, owned by the `batched_deliverables` seam) with
its own settings: a Builder call, the deliverables check, a compile check of
the Python files the patch creates and a governed apply per batch, with no retry skip. It writes
its batch records to `.autonomous_runs/<run_id>/research/<phase_id>.json` (the real
`_write_research_batch_record`, so the golden shows the file), takes the whole-workspace `git diff`
as the combined patch, then runs CI, the Auditor, the quality gate and, when blocked, the approval.
"""

from __future__ import annotations

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

from autopack.llm_types import AuditorResult
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "batched_research_tracer_bullet",
    covers=[
        "autopack.executor.phase_handlers.batched_research_tracer_bullet:execute",
        "autopack.executor.phase_handlers.research_batching:run_research_phase",
        "autopack.executor.phase_handlers.buckets:sort_into_buckets",
        "autopack.executor.phase_handlers.buckets:phase_deliverables",
        "autopack.executor.phase_handlers.buckets:Bucket.holds",
        "autopack.autonomous_executor:AutonomousExecutor._execute_research_tracer_bullet_batched",
        "autopack.executor.phase_handlers.batched_research_tracer_bullet:CORE_PREFIX",
        "autopack.executor.phase_handlers.batched_research_tracer_bullet:BUCKETS",
        "autopack.executor.phase_handlers.batched_research_tracer_bullet:LOOP",
        # The roots and buckets both research phases share, named once: their mutants also run
        # the gatherers seam, which covers run_research_phase in the same file.
        "autopack.executor.phase_handlers.research_batching:RESEARCH_ROOTS",
        "autopack.executor.phase_handlers.research_batching:STANDALONE",
        "autopack.executor.phase_handlers.research_batching:TESTS",
        "autopack.executor.phase_handlers.research_batching:DOCS",
    ],
)

METHOD = "_execute_research_tracer_bullet_batched"
CORE = "src/autopack/research/tracer_bullet/core.py"
PIPELINE = "src/autopack/research/tracer_bullet/pipeline.py"
REPORT = "src/autopack/research/tracer_bullet/report.py"
SUPPORT = "src/autopack/research/util.py"
STANDALONE = "src/research/lib.py"
TEST = "tests/research/test_core.py"
DOC = "docs/research/notes.md"
WORKSPACE_DIFF = "diff --git a/src/research/lib.py b/src/research/lib.py\n"


def run_handler(
    golden: Recorder,
    make_executor: Any,
    phase: dict[str, Any],
    *,
    attempt_index: int = 0,
    allowed_paths: list[str] | None = None,
    **attrs: Any,
) -> None:
    executor = make_executor(real=[METHOD, "_write_research_batch_record"], **attrs)
    golden.call(
        getattr(executor, METHOD),
        phase=phase,
        attempt_index=attempt_index,
        allowed_paths=allowed_paths,
    )


def phase_of(*deliverables: Any, **extra: Any) -> dict[str, Any]:
    return {"phase_id": "research-tracer-bullet", "deliverables": list(deliverables), **extra}


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param(
            phase_of(DOC, STANDALONE, TEST, SUPPORT, CORE, PIPELINE), id="every_bucket_filled"
        ),
        pytest.param(phase_of(TEST, CORE), id="some_buckets_empty"),
        pytest.param({"phase_id": "research-tracer-bullet"}, id="no_deliverables"),
        pytest.param(
            phase_of("README.md", "src/autopack/research_old.py", "docs/notes.md"),
            id="every_path_outside_the_buckets",
        ),
        pytest.param(
            phase_of("scripts/run.py", CORE, "docs/other.md"), id="outside_paths_beside_a_bucket"
        ),
        pytest.param(
            phase_of("", "  ", 7, None, STANDALONE), id="blank_and_non_string_beside_a_bucket"
        ),
        pytest.param(phase_of("", 7, None), id="only_blank_and_non_string_entries"),
    ],
)
def test_deliverables_are_built_bucket_by_bucket(golden, make_executor, phase):
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase)


@pytest.mark.parametrize(
    "allowed_paths",
    [
        pytest.param(["src/autopack/research/", "README.md", "src/autopack/"], id="some_outside"),
        pytest.param(["src/research/", "docs/research/"], id="all_inside"),
        pytest.param([], id="empty"),
    ],
)
def test_scope_paths_outside_the_research_roots_are_reported(golden, make_executor, allowed_paths):
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(STANDALONE), allowed_paths=allowed_paths)


def test_builder_call_carries_the_phase_context_and_last_five_hints(golden, make_executor):
    phase = phase_of(
        CORE,
        scope={"paths": ["src/"], "read_only_context": ["README.md"]},
        _escalated_tokens=16000,
        _revision_epoch=3,
        _doctor_hint="split the pipeline",
    )
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    hints = [f"hint {n}" for n in range(1, 8)]
    run_handler(golden, make_executor, phase, attempt_index=2, _learning_hints=hints)


def test_batch_duration_is_measured_on_the_monotonic_clock(golden, make_executor):
    echo_batches(golden, contents=True)

    def slow_builder(**kwargs: Any) -> Any:
        golden.tick(1.234)
        return builder_ok(*kwargs["phase_spec"]["deliverables"], tokens=40)

    golden.fake("llm_service.execute_builder_phase", side_effect=slow_builder)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(CORE))


def test_batches_without_a_token_count_add_nothing_to_the_total(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, tokens=None), builder_ok(TEST, tokens=40)],
        reports=[deliverables_ok(CORE), deliverables_ok(TEST)],
        contents=[{CORE: "VALUE = 1\n"}, {TEST: "VALUE = 2\n"}],
        applies=[applied(CORE), applied(TEST)],
    )
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(CORE, TEST))


def test_retry_builds_every_batch_again_even_when_its_files_exist(golden, make_executor):
    write_files(golden, {CORE: "VALUE = 1\n", TEST: "def test_core():\n    pass\n"})
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(CORE, TEST), attempt_index=1)


def test_builder_failure_in_a_later_batch_records_both_batches(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, tokens=150), builder_failed("model refused", tokens=None)],
        reports=[deliverables_ok(CORE)],
        contents=[{CORE: "VALUE = 1\n"}],
        applies=[applied(CORE)],
    )
    run_handler(golden, make_executor, phase_of(CORE, TEST))


def test_missing_deliverables_stop_with_validation_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, tokens=90)],
        reports=[deliverables_missing([PIPELINE], provided=[CORE])],
    )
    run_handler(golden, make_executor, phase_of(CORE, PIPELINE))


def test_several_missing_deliverables_are_listed_together(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, tokens=90)],
        reports=[deliverables_missing([PIPELINE, REPORT], provided=[CORE])],
    )
    run_handler(golden, make_executor, phase_of(CORE, PIPELINE, REPORT))


def test_python_that_does_not_compile_stops_with_validation_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE, PIPELINE, DOC)],
        reports=[deliverables_ok(CORE, PIPELINE)],
        contents=[
            {
                CORE: "def broken(:\n    pass\n",
                "docs/research/readme.md": "not python (\n",
                PIPELINE: "VALUE = 1\n",
                "src/autopack/research/tracer_bullet/extra.py": "return = 2\n",
            }
        ],
    )
    run_handler(golden, make_executor, phase_of(CORE, PIPELINE))


def test_refused_apply_in_a_later_batch_stops_with_patch_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(CORE), builder_ok(DOC)],
        reports=[deliverables_ok(CORE), deliverables_ok(DOC)],
        contents=[{CORE: "VALUE = 1\n"}, {DOC: "# Notes\n"}],
        applies=[applied(CORE), apply_failed("docs/research/notes.md is protected")],
    )
    run_handler(golden, make_executor, phase_of(CORE, DOC))


def test_unreadable_workspace_diff_gives_an_empty_combined_patch(golden, make_executor):
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], raises=OSError("git: command not found"))
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(STANDALONE))


def test_workspace_diff_that_exits_nonzero_is_taken_as_it_is(golden, make_executor):
    echo_batches(golden, contents=True)
    golden.subprocess(
        ["git", "diff", "--no-color"],
        returncode=128,
        stderr="fatal: not a git repository (or any of the parent directories): .git\n",
    )
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(STANDALONE))


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
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(
        golden,
        ci={"status": "failed", "passed": False, "tests_run": 2, "tests_failed": 1},
        auditor=auditor,
        gate=GATE_BLOCKED,
        approval=approval,
    )
    run_handler(golden, make_executor, phase_of(CORE))
