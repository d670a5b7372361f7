"""The batch record of the research phases: their batches as JSON under the run folder.

A write that fails raises RunStorageError (through `autopack.run_files`), which stops the run. The file is `<workspace>/.autonomous_runs/<run_id>/research/<phase_id>.json`. Reads from the executor:
`workspace` and `run_id`.
"""

from __future__ import annotations

from typing import Any

from autopack.run_files import write_run_json


def write_research_batch_record(
    executor,
    phase_id: str,
    label: str,
    batch_records: list[dict[str, Any]],
    *,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write the batch records of a research phase as JSON under the run folder."""
    # Local: executor modules may not import `autopack.db.session` at module level.
    from autopack.db.session import RUNS_DIRNAME

    target = executor.workspace / RUNS_DIRNAME / executor.run_id / "research" / f"{phase_id}.json"
    payload = {"phase_id": phase_id, "batching": label, "batches": batch_records}
    if extra:
        payload.update(extra)
    write_run_json(target, payload)
