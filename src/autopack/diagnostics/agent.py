"""Diagnostics agent: gathers workspace evidence about a failure and writes it to the run folder."""

from __future__ import annotations

import logging
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autopack.git_commands import run_git
from autopack.run_files import write_run_json

logger = logging.getLogger(__name__)


@dataclass
class DiagnosticsOutcome:
    """What the diagnostics run found: a one-line summary and the evidence behind it."""

    failure_class: str
    summary: str
    untracked_files: list[str] = field(default_factory=list)
    modified_files: list[str] = field(default_factory=list)
    report_path: str | None = None


class DiagnosticsAgent:
    """Reads `git status --porcelain` of the workspace and records a report per failed attempt."""

    def __init__(self, workspace: Path, run_id: str) -> None:
        self.workspace = Path(workspace)
        self.run_id = run_id

    def _git_status(self) -> tuple[list[str], list[str]]:
        proc = run_git(self.workspace, "status", "--porcelain", "--untracked-files=all")
        untracked: list[str] = []
        modified: list[str] = []
        for line in proc.stdout.splitlines():
            code, path = line[:2], line[3:]
            if path.startswith(".autonomous_runs/"):
                continue
            (untracked if code == "??" else modified).append(path)
        return untracked, modified

    def run_diagnostics(
        self, *, phase_id: str, failure_class: str, context: dict[str, Any]
    ) -> DiagnosticsOutcome:
        """Collect evidence for a failure of `phase_id` and write it as JSON under the run folder."""
        try:
            untracked, modified = self._git_status()
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("Diagnostics could not read git status: %s", exc)
            untracked, modified = [], []
        attempt = int(context.get("attempt_index", 0)) + 1  # attempts are counted from 1
        summary = (
            f"{failure_class} in {phase_id} (attempt {attempt}): {len(modified)} modified, "
            f"{len(untracked)} untracked file(s)"
        )
        outcome = DiagnosticsOutcome(failure_class, summary, untracked, modified)
        report_dir = self.workspace / ".autonomous_runs" / self.run_id / "diagnostics"
        report = report_dir / f"{phase_id}-attempt{attempt}.json"
        outcome.report_path = report.relative_to(self.workspace).as_posix()
        payload = {**asdict(outcome), "context": context}
        write_run_json(report, payload, sort_keys=True, default=str)
        logger.info("Diagnostics for %s: %s", phase_id, summary)
        return outcome
