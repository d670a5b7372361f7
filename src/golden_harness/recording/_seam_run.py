"""Run a seam to completion whatever it is: a function, a generator, a coroutine function (or a
coroutine), an async generator.

* A generator is consumed: each value it yields goes to ``on_yield`` in order, and its return
  value is the result.
* A coroutine runs to completion on a fresh asyncio event loop (closed afterwards, its
  leftover tasks cancelled); an async generator is consumed on one the same way.
* With frozen time the loop runs on the frozen clock: when nothing is ready and the loop would
  wait for its next timer (``asyncio.sleep``, ``wait_for`` timeouts), the clock moves to that
  timer at once instead of waiting. Waiting for I/O or for another thread stays real.

A seam called from inside a running event loop cannot be run to completion synchronously:
that raises :class:`ScriptError` with the fix.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import math
import selectors
import time
from collections.abc import Callable
from typing import Any

from golden_harness.exceptions import ScriptError

__all__ = ["run_seam"]

_STALL_SECONDS = 10.0


class _FrozenClockSelector(selectors.DefaultSelector):
    """A selector that, instead of blocking until the loop's next timer, moves the frozen clock."""

    def __init__(self, clock: Any) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        if timeout is None:
            ready = super().select(_STALL_SECONDS)
            if not ready:
                raise ScriptError(
                    f"The seam's event loop has waited {_STALL_SECONDS:.0f} s (real time) with "
                    f"no timer, no I/O and no other thread to wake it: it awaits something that "
                    f"never happens in this scenario (a fake that never answers, a command "
                    f"scripted with times_out=True awaited without asyncio.wait_for)."
                )
            return ready
        micros = max(1, math.ceil(timeout * 1_000_000))
        self._clock.tick(dt.timedelta(microseconds=micros))
        return []


class _FrozenClockLoop(asyncio.SelectorEventLoop):
    """An event loop on the frozen clock. Its ``time()`` counts from the loop's start: the
    frozen ``time.monotonic()`` counts from the epoch, where a float cannot tell a timer due now
    from one due a nanosecond later, and the loop would never run it."""

    def __init__(self, clock: Any) -> None:
        super().__init__(_FrozenClockSelector(clock))
        self._origin = time.monotonic()

    def time(self) -> float:
        return time.monotonic() - self._origin


def _loop_factory(clock: Any) -> Callable[[], asyncio.AbstractEventLoop]:
    if clock is None:
        return asyncio.new_event_loop
    return lambda: _FrozenClockLoop(clock)


def _run_async(awaitable: Any, clock: Any, name: str) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        if inspect.iscoroutine(awaitable):
            awaitable.close()
        raise ScriptError(
            f"golden.call({name}) runs the coroutine to completion on an event loop of its own, "
            f"but it was called from inside a running event loop (an async test). Make the test "
            f"a plain `def` test: golden.call awaits the seam itself."
        )
    with asyncio.Runner(loop_factory=_loop_factory(clock)) as runner:
        return runner.run(_as_coroutine(awaitable))


async def _as_coroutine(awaitable: Any) -> Any:
    return await awaitable


async def _consume_async(generator: Any, on_yield: Callable[[Any], None]) -> None:
    async for item in generator:
        on_yield(item)


def run_seam(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    clock: Any,
    on_yield: Callable[[Any], None],
    name: str,
) -> Any:
    """Call ``fn(*args, **kwargs)`` and run what it returns to completion (module docstring)."""
    result = fn(*args, **kwargs)
    if inspect.isgenerator(result):
        try:
            while True:
                on_yield(next(result))
        except StopIteration as stop:
            return stop.value
    if inspect.isasyncgen(result):
        return _run_async(_consume_async(result, on_yield), clock, name)
    if inspect.isawaitable(result):
        return _run_async(result, clock, name)
    return result
