"""Threads a seam starts run one at a time, in the order it starts them, so its trace is the same
in every run.

While :class:`SerialThreads` is active (around ``golden.call``):

* ``ThreadPoolExecutor.submit`` hands the work to the pool as usual, then waits until it is done
  before returning, so submitted work runs in submission order, one task at a time, in the pool's
  own worker threads (thread names and thread-locals are real);
* ``threading.Thread.start`` starts the thread, then waits until it has finished;
* ``concurrent.futures.as_completed`` yields futures that are already done in the order they
  finished (the standard library yields them in the order of a set, which changes between runs).

Work that waits for something that happens only later (a queue consumer started before its
producer, a barrier, an event the starting thread sets afterwards) cannot finish first: after
``settle`` seconds (real time) the starting thread goes on, and that work runs concurrently, as
without the harness. Every thread started while active counts as one of the scenario's threads
(:class:`ScenarioThreads`), so the pins answer it too.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.thread as futures_thread
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from golden_harness.recording._pinned import ScenarioThreads

__all__ = ["SETTLE_SECONDS", "SerialThreads"]

SETTLE_SECONDS = 2.0
"""How long (real time) a start or submit waits for its work before letting it run alongside."""


class SerialThreads:
    """Patches ``ThreadPoolExecutor.submit`` and ``Thread.start`` (see the module docstring)."""

    def __init__(self, threads: ScenarioThreads, *, settle: float = SETTLE_SECONDS) -> None:
        self._threads = threads
        self._settle = settle
        self._local = threading.local()
        self._finished: dict[concurrent.futures.Future[Any], int] = {}
        self._saved: tuple[Any, Any] | None = None
        self.real_as_completed = concurrent.futures.as_completed

    def __enter__(self) -> SerialThreads:
        executor = futures_thread.ThreadPoolExecutor
        self._saved = (executor.submit, threading.Thread.start)
        submit, start = self._saved
        serial = self

        def serial_submit(pool: Any, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
            serial._local.in_submit = True
            try:
                future = submit(pool, fn, *args, **kwargs)
            finally:
                serial._local.in_submit = False
            serial._wait_for(future)
            return future

        def serial_start(thread: threading.Thread) -> None:
            run = thread.run

            def counted_run() -> None:
                serial._threads.add_current()
                run()

            thread.run = counted_run  # type: ignore[method-assign]
            start(thread)
            if not getattr(serial._local, "in_submit", False):
                thread.join(serial._settle)

        executor.submit = serial_submit  # type: ignore[method-assign]
        threading.Thread.start = serial_start  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            submit, start = self._saved
            futures_thread.ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
            threading.Thread.start = start  # type: ignore[method-assign]
            self._saved = None

    def _wait_for(self, future: concurrent.futures.Future[Any]) -> None:
        concurrent.futures.wait([future], timeout=self._settle)
        if future.done():
            self._finished.setdefault(future, len(self._finished))

    def as_completed(
        self, fs: Iterable[concurrent.futures.Future[Any]], timeout: float | None = None
    ) -> Iterator[concurrent.futures.Future[Any]]:
        """``as_completed`` with finished futures first, in the order they finished."""
        given = list(dict.fromkeys(fs))
        done = sorted((f for f in given if f in self._finished), key=lambda f: self._finished[f])
        yield from done
        rest = [f for f in given if f not in self._finished]
        if rest:
            yield from self.real_as_completed(rest, timeout)
