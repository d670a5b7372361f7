"""Fakes of coroutine functions: results delivered when awaited, and the mistake of awaiting a
fake that is not one.

A fake scripted with ``awaitable=True`` (and the fakes of ``async def`` methods and functions,
which the recorder marks so itself) records its call when it is made and returns a coroutine
that delivers the scripted result, or raises the scripted exception, when awaited.

:func:`awaits_result` tells, from the calling frame's bytecode, whether the value a call returns
is awaited at once (``await client.fetch(...)``): awaiting a plain fake's result would raise a
``TypeError`` the seam did not cause, so the recorder reports a scenario error instead.
"""

from __future__ import annotations

import dis
import inspect
from types import FrameType
from typing import Any

__all__ = ["awaits_result", "deliver", "is_async_callable"]

_GET_AWAITABLE = dis.opmap["GET_AWAITABLE"]
_SKIPPED = frozenset(
    dis.opmap[name] for name in ("CACHE", "EXTENDED_ARG", "NOP") if name in dis.opmap
)


def awaits_result(frame: FrameType | None) -> bool:
    """Whether ``frame`` is in a call whose result its next instruction awaits."""
    if frame is None:
        return False
    code = frame.f_code.co_code
    index = frame.f_lasti + 2
    while index < len(code) and code[index] in _SKIPPED:
        index += 2
    return index < len(code) and code[index] == _GET_AWAITABLE


async def deliver(result: Any, error: BaseException | None) -> Any:
    """The coroutine an awaitable fake returns: raises ``error`` or gives ``result`` (awaited
    first when the script produced an awaitable, such as an ``async def`` side effect's)."""
    if error is not None:
        raise error
    if inspect.isawaitable(result):
        return await result
    return result


def is_async_callable(obj: Any) -> bool:
    """Whether calling ``obj`` gives a coroutine (an ``async def`` function or method)."""
    target = obj.__func__ if isinstance(obj, (staticmethod, classmethod)) else obj
    return inspect.iscoroutinefunction(target)
