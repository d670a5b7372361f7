"""Running a command in a process group of its own, stopped as a whole.

A CI command is often a shell, or a tool, that starts processes of its own (a test server, workers).
`run_in_own_group` starts the command in a new session, so that it and everything it starts form
one process group, and when the wait for it ends early (its timeout expired, or the run was
stopped by a signal) it kills the whole group, not only the process it started.

The command runs through `subprocess.run` (so that whatever observes `subprocess.run`, such as a
scenario harvest, sees it). `subprocess.run` kills only the process it started; that process
reports its pid, which is also its group's id, through a pipe before it starts the command, and
the rest of the group is killed with that id.
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
    """`subprocess.run(argv, capture_output=True, timeout=timeout, check=False, **options)` in a
    new session; when it raises (TimeoutExpired, OSError, a KeyboardInterrupt while waiting),
    whatever is left of the command's process group is killed first."""
    group = _GroupId()
    try:
        return subprocess.run(
            argv,
            capture_output=True,
            timeout=timeout,
            check=False,
            start_new_session=True,
            preexec_fn=group.report,
            **options,
        )
    except BaseException:
        group.kill()
        raise
    finally:
        group.close()


class _GroupId:
    """The id of the command's process group, reported by the command's process through a pipe."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)

    def report(self) -> None:
        """Runs in the new process, after it started its session and before the command."""
        os.write(self._write, str(os.getpid()).encode("ascii"))

    def kill(self) -> None:
        """SIGKILL every process left in the group (nothing when no process reported its id)."""
        os.close(self._write)
        self._write = -1
        try:
            reported = os.read(self._read, 32)
        except BlockingIOError:
            return
        if not reported.isdigit() or int(reported) <= 0:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(int(reported), signal.SIGKILL)

    def close(self) -> None:
        for fd in (self._read, self._write):
            if fd >= 0:
                os.close(fd)
