"""Characterization of the research gatherers / web-compilation handler.

`_execute_research_gatherers_web_compilation_batched` sorts deliverables into buckets (gatherers,
web compilation, other `src/autopack/research/` code, `src/research/`, tests, docs), drops empty
buckets (one `all_deliverables` batch when none applies) and runs the one batching loop
(`run_batches`, owned by the `batched_deliverables` seam) with its own settings: a Builder call,
the deliverables check, a look for compiled research documents (`docs/research/*.md`)
without a `Sources` heading, and a governed apply per batch, with no retry skip. It writes its
batch records, with the uncited documents, to `.autonomous_runs/<run_id>/research/<phase_id>.json`
(the real `_write_research_batch_record`, so the golden shows the file), takes the whole-workspace
`git diff` as the combined patch, then runs CI, the Auditor (each uncited document adds a minor
issue for the quality gate), the quality gate and, when blocked, the approval.
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
    "batched_research_gatherers_web_compilation",
    covers=[
        "autopack.executor.phase_handlers.batched_research_gatherers_web_compilation:execute",
        "autopack.executor.phase_handlers.research_batching:run_research_phase",
        "autopack.executor.phase_handlers.buckets:sort_into_buckets",
        "autopack.executor.phase_handlers.buckets:phase_deliverables",
        "autopack.executor.phase_handlers.buckets:Bucket.holds",
        "autopack.autonomous_executor:AutonomousExecutor._execute_research_gatherers_web_compilation_batched",
        "autopack.executor.phase_handlers.batched_research_gatherers_web_compilation:GATHERERS_PREFIX",
        "autopack.executor.phase_handlers.batched_research_gatherers_web_compilation:COMPILATION_PREFIX",
        "autopack.executor.phase_handlers.batched_research_gatherers_web_compilation:BUCKETS",
        "autopack.executor.phase_handlers.batched_research_gatherers_web_compilation:LOOP",
    ],
)

METHOD = "_execute_research_gatherers_web_compilation_batched"
GATHERER = "src/autopack/research/gatherers/web.py"
GATHERER_2 = "src/autopack/research/gatherers/feeds.py"
GATHERER_3 = "src/autopack/research/gatherers/rss.py"
COMPILATION = "src/autopack/research/compilation/merge.py"
SUPPORT = "src/autopack/research/util.py"
STANDALONE = "src/research/lib.py"
TEST = "tests/research/test_web.py"
DOC = "docs/research/report.md"
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
    return {
        "phase_id": "research-gatherers-web-compilation",
        "deliverables": list(deliverables),
        **extra,
    }


@pytest.mark.parametrize(
    "phase",
    [
        pytest.param(
            phase_of(DOC, STANDALONE, TEST, SUPPORT, COMPILATION, GATHERER, GATHERER_2),
            id="every_bucket_filled",
        ),
        pytest.param(phase_of(TEST, COMPILATION), id="some_buckets_empty"),
        pytest.param({"phase_id": "research-gatherers-web-compilation"}, id="no_deliverables"),
        pytest.param(
            phase_of("README.md", "src/autopack/research_old.py", "docs/notes.md"),
            id="every_path_outside_the_buckets",
        ),
        pytest.param(
            phase_of("scripts/run.py", GATHERER, "docs/other.md"),
            id="outside_paths_beside_a_bucket",
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


def test_scope_paths_are_not_consulted(golden, make_executor):
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    allowed_paths = ["src/autopack/research/", "README.md"]
    run_handler(golden, make_executor, phase_of(STANDALONE), allowed_paths=allowed_paths)


def test_builder_call_carries_the_phase_context_and_last_five_hints(golden, make_executor):
    phase = phase_of(
        GATHERER,
        scope={"paths": ["src/"], "read_only_context": ["README.md"]},
        _escalated_tokens=16000,
        _revision_epoch=3,
        _doctor_hint="cite every source",
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
    run_handler(golden, make_executor, phase_of(GATHERER))


def test_batches_without_a_token_count_add_nothing_to_the_total(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER, tokens=None), builder_ok(TEST, tokens=40)],
        reports=[deliverables_ok(GATHERER), deliverables_ok(TEST)],
        contents=[{GATHERER: "VALUE = 1\n"}, {TEST: "VALUE = 2\n"}],
        applies=[applied(GATHERER), applied(TEST)],
    )
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(GATHERER, TEST))


def test_retry_builds_every_batch_again_even_when_its_files_exist(golden, make_executor):
    write_files(golden, {GATHERER: "VALUE = 1\n", TEST: "def test_web():\n    pass\n"})
    echo_batches(golden, contents=True)
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(golden)
    run_handler(golden, make_executor, phase_of(GATHERER, TEST), attempt_index=1)


def test_builder_failure_in_a_later_batch_records_both_batches(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER, tokens=150), builder_failed("model refused", tokens=None)],
        reports=[deliverables_ok(GATHERER)],
        contents=[{GATHERER: "VALUE = 1\n"}],
        applies=[applied(GATHERER)],
    )
    run_handler(golden, make_executor, phase_of(GATHERER, TEST))


def test_missing_deliverables_stop_with_validation_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER, tokens=90)],
        reports=[deliverables_missing([GATHERER_2], provided=[GATHERER])],
    )
    run_handler(golden, make_executor, phase_of(GATHERER, GATHERER_2))


def test_several_missing_deliverables_are_listed_together(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER, tokens=90)],
        reports=[deliverables_missing([GATHERER_2, GATHERER_3], provided=[GATHERER])],
    )
    run_handler(golden, make_executor, phase_of(GATHERER, GATHERER_2, GATHERER_3))


def test_compiled_documents_without_sources_are_reported_to_the_quality_gate(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(STANDALONE, "docs/research/notes.md"), builder_ok(DOC)],
        reports=[deliverables_ok(STANDALONE), deliverables_ok(DOC)],
        contents=[
            {
                STANDALONE: "VALUE = 1\n",
                "docs/research/notes.md": "# Notes\n\nSee the Sources below.\n",
                "docs/research/cited.md": "# Cited\n\n### Sources\n- a\n",
                "docs/research/data.txt": "no heading\n",
                "docs/guide.md": "# Guide without sources\n",
            },
            {DOC: "# Report\n\nSourcesless.\n", "docs/research/appendix.md": "#Sources\n"},
        ],
        applies=[applied(STANDALONE, "docs/research/notes.md"), applied(DOC)],
    )
    golden.subprocess(["git", "diff", "--no-color"], stdout=WORKSPACE_DIFF)
    script_after_batches(
        golden,
        auditor=AuditorResult(approved=True, issues=[{"severity": "minor", "message": "typo"}]),
    )
    run_handler(golden, make_executor, phase_of(STANDALONE, DOC))


def test_refused_apply_in_a_later_batch_stops_with_patch_failed(golden, make_executor):
    script_batch_collaborators(
        golden,
        builder=[builder_ok(GATHERER), builder_ok(DOC)],
        reports=[deliverables_ok(GATHERER), deliverables_ok(DOC)],
        contents=[{GATHERER: "VALUE = 1\n"}, {DOC: "# Report\n"}],
        applies=[applied(GATHERER), apply_failed("docs/research/report.md is protected")],
    )
    run_handler(golden, make_executor, phase_of(GATHERER, DOC))


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
    run_handler(golden, make_executor, phase_of(GATHERER))
