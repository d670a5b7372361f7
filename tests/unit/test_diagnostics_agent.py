"""Diagnostics agent on a real git workspace."""

from __future__ import annotations

import json
from pathlib import Path

from autopack.diagnostics import DiagnosticsAgent


def test_collects_git_status_and_writes_a_report(git_repo: Path) -> None:
    (git_repo / "README.md").write_text("changed\n")
    (git_repo / "src").mkdir()
    (git_repo / "src/new.py").write_text("x\n")
    (git_repo / ".autonomous_runs").mkdir()
    (git_repo / ".autonomous_runs/db").write_text("x\n")
    outcome = DiagnosticsAgent(git_repo, "run-1").run_diagnostics(
        phase_id="p1", failure_class="ci_fail", context={"attempt_index": 1, "error": "E"}
    )
    assert outcome.modified_files == ["README.md"]
    assert outcome.untracked_files == ["src/new.py"]
    # attempt_index 1 is the second attempt: summaries and file names count attempts from 1
    assert outcome.summary == "ci_fail in p1 (attempt 2): 1 modified, 1 untracked file(s)"
    assert outcome.report_path == ".autonomous_runs/run-1/diagnostics/p1-attempt2.json"
    report = json.loads((git_repo / outcome.report_path).read_text())
    assert report["context"] == {"attempt_index": 1, "error": "E"}
    assert report["untracked_files"] == ["src/new.py"]
