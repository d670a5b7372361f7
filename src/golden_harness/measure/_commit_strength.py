"""``golden review --strength``: the mutation score of one commit's own lines.

``golden strength --since <parent> --json FILE`` runs in a subprocess on the commit's worktree
(a fresh interpreter: each commit's modules have the same names, so two commits cannot be
imported into one process), and its outcome is read back from the JSON file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from golden_harness.exceptions import GoldenHarnessError
from golden_harness.measure._shards import read_run
from golden_harness.measure._strength_report import render_strength, strength_summary
from golden_harness.moves import with_fixed_hashing

__all__ = ["strength_of_commit"]


def strength_of_commit(
    tree: Path, parent: str, tests: str
) -> tuple[str, tuple[str, ...], dict[str, Any] | None, str | None]:
    """Measure the commit checked out at ``tree`` on the lines it changed since ``parent``: its
    summary, its printed lines, its JSON document, and the error (None when it ran)."""
    with tempfile.TemporaryDirectory(prefix="golden-review-strength-") as tmp:
        target = Path(tmp) / "strength.json"
        command = [
            sys.executable, "-m", "golden_harness.cli", "--root", str(tree), "strength",
            "--tests", tests, "--since", parent, "--json", str(target),
        ]  # fmt: skip
        done = subprocess.run(
            command, capture_output=True, text=True, check=False,
            env=with_fixed_hashing(os.environ), cwd=tree,
        )  # fmt: skip
        if not target.is_file():
            tail = (done.stdout + done.stderr).strip().splitlines()[-12:]
            return "could not run", (), None, "\n".join(tail) or f"exit code {done.returncode}"
        try:
            run = read_run(target)
        except GoldenHarnessError as error:
            return "could not run", (), None, str(error)
        document = json.loads(target.read_text(encoding="utf-8"))
        for seam in document["seams"]:
            seam.pop("seconds", None)
        document.pop("seconds", None)
        lines = tuple(render_strength(run, timings=False)) if run.seams else ()
        return strength_summary(run.seams), lines, document, None
