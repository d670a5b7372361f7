"""Runs one attempt of a phase through the executor's recovery path, timing it."""

from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)


def run_single_attempt_with_recovery(
    executor: Any, *, phase: dict[str, Any], attempt_index: int, allowed_paths: list[str] | None
) -> tuple[bool, str]:
    """Call `executor._execute_phase_with_recovery` once and log how the attempt ended."""
    started = time.monotonic()
    ok, status = executor._execute_phase_with_recovery(
        phase, attempt_index=attempt_index, allowed_paths=allowed_paths
    )
    elapsed = time.monotonic() - started
    logger.info(
        "Attempt %d of phase %s ended: ok=%s status=%s (%.2fs)",
        attempt_index,
        phase.get("phase_id"),
        ok,
        status,
        elapsed,
    )
    return ok, status
