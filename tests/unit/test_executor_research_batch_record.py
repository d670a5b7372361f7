"""The research phases' batch record: the JSON file and the executor's thin wrapper."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from autopack.exceptions import RunStorageError
from autopack.executor.phase_handlers import research_batch_record


def test_record_is_written_under_the_run_folder_with_extra_fields_last(tmp_path: Path) -> None:
    executor = SimpleNamespace(workspace=tmp_path, run_id="run-1")
    batches = [{"index": 1, "status": "applied"}]

    research_batch_record.write_research_batch_record(
        executor, "research-x", "label-x", batches, extra={"batching": "override", "more": [1]}
    )

    target = tmp_path / ".autonomous_runs" / "run-1" / "research" / "research-x.json"
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == {
        "phase_id": "research-x",
        "batching": "override",
        "batches": batches,
        "more": [1],
    }


def test_unwritable_folder_stops_the_run_naming_the_record(tmp_path: Path) -> None:
    (tmp_path / ".autonomous_runs").write_text("a file where the folder should be")
    executor = SimpleNamespace(workspace=tmp_path, run_id="run-1")

    with pytest.raises(RunStorageError) as info:
        research_batch_record.write_research_batch_record(executor, "research-x", "label", [])

    assert info.value.path == str(tmp_path / ".autonomous_runs/run-1/research/research-x.json")
