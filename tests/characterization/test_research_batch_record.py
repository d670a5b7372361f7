"""Characterization of `_write_research_batch_record`: the JSON record of a research phase's batches.

The seam writes `<workspace>/.autonomous_runs/<run id>/research/<phase id>.json` (indented JSON and
a newline): the phase id, the batching label and the batch records, with the `extra` fields merged
last (they may replace the first ones). A folder that cannot be created or a file that cannot be
written stops the run (RunStorageError, recorded as "run stopped"). The file is recorded as the
workspace change it is.
"""

from __future__ import annotations

from typing import Any

import pytest
from _storage_support import call_until_stopped

from autopack.autonomous_executor import AutonomousExecutor
from golden_harness import Recorder, Seam

GOLDEN_SEAM = Seam(
    "research_batch_record",
    covers=[
        "autopack.executor.phase_handlers.research_batch_record:write_research_batch_record",
        "autopack.autonomous_executor:AutonomousExecutor._write_research_batch_record",
    ],
)


def batches() -> list[dict[str, Any]]:
    """Fresh batch records as the research handlers collect them."""
    return [
        {"batch": 1, "files": ["docs/research/plan.md"], "status": "APPLIED"},
        {"batch": 2, "files": ["docs/research/café.md"], "status": "PATCH_FAILED", "tokens": 812},
    ]


@pytest.fixture
def executor(make_executor: Any) -> AutonomousExecutor:
    return make_executor(real=["_write_research_batch_record"])


def test_record_is_written_under_the_run_folder(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    golden.call(
        executor._write_research_batch_record,
        "research-tracer-bullet",
        "research_tracer_bullet",
        batches(),
    )


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"deliverables": ["docs/research/plan.md"], "ok": True}, id="added_fields"),
        pytest.param({"batching": "override", "phase_id": "other"}, id="replaced_fields"),
        pytest.param({}, id="empty_extra"),
    ],
)
def test_extra_fields_are_merged_last(
    golden: Recorder, executor: AutonomousExecutor, extra: dict[str, Any]
) -> None:
    golden.call(
        executor._write_research_batch_record,
        "research-gatherers-web-compilation",
        "research_gatherers_web_compilation",
        batches(),
        extra=dict(extra),
    )


def test_an_earlier_record_is_replaced(golden: Recorder, executor: AutonomousExecutor) -> None:
    target = golden.workspace / ".autonomous_runs" / "run-char" / "research" / "p1.json"
    target.parent.mkdir(parents=True)
    target.write_text('{"phase_id": "p1", "batching": "old", "batches": []}\n', encoding="utf-8")
    golden.call(executor._write_research_batch_record, "p1", "research_tracer_bullet", [])


def test_unwritable_run_folder_stops_the_run(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    (golden.workspace / ".autonomous_runs").write_text("not a folder\n", encoding="utf-8")
    call_until_stopped(
        golden, executor._write_research_batch_record, "p1", "research_tracer_bullet", batches()
    )


def test_unwritable_record_file_stops_the_run(
    golden: Recorder, executor: AutonomousExecutor
) -> None:
    (golden.workspace / ".autonomous_runs" / "run-char" / "research" / "p1.json").mkdir(
        parents=True
    )
    call_until_stopped(
        golden, executor._write_research_batch_record, "p1", "research_tracer_bullet", batches()
    )
