"""Failure hardening: recognises known failure patterns and mitigates them without a new attempt."""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

MODULE_NOT_FOUND_RE = re.compile(r"No module named '([A-Za-z0-9_.]+)'")


@dataclass
class HardeningResult:
    """A recognised pattern and whether it was mitigated (with the actions taken)."""

    pattern_id: str
    mitigated: bool
    actions: list[str] = field(default_factory=list)


def _missing_init(error_text: str, workspace: Path) -> HardeningResult | None:
    match = MODULE_NOT_FOUND_RE.search(error_text)
    if not match:
        return None
    parts = match.group(1).split(".")
    actions: list[str] = []
    for root in (workspace / "src", workspace):
        for depth in range(1, len(parts) + 1):
            package = root.joinpath(*parts[:depth])
            init = package / "__init__.py"
            if package.is_dir() and not init.exists():
                init.write_text("")
                actions.append(f"created {init.relative_to(workspace).as_posix()}")
        if actions:
            return HardeningResult("missing_init_py", True, actions)
    return HardeningResult("missing_init_py", False, [])


def _stale_bytecode(error_text: str, workspace: Path) -> HardeningResult | None:
    if "bad magic number" not in error_text.lower():
        return None
    actions: list[str] = []
    for cache in sorted(workspace.rglob("__pycache__")):
        if ".git" in cache.parts or ".autonomous_runs" in cache.parts:
            continue
        shutil.rmtree(cache)
        actions.append(f"removed {cache.relative_to(workspace).as_posix()}")
    return HardeningResult("stale_bytecode", bool(actions), actions)


DETECTORS = (_missing_init, _stale_bytecode)


def detect_and_mitigate_failure(error_text: str, context: dict[str, Any]) -> HardeningResult | None:
    """Return the first known pattern in `error_text`, mitigated in `context["workspace"]` if possible.

    None when no pattern matches. A matched but unmitigated pattern is returned with `mitigated` False.
    """
    workspace = Path(context["workspace"])
    for detector in DETECTORS:
        result = detector(error_text or "", workspace)
        if result is not None:
            logger.info(
                "Failure pattern %s (mitigated=%s): %s",
                result.pattern_id,
                result.mitigated,
                "; ".join(result.actions) or "no action",
            )
            return result
    return None
