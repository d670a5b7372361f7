"""The recorder's side of its fakes: which fakes exist, what each path is scripted to produce,
and the recording of every call into a ``call`` event.

:class:`FakeCalls` is the :class:`CallSink` every :class:`Fake` of a scenario holds. A call is
recorded with its arguments before its result is produced, then completed with ``returns`` or
``raises``. A strict path without a script raises :class:`UnscriptedCallError`; a fake marked
awaitable (``awaitable=True``, the fakes of ``async def`` methods and functions, the methods of a
faked class that are coroutine functions) returns a coroutine delivering the result; awaiting
the result of a fake that is not awaitable is a :class:`ScriptError`, never the seam's behaviour.
"""

from __future__ import annotations

import inspect
import reprlib
import sys
from collections.abc import Callable
from typing import Any

from golden_harness.exceptions import GoldenHarnessError, ScriptError, UnscriptedCallError
from golden_harness.recording._awaiting import awaits_result, deliver, is_async_callable
from golden_harness.recording._fakes import Fake, Script

__all__ = ["FakeCalls"]


class FakeCalls:
    """Fakes, scripts and call recording of one scenario.

    ``append(event)`` adds an event to the trace (and returns it), ``serialize(value, where)``
    makes plain data, ``fail(error)`` keeps a harness error, ``describe_error(exc)`` gives
    ``{type, message}``, ``strict()`` whether unscripted calls are errors.
    """

    def __init__(
        self,
        *,
        append: Callable[[dict[str, Any]], dict[str, Any]],
        serialize: Callable[[Any, str], Any],
        fail: Callable[[GoldenHarnessError], GoldenHarnessError],
        describe_error: Callable[[BaseException], dict[str, Any]],
        strict: Callable[[], bool],
    ) -> None:
        self._append = append
        self._serialize = serialize
        self._fail = fail
        self._describe_error = describe_error
        self._strict = strict
        self._fakes: dict[str, Fake] = {}
        self._scripts: dict[str, Script] = {}
        self._lenient: set[str] = set()
        self._awaitable: set[str] = set()
        self._classes: dict[str, type] = {}

    # -- scripting -----------------------------------------------------------------------------
    def fake_at(self, path: str) -> Fake:
        """The one fake at ``path``."""
        fake = self._fakes.get(path)
        if fake is None:
            fake = self._fakes[path] = Fake(self, path)
        return fake

    def script(self, path: str, script: Script) -> None:
        """What calls on ``path`` produce from now on."""
        self._scripts[path] = script

    def set_strict(self, path: str, strict: bool) -> None:
        """Whether unscripted calls at and below ``path`` are errors."""
        (self._lenient.discard if strict else self._lenient.add)(path)

    def set_awaitable(self, path: str, awaitable: bool) -> None:
        """Whether calls on ``path`` return a coroutine delivering the result."""
        (self._awaitable.add if awaitable else self._awaitable.discard)(path)

    def add_class(self, path: str, cls: type) -> None:
        """``path`` is the fake instance of the faked class ``cls`` (its coroutine methods await)."""
        self._classes[path] = cls

    # -- recording ------------------------------------------------------------------------------
    def record_call(self, path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Record a call of the fake at ``path``; return (or raise) its scripted result."""
        event: dict[str, Any] = {"call": path}
        if args:
            event["args"] = self._serialize(list(args), f"{path} positional arguments")
        if kwargs:
            event["kwargs"] = self._serialize(kwargs, f"{path} keyword arguments")
        self._append(event)
        awaitable = self._is_awaitable(path)
        script = self._scripts.get(path)
        if script is None:
            if self._is_strict(path):
                shown = ", ".join(
                    [reprlib.repr(a) for a in args]
                    + [f"{k}={reprlib.repr(v)}" for k, v in kwargs.items()]
                )
                raise self._fail(UnscriptedCallError(path, shown, event))
            result = None
        else:
            try:
                result = script.produce(args, kwargs)
            except GoldenHarnessError as error:
                raise self._fail(error) from None
            except BaseException as error:
                event["raises"] = self._describe_error(error)
                if awaitable:
                    return deliver(None, error)
                raise
        event["returns"] = self._serialize(result, f"the result of {path}")
        if awaitable:
            return deliver(result, None)
        # The caller of Fake.__call__ is two frames up: is it awaiting what we return?
        if not inspect.isawaitable(result) and awaits_result(sys._getframe(2)):
            raise self._fail(
                ScriptError(
                    f"The seam awaits the result of {path}(...), but that fake is not awaitable "
                    f"(it returns {reprlib.repr(result)}): the real {path} is a coroutine "
                    f"function. Script it with golden.fake({path!r}, ..., awaitable=True)."
                )
            )
        return result

    def _is_strict(self, path: str) -> bool:
        if not self._strict():
            return False
        return not any(path == p or path.startswith(f"{p}.") for p in self._lenient)

    def _is_awaitable(self, path: str) -> bool:
        if path in self._awaitable:
            return True
        owner, _, method = path.rpartition(".")
        cls = self._classes.get(owner)
        return cls is not None and is_async_callable(inspect.getattr_static(cls, method, None))
