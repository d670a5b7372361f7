"""Stopping a ``golden`` command cleanly: signals become an exception, children die with it.

``SIGTERM`` (and ``SIGHUP``) would end Python at once, skipping every ``finally``: the pytest
runs of ``verify-move`` and ``review --verify`` would go on, and their temporary worktrees would
stay registered in the repository. Inside :func:`interruptible` both signals raise
:class:`CommandInterrupted`, a ``KeyboardInterrupt`` like the one ``SIGINT`` raises, so the same
clean-up runs for all three: the worktree context removes its worktree, and the code that waits
for a child calls :func:`stop_process`, which kills the child's whole process group (pytest and
the xdist workers it started: see ``start_pytest``'s ``start_new_session``).

A run killed by ``SIGKILL`` cleans nothing; the next one does (see
``moves._git.remove_stale_worktrees``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

__all__ = ["CommandInterrupted", "interruptible", "process_is_gone", "stop_process"]

_CAUGHT = (signal.SIGTERM, signal.SIGHUP)


class CommandInterrupted(KeyboardInterrupt):
    """The command received ``SIGTERM`` or ``SIGHUP``; ``signal`` says which."""

    def __init__(self, number: int) -> None:
        self.signal = number
        super().__init__(f"stopped by {signal.Signals(number).name}")


def _raise(number: int, frame: FrameType | None) -> None:
    raise CommandInterrupted(number)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, ``SIGTERM`` and ``SIGHUP`` raise :class:`CommandInterrupted` (``SIGINT``
    raises ``KeyboardInterrupt`` as always). Outside the main thread it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {number: signal.signal(number, _raise) for number in _CAUGHT}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def stop_process(process: subprocess.Popen[Any]) -> None:
    """Kill ``process`` and every process of its group, then reap it.

    A child started with ``start_new_session=True`` leads its own group, so its children (xdist
    workers) die with it, even when it has already ended. Any other child is killed alone.
    """
    own_group = False
    with contextlib.suppress(OSError):
        own_group = os.getpgid(process.pid) == process.pid
    if own_group:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()
    process.wait()


def process_is_gone(pid: int) -> bool:
    """Whether no process ``pid`` runs any more (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False
