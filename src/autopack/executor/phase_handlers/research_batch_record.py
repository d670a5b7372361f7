"""The batch record of the research phases: their batches as JSON under the run folder, best effort.

The file is `<workspace>/.autonomous_runs/<run_id>/research/<phase_id>.json`. Reads from the executor:
`workspace` and `run_id`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

logger = logging.getLogger(__name__)


def write_research_batch_record(
    executor,
    phase_id: str,
    label: str,
    batch_records: list[dict[str, Any]],
    *,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write the batch records of a research phase as JSON under the run folder (best effort)."""
    # Local: executor modules may not import `autopack.db.session` at module level.
    from autopack.db.session import RUNS_DIRNAME

    target = executor.workspace / RUNS_DIRNAME / executor.run_id / "research" / f"{phase_id}.json"
    payload = {"phase_id": phase_id, "batching": label, "batches": batch_records}
    if extra:
        payload.update(extra)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        logger.warning("Could not write research batch record for %s: %s", phase_id, exc)
