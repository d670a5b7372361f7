"""What the harness pins for a scenario besides frozen time: process ids, the time zone, local
time functions freezegun leaves real, ``time.sleep``, ``uuid1``, ``os.urandom`` and the umask.

:class:`Pins` builds the replacements (the recorder swaps them in by identity, so
``from os import getpid`` is covered too) and holds the process-wide settings (``TZ``, umask)
while a scenario runs:

* ``os.getpid()`` is 4242 and ``os.getppid()`` 4241 in the scenario's threads;
* ``TZ`` is ``UTC`` (and ``time.tzset()`` called), so ``time.localtime``, ``strftime``,
  ``mktime``, ``datetime.fromtimestamp`` and ``astimezone()`` read UTC whatever the machine's
  zone; ``time.ctime()`` and ``time.asctime()`` without an argument read the frozen clock;
* ``time.sleep(s)`` in the scenario's threads moves the frozen clock by ``s`` instead of waiting
  (real sleep when time is not frozen, and in threads the scenario did not start);
* ``uuid.uuid1()`` is built from the frozen clock, a fixed node and a seeded clock sequence, without
  asking the system (the standard library may start ``ip link`` to find the node);
* ``os.urandom`` (so ``secrets`` and ``random.SystemRandom``) draws from a seeded generator in the
  scenario's threads;
* the umask is ``022``, so the mode of a file the seam creates does not depend on the machine.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["PINNED_PID", "PINNED_PPID", "Pins", "ScenarioThreads", "pinned_umask"]

PINNED_PID = 4242
PINNED_PPID = 4241
PINNED_NODE = 0x02_00_00_00_42_42  # a locally administered, multicast-free node id
_UMASK = 0o022


class ScenarioThreads:
    """The threads whose calls the pins answer: the scenario's own and those it started."""

    def __init__(self) -> None:
        self.idents: set[int] = set()

    def add_current(self) -> None:
        """Count the calling thread as one of the scenario's."""
        self.idents.add(threading.get_ident())

    def __contains__(self, ident: object) -> bool:
        return ident in self.idents

    def current(self) -> bool:
        """Whether the calling thread is one of the scenario's."""
        return threading.get_ident() in self.idents


class Pins:
    """The replacements of one scenario; ``clock()`` gives the frozen clock or None."""

    def __init__(self, seed: int, threads: ScenarioThreads, clock: Callable[[], Any]) -> None:
        self._threads = threads
        self._clock = clock
        self._bytes = random.Random(f"{seed}/urandom")
        self._clock_seq = random.Random(f"{seed}/uuid1").getrandbits(14)
        self._last_uuid1 = 0
        self._saved_tz: tuple[str | None] | None = None
        self._real_sleep = time.sleep
        self._real_getpid = os.getpid
        self._real_getppid = os.getppid
        self._real_urandom = os.urandom
        self._real_ctime = time.ctime
        self._real_asctime = time.asctime

    def replacements(self) -> list[tuple[Any, Any]]:
        """``(original, replacement)`` pairs for the identity patcher."""
        return [
            (os.getpid, self.getpid),
            (os.getppid, self.getppid),
            (os.urandom, self.urandom),
            (time.sleep, self.sleep),
            (time.ctime, self.ctime),
            (time.asctime, self.asctime),
            (uuid.uuid1, self.uuid1),
            (uuid.getnode, self.getnode),
        ]

    # -- the replacements ----------------------------------------------------------------------
    def getpid(self) -> int:
        return PINNED_PID if self._threads.current() else self._real_getpid()

    def getppid(self) -> int:
        return PINNED_PPID if self._threads.current() else self._real_getppid()

    def urandom(self, size: int) -> bytes:
        if not self._threads.current():
            return self._real_urandom(size)
        if size < 0:
            raise ValueError("negative argument not allowed")
        return self._bytes.randbytes(size)

    def sleep(self, seconds: float) -> None:
        clock = self._clock()
        if clock is None or not self._threads.current():
            self._real_sleep(seconds)
            return
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        clock.tick(dt.timedelta(seconds=seconds))

    def ctime(self, seconds: float | None = None) -> str:
        return self._real_ctime(time.time() if seconds is None else seconds)

    def asctime(self, moment: Any = None) -> str:
        return self._real_asctime(time.localtime() if moment is None else moment)

    def getnode(self) -> int:
        return PINNED_NODE

    def uuid1(self, node: int | None = None, clock_seq: int | None = None) -> uuid.UUID:
        """A version-1 UUID of the current (frozen) time; successive ones stay distinct."""
        stamp = time.time_ns() // 100 + 0x01B21DD213814000
        stamp = max(stamp, self._last_uuid1 + 1)
        self._last_uuid1 = stamp
        seq = self._clock_seq if clock_seq is None else clock_seq
        low, mid, high = stamp & 0xFFFFFFFF, (stamp >> 32) & 0xFFFF, (stamp >> 48) & 0x0FFF
        return uuid.UUID(
            fields=(
                low,
                mid,
                high,
                (seq >> 8) & 0x3F,
                seq & 0xFF,
                PINNED_NODE if node is None else node,
            ),
            version=1,
        )

    # -- process-wide settings -----------------------------------------------------------------
    def pin_zone(self) -> None:
        """Set ``TZ=UTC`` for the scenario (the earlier value is restored by :meth:`unpin_zone`)."""
        if self._saved_tz is None:
            self._saved_tz = (os.environ.get("TZ"),)
            os.environ["TZ"] = "UTC"
            time.tzset()

    def unpin_zone(self) -> None:
        if self._saved_tz is not None:
            (previous,) = self._saved_tz
            self._saved_tz = None
            if previous is None:
                os.environ.pop("TZ", None)
            else:
                os.environ["TZ"] = previous
            time.tzset()


class pinned_umask:
    """Set the umask to ``022`` inside the block."""

    def __enter__(self) -> None:
        self._saved = os.umask(_UMASK)

    def __exit__(self, *exc: object) -> None:
        os.umask(self._saved)
