"""End to end: each phase's line is printed as the phase ends, not when the run ends."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ._support import autopack_command, db_rows, new_repo, write_plan

# The second phase's CI waits until the test releases it (at most 30 s), then records that it ended.
WAITING_CI = (
    "import pathlib, sys, time\n"
    "release, done = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])\n"
    "deadline = time.monotonic() + 30\n"
    "while not release.exists() and time.monotonic() < deadline:\n"
    "    time.sleep(0.05)\n"
    "done.write_text('ended')\n"
)


def phase(phase_id: str, path: str, ci: dict) -> dict:
    patch = f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1 @@\n+{path}\n"
    return {
        "phase_id": phase_id,
        "scope": {"paths": ["src/"]},
        "ci": ci,
        "replay": {"builder": [{"patch": patch}]},
    }


def test_a_phase_line_is_printed_while_later_phases_still_run(tmp_path: Path) -> None:
    workspace = new_repo(tmp_path / "ws")
    release, done = tmp_path / "release", tmp_path / "done"
    ci = {"command": [sys.executable, "-c", WAITING_CI, str(release), str(done)]}
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "progress",
            "phases": [
                phase("first", "src/one.txt", {"skip": True}),
                phase("second", "src/two.txt", ci),
            ],
        },
    )
    proc = subprocess.Popen(
        [*autopack_command(), "run", str(plan), "--workspace", str(workspace)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        header = proc.stdout.readline()
        assert header == f"Run progress: 2 phase(s), workspace {workspace}\n"
        first = proc.stdout.readline()
        # The second phase's CI is still waiting: the first line came as the first phase ended.
        assert not done.exists(), "the first phase's line came only after the second phase ran"
        assert re.fullmatch(r"  first\s+COMPLETE\s+attempts=1\n", first), first
    finally:
        release.write_text("go")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert re.match(r"  second\s+COMPLETE\s+attempts=1\n", out)
    assert out.splitlines()[-1].startswith("Result: COMPLETE (2/2 phases complete)")


def test_attempt_numbers_read_the_same_in_output_logs_files_and_errors(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path / "plan.yaml",
        {
            "run_id": "numbers",
            "phases": [
                {
                    "phase_id": "never",
                    "ci": {"skip": True},
                    "scope": {"paths": ["src/"]},
                    "replay": {"builder": []},
                }
            ],
        },
    )
    workspace = tmp_path / "ws"
    proc = subprocess.run(
        [*autopack_command(), "run", str(plan), "--workspace", str(workspace), "--init"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"never\s+FAILED\s+attempts=5", proc.stdout)
    # The five attempts are numbered 1 to 5 in every log line, also in the replayed errors quoted.
    failed = [int(n) for n in re.findall(r"Phase never attempt (\d+) failed", proc.stderr)]
    assert failed == [1, 2, 3, 4]
    builder_lines = [line for line in proc.stderr.splitlines() if "Builder failed" in line]
    numbers = {int(n) for line in builder_lines for n in re.findall(r"attempt (\d+)", line)}
    assert numbers == {1, 2, 3, 4, 5}
    reports = workspace / ".autonomous_runs/numbers/diagnostics"
    assert sorted(p.name for p in reports.iterdir()) == [
        f"never-attempt{n}.json" for n in range(1, 6)
    ]
    for index, message in db_rows(
        workspace / ".autonomous_runs/autopack.db",
        "SELECT attempt_index, message FROM phase_errors",
    ):
        assert f"attempt {index + 1} " in message, (index, message)
