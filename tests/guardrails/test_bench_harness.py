"""The harness benchmark runs end to end (each harness scenario matches its golden) and prints its
ratio line; no timing is asserted, since figures depend on the machine's load."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_harness.py"


def test_smallest_run_prints_every_figure_and_the_ratio_line() -> None:
    tiny = ["--pairs", "1", "--modules", "1", "--values", "1", "--warmups", "0", "--loops", "1"]
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "-q", *tiny], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"ratio harness/mock: \d+\.\d\dx", lines[-1]), lines[-1]
    assert any(line.startswith("harness (record + render") for line in lines)
    assert any(line.startswith("unittest.mock assertions:") for line in lines)
    assert any(line.startswith("freezegun start+stop: median") for line in lines)


def test_bad_pair_count_is_refused_with_the_value() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--pairs", "0"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "--pairs and --modules must be >= 1, got 0" in proc.stderr
