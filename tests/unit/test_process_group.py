"""Running a command in its own process group: output as subprocess.run gives it, and the whole
group killed when the wait ends early."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from autopack.process_group import run_in_own_group


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_output_and_exit_code_as_subprocess_run_gives_them(tmp_path: Path) -> None:
    done = run_in_own_group("echo out; echo err >&2; exit 3", shell=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")


def test_the_command_leads_a_process_group_of_its_own() -> None:
    done = run_in_own_group(
        ["python3", "-c", "import os; print(os.getpgid(0) == os.getpid())"], text=True, timeout=30
    )
    assert done.stdout == "True\n"


def test_a_timeout_kills_the_processes_the_command_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_own_group(f"sleep 60 & echo $! > {pid_file}; wait", shell=True, text=True, timeout=1)
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while alive(child):
        assert time.monotonic() < deadline, "the background child survived the timeout"
        time.sleep(0.05)


def test_a_command_that_cannot_start_raises_oserror() -> None:
    with pytest.raises(NotADirectoryError):
        run_in_own_group([os.devnull + "/not-a-program"], timeout=5)
