"""Batched special phases: the shared deliverables loop, the diagnostics buckets, research loops."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

SKIP_CI = {"skip": True}

CODE = "src/autopack/diagnostics/probe.py"
TEST = "tests/autopack/diagnostics/test_probe.py"
DOC = "docs/autopack/probe.md"


def batch_responses(new_file_patch, paths: list[str]) -> list[dict]:
    return [{"patch": new_file_patch(path, f"# {path}\n")} for path in paths]


def special(phase_id: str, deliverables: list[str], builder: list, **extra) -> dict:
    return {
        "phase_id": phase_id,
        "deliverables": deliverables,
        "ci": SKIP_CI,
        "replay": {"builder": builder},
        **extra,
    }


def run(executor, p: dict, index: int = 0):
    return executor._execute_phase_with_recovery(p, attempt_index=index, allowed_paths=None)


@pytest.mark.parametrize(
    ("phase_id", "deliverables", "batches"),
    [
        ("diagnostics-deep-retrieval", [DOC, TEST, CODE], [[CODE], [TEST], [DOC]]),
        ("diagnostics-iteration-loop", [CODE, DOC], [[CODE], [DOC]]),
        ("diagnostics-second-opinion-triage", [TEST], [[TEST]]),
        (
            "diagnostics-handoff-bundle",
            ["src/autopack/cli/handoff.py", CODE, "src/autopack/bundle.py", DOC],
            [[CODE, "src/autopack/bundle.py"], ["src/autopack/cli/handoff.py"], [DOC]],
        ),
        (
            "diagnostics-cursor-prompt",
            ["src/autopack/dashboard/panel.py", CODE, TEST],
            [[CODE], ["src/autopack/dashboard/panel.py"], [TEST]],
        ),
        ("diagnostics-deep-retrieval", ["README.txt"], [["README.txt"]]),
    ],
)
def test_diagnostics_buckets(
    make_executor,
    fakes,
    new_file_patch,
    git_repo: Path,
    phase_id: str,
    deliverables: list[str],
    batches: list[list[str]],
) -> None:
    order = [path for batch in batches for path in batch]
    responses = [
        {"patch": "".join(new_file_patch(path, f"# {path}\n") for path in batch)}
        for batch in batches
    ]
    p = special(phase_id, deliverables, [responses])
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    result = run(executor, p)
    calls = executor.llm_service.builder_calls
    assert [c["phase_spec"]["deliverables"] for c in calls] == batches
    assert [c["phase_spec"]["scope"]["paths"] for c in calls] == batches
    assert [c["run_context"]["batch"]["index"] for c in calls] == list(range(1, len(batches) + 1))
    if deliverables == ["README.txt"]:
        assert result == (False, "PATCH_FAILED")
        assert "outside the allowed scope ['README.txt']" in executor._last_error_by_phase[phase_id]
    else:
        assert result == (True, "COMPLETE")
        assert all((git_repo / path).exists() for path in order)


def test_unbucketed_deliverables_are_dropped_when_a_bucket_is_used(
    make_executor, fakes, new_file_patch
) -> None:
    p = special(
        "diagnostics-deep-retrieval",
        [CODE, "elsewhere/x.py"],
        [batch_responses(new_file_patch, [CODE])],
    )
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert run(executor, p) == (True, "COMPLETE")
    assert [c["phase_spec"]["deliverables"] for c in executor.llm_service.builder_calls] == [[CODE]]


def test_retry_skips_batches_already_present_and_takes_their_diff(
    make_executor, fakes, new_file_patch, git_repo: Path
) -> None:
    builder = [
        [*batch_responses(new_file_patch, [CODE]), {"error": "second batch failed"}],
        batch_responses(new_file_patch, [TEST, DOC]),
    ]
    p = special("diagnostics-deep-retrieval", [CODE, TEST, DOC], builder)
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert run(executor, p, 0) == (False, "FAILED")
    assert executor._last_error_by_phase[p["phase_id"]] == (
        "batch 2/3 (diagnostics_deep_retrieval): second batch failed"
    )
    assert run(executor, p, 1) == (True, "COMPLETE")
    retry_calls = executor.llm_service.builder_calls[2:]
    assert [c["phase_spec"]["deliverables"] for c in retry_calls] == [[TEST], [DOC]]


def test_batch_deliverables_and_apply_failures(make_executor, new_file_patch) -> None:
    missing = special(
        "diagnostics-iteration-loop", [CODE], [[{"patch": new_file_patch(TEST, "x\n")}]]
    )
    outside = special(
        "diagnostics-second-opinion-triage",
        [CODE],
        [[{"patch": new_file_patch(CODE, "x\n") + new_file_patch("src/other.py", "y\n")}]],
    )
    executor = make_executor([missing, outside])
    assert run(executor, missing) == (False, "DELIVERABLES_VALIDATION_FAILED")
    assert run(executor, outside) == (False, "PATCH_FAILED")


def test_batched_gate_blocks_without_approval(make_executor, new_file_patch) -> None:
    p = special("diagnostics-iteration-loop", [CODE], [batch_responses(new_file_patch, [CODE])])
    p["replay"]["auditor"] = [{"approved": False}]
    executor = make_executor([p])
    assert run(executor, p) == (False, "BLOCKED")


RESEARCH = [
    "src/autopack/research/tracer_bullet/core.py",
    "src/autopack/research/util.py",
    "src/research/lib.py",
    "tests/research/test_core.py",
    "docs/research/notes.md",
]


def capture_auditor_patches(executor) -> list[str]:
    """Make the Auditor approve everything and collect the patches it is shown."""
    from autopack.llm_types import AuditorResult

    patches: list[str] = []

    def review(**kwargs) -> AuditorResult:
        patches.append(kwargs["patch_content"])
        return AuditorResult(approved=True)

    executor.llm_service.execute_auditor_review = review
    return patches


def test_tracer_bullet_batches_and_record(
    make_executor, fakes, new_file_patch, git_repo: Path
) -> None:
    p = special(
        "research-tracer-bullet",
        list(reversed(RESEARCH)),
        [batch_responses(new_file_patch, RESEARCH)],
    )
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert run(executor, p) == (True, "COMPLETE")
    assert [c["phase_spec"]["deliverables"] for c in executor.llm_service.builder_calls] == [
        [path] for path in RESEARCH
    ]
    record = json.loads(
        (git_repo / ".autonomous_runs/run-1/research/research-tracer-bullet.json").read_text()
    )
    assert [b["bucket"] for b in record["batches"]] == [
        "tracer_bullet_core",
        "research_support",
        "research_standalone",
        "research_tests",
        "research_docs",
    ]
    assert {b["status"] for b in record["batches"]} == {"applied"}


def test_tracer_bullet_combined_patch_is_the_workspace_diff(
    make_executor, new_file_patch, git_repo: Path
) -> None:
    (git_repo / "README.md").write_text("edited before the phase\n")
    p = special(
        "research-tracer-bullet", [RESEARCH[0]], [batch_responses(new_file_patch, [RESEARCH[0]])]
    )
    executor = make_executor([p])
    patches = capture_auditor_patches(executor)
    assert run(executor, p) == (True, "COMPLETE")
    expected = subprocess.run(
        ["git", "diff", "--no-color"], cwd=git_repo, capture_output=True, text=True, check=True
    ).stdout
    assert patches == [expected]
    assert "+edited before the phase" in expected


def test_tracer_bullet_rebuilds_every_batch_on_retry_and_checks_syntax(
    make_executor, fakes, new_file_patch
) -> None:
    core = RESEARCH[0]
    builder = [
        [{"patch": new_file_patch(core, "def broken(:\n")}],
        [{"patch": new_file_patch(core, "x = 1\n")}],
    ]
    p = special("research-tracer-bullet", [core], builder)
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert run(executor, p, 0) == (False, "DELIVERABLES_VALIDATION_FAILED")
    assert "does not compile" in executor._last_error_by_phase[p["phase_id"]]
    assert run(executor, p, 1) == (True, "COMPLETE")
    assert len(executor.llm_service.builder_calls) == 2


def test_gatherers_buckets_and_uncited_documents(
    make_executor, fakes, new_file_patch, git_repo: Path
) -> None:
    files = [
        "src/autopack/research/gatherers/web.py",
        "src/autopack/research/compilation/merge.py",
        "docs/research/report.md",
    ]
    p = special(
        "research-gatherers-web-compilation", files, [batch_responses(new_file_patch, files)]
    )
    executor = make_executor([p])
    executor.llm_service = fakes.RecordingLlm(executor.llm_service)
    assert run(executor, p) == (True, "COMPLETE")
    record = json.loads(
        (
            git_repo / ".autonomous_runs/run-1/research/research-gatherers-web-compilation.json"
        ).read_text()
    )
    assert [b["bucket"] for b in record["batches"]] == [
        "gatherers",
        "web_compilation",
        "research_docs",
    ]
    assert record["uncited_documents"] == ["docs/research/report.md"]


def test_research_failures_stop_at_the_failing_batch(make_executor, new_file_patch) -> None:
    files = ["src/autopack/research/gatherers/web.py", "src/research/lib.py"]
    p = special(
        "research-gatherers-web-compilation",
        files,
        [[{"patch": new_file_patch(files[0], "x\n")}, {"error": "nope"}]],
    )
    executor = make_executor([p])
    assert run(executor, p) == (False, "FAILED")
    assert (
        executor._last_error_by_phase[p["phase_id"]]
        == "research batch 2/2 (research_standalone): nope"
    )
