"""Fakes: objects that record every call made on them under a dotted path.

``golden.fake("llm_service")`` returns a :class:`Fake`; any attribute of it is another fake one
level deeper (``llm_service.execute_builder_phase``), and calling a fake records a ``call`` event
and returns the result scripted for its path. A :class:`Script` holds that result: a value
(``returns=``), a sequence of results (``sequence=``, one per call), or a ``side_effect=`` that is
an exception (raised) or a callable (called with the arguments; its result is returned).
Exceptions inside a sequence are raised in turn.

A fake knows nothing of the recorder: it talks to a :class:`CallSink`, which the recorder
provides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from golden_harness.exceptions import ScriptError, ScriptExhaustedError

__all__ = ["UNSET", "CallSink", "Fake", "Script", "fake_path"]


class CallSink(Protocol):
    """What a :class:`Fake` calls back into: its children, and the recording of its calls."""

    def fake_at(self, path: str) -> Fake:
        """The one fake at ``path`` (a fake's attribute ``name`` is the fake at ``path.name``)."""
        ...

    def record_call(self, path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Record a call of the fake at ``path``; return (or raise) its scripted result."""
        ...


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class Script:
    """What a fake path produces when called."""

    def __init__(
        self,
        path: str,
        *,
        returns: Any = UNSET,
        side_effect: Any = UNSET,
        sequence: Sequence[Any] | object = UNSET,
    ) -> None:
        given = [
            n
            for n, v in (("returns", returns), ("side_effect", side_effect), ("sequence", sequence))
            if v is not UNSET
        ]
        if len(given) > 1:
            raise ScriptError(
                f"golden.fake({path!r}) got {' and '.join(given)}; give exactly one of returns=, "
                f"side_effect= or sequence=."
            )
        if sequence is not UNSET and (
            isinstance(sequence, (str, bytes)) or not isinstance(sequence, Sequence)
        ):
            raise ScriptError(
                f"golden.fake({path!r}, sequence={sequence!r}): sequence= takes a list of "
                f"results, one per call; use returns= for a single value."
            )
        self.path = path
        self.returns = None if returns is UNSET else returns
        self.side_effect = side_effect
        self.sequence: list[Any] | None = None if sequence is UNSET else list(sequence)
        self.used = 0

    def produce(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Return (or raise) the next scripted result for a call with these arguments."""
        self.used += 1
        if self.sequence is not None:
            if self.used > len(self.sequence):
                raise ScriptExhaustedError(self.path, len(self.sequence))
            return _result(self.sequence[self.used - 1], args, kwargs, call_it=False)
        if self.side_effect is not UNSET:
            return _result(self.side_effect, args, kwargs, call_it=True)
        return self.returns


def _result(item: Any, args: tuple[Any, ...], kwargs: dict[str, Any], *, call_it: bool) -> Any:
    if isinstance(item, BaseException):
        raise item
    if isinstance(item, type) and issubclass(item, BaseException):
        raise item()
    if call_it and callable(item):
        return item(*args, **kwargs)
    return item


class Fake:
    """A recording stand-in; attributes are child fakes, calls are recorded and scripted.

    Attributes the scenario sets on a fake (``fake.max_retries = 3``) are real values. Dunder
    names are not faked, so copying, pickling and ``repr`` behave like on an ordinary object.
    A fake is a context manager returning itself.
    """

    def __init__(self, sink: CallSink, path: str) -> None:
        object.__setattr__(self, "_golden_sink", sink)
        object.__setattr__(self, "_golden_path", path)

    def __getattr__(self, name: str) -> Fake:
        if name.startswith("__") or name.startswith("_golden_"):
            raise AttributeError(name)
        sink: CallSink = object.__getattribute__(self, "_golden_sink")
        return sink.fake_at(f"{object.__getattribute__(self, '_golden_path')}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        sink: CallSink = object.__getattribute__(self, "_golden_sink")
        return sink.record_call(object.__getattribute__(self, "_golden_path"), args, kwargs)

    def __repr__(self) -> str:
        return f"<fake {object.__getattribute__(self, '_golden_path')}>"

    def __enter__(self) -> Fake:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def fake_path(value: object) -> str | None:
    """The dotted path of ``value`` when it is a :class:`Fake`, else None."""
    if type(value) is Fake:
        return str(object.__getattribute__(value, "_golden_path"))
    return None
