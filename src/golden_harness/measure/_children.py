"""Child processes for ``golden strength``'s runs: forked, limited, waited for, and killed.

Each child is forked from this process and is a process group of its own, dies with its parent
(Linux), writes its output to a log file, and may use a given processor time (``RLIMIT_CPU``:
unlike wall-clock time, it does not grow when other work slows the machine down); one that waits
without computing is stopped after a wall-clock limit. When a child ends, what it started and
left behind is killed with its group; when the parent stops (an error, SIGINT, SIGTERM), every
running child's process group is killed and waited for. POSIX only (``os.fork``).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import os
import resource
import select
import shutil
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["INTERNAL", "Outcome", "run_children"]

INTERNAL = 3
"""Exit code of a child that could not do its run (its log file says why)."""
_POLL = 0.005
_OUT_OF_TIME = {-signal.SIGXCPU, -signal.SIGKILL}
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Outcome:
    """How a child ended: its exit code (None: stopped for its processor or wall-clock time),
    and the wall-clock and processor seconds it took."""

    code: int | None
    wall: float
    cpu: float


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _fork(log: Path, cpu_limit: float, prepare: Callable[[], None], body: Callable[[], int]) -> int:
    pid = os.fork()
    if pid:
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        return pid
    code = INTERNAL
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent()
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        seconds = max(1, math.ceil(cpu_limit))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        prepare()
        code = body()
    except BaseException:
        with contextlib.suppress(Exception):
            traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _nothing(index: int) -> None:
    """No preparation of child ``index``."""


def _pidfd(pid: int) -> int | None:
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


_Running = dict[int, tuple[int, float, float, int | None]]
"""pid -> (index, start, wall-clock limit, pidfd)."""


def _wait(running: _Running) -> None:
    """Block until a running child may have ended or reached its wall-clock limit."""
    now = time.monotonic()
    timeout = max(0.0, min(started + limit - now for _, started, limit, _ in running.values()))
    fds = [fd for _, _, _, fd in running.values() if fd is not None]
    if len(fds) == len(running):
        select.select(fds, [], [], timeout + 0.01)
    else:
        time.sleep(min(_POLL, timeout))


def _ended(pid: int) -> bool:
    """Whether the child has ended, without reaping it (its pid stays its own meanwhile)."""
    waitid = getattr(os, "waitid", None)
    if waitid is None:
        return True  # reaped below; a group left behind may then outlive it
    return waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def run_children(
    bodies: list[Callable[[], int]],
    cpu_limits: list[float],
    work: Path,
    *,
    parallel: int,
    prepare: Callable[[int], None] | None = None,
    wall_limit: float | None = None,
    done: Callable[[int, Outcome], None] | None = None,
    name: str = "run",
) -> list[Outcome]:
    """Run one child per body (its return value is the exit code), ``parallel`` at a time; each
    child's outcome, in order.

    Child ``i`` writes its output to ``work/<name>-i.log``, calls ``prepare(i)`` first, and may use
    ``cpu_limits[i]`` processor seconds; ``wall_limit`` (default: ten times that, at least 60 s)
    stops a child that waits without computing. ``done(i, outcome)`` is called as each ends;
    ``work/<name>-tmp-i`` is removed then (a folder the child may use)."""
    outcomes: list[Outcome | None] = [None] * len(bodies)
    pending = deque(range(len(bodies)))
    running: _Running = {}
    try:
        while pending or running:
            while pending and len(running) < parallel:
                index = pending.popleft()
                pid = _fork(
                    work / f"{name}-{index}.log",
                    cpu_limits[index],
                    functools.partial(prepare or _nothing, index),
                    bodies[index],
                )
                limit = wall_limit or max(60.0, 10 * cpu_limits[index])
                running[pid] = (index, time.monotonic(), limit, _pidfd(pid))
            _wait(running)
            for pid, (index, started, limit, fd) in list(running.items()):
                elapsed = time.monotonic() - started
                if not _ended(pid) and elapsed <= limit:
                    continue
                _kill_group(pid)  # what it started and left behind; on its wall limit, itself
                _, status, usage = os.wait4(pid, 0)
                code: int | None = os.waitstatus_to_exitcode(status)
                if code in _OUT_OF_TIME:
                    code = None
                if fd is not None:
                    os.close(fd)
                del running[pid]
                shutil.rmtree(work / f"{name}-tmp-{index}", ignore_errors=True)
                outcome = Outcome(code, elapsed, usage.ru_utime + usage.ru_stime)
                outcomes[index] = outcome
                if done is not None:
                    done(index, outcome)
    finally:
        for pid, (_, _, _, fd) in running.items():
            _kill_group(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            if fd is not None:
                os.close(fd)
    return [o if o is not None else Outcome(INTERNAL, 0.0, 0.0) for o in outcomes]
