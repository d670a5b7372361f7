"""Running a command in a process group of its own, stopped as a whole.

A CI command is often a shell, or a tool, that starts processes of its own (a test server, workers).
`run_in_own_group` starts the command in a new session, so that it and everything it starts form
one process group, and when the wait for it ends early (its timeout expired, or the run was
stopped by a signal) it kills the whole group, not only the process it started. Otherwise it
behaves as `subprocess.run(..., capture_output=True, check=False)`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Any


def run_in_own_group(
    argv: str | list[str], *, timeout: float, **options: Any
) -> subprocess.CompletedProcess[Any]:
    """Run `argv` in a new session with its output captured; return the finished process.

    `options` go to `subprocess.Popen` (`shell`, `cwd`, `env`, `text`). Raises
    `subprocess.TimeoutExpired` (with the output so far) after `timeout` seconds, and OSError
    when the command cannot start, as `subprocess.run` does; in both early ends, and when the
    wait is interrupted (KeyboardInterrupt), the command's whole process group is killed first.
    """
    with subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **options,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            process.wait()
            raise
        except BaseException:
            kill_group(process)
            raise
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL the process group `process` leads; only `process` when it leads none."""
    pid = process.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if pid > 0 and os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGKILL)
            return
    process.kill()
