"""Deep differences between two plain-data values, used for argument mutation events.

:func:`plain_changes` returns a list of changes, each ``{"at": <path>, ...}`` with either
``before``/``after``, ``added`` / ``removed`` (a dict key), ``appended`` (items added at the end
of a list whose old items are unchanged), ``removed_tail`` (items removed from the end of a list,
the rest unchanged), or ``order`` (the keys, when only their order changed). A list that changed
otherwise (and length) is shown whole as ``before``/``after``. Paths read like Python:
``scope.paths[0]``, ``["odd key"]``; ``.`` is the value itself.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

from golden_harness.exceptions import UnserializableValueError
from golden_harness.format import slot_fields

__all__ = ["argument_names", "plain_changes", "plain_state", "tracked_arguments"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _child(path: str, key: Any) -> str:
    if isinstance(key, str) and _IDENT.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def plain_changes(before: Any, after: Any, path: str = "") -> list[dict[str, Any]]:
    """The differences from ``before`` to ``after`` (both plain data), outermost first."""
    at = path or "."
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[dict[str, Any]] = []
        for key in before:
            if key not in after:
                changes.append({"at": _child(path, key), "removed": before[key]})
            else:
                changes.extend(plain_changes(before[key], after[key], _child(path, key)))
        for key in after:
            if key not in before:
                changes.append({"at": _child(path, key), "added": after[key]})
        common_before = [k for k in before if k in after]
        common_after = [k for k in after if k in before]
        if common_before != common_after:
            changes.append({"at": at, "order": common_after})
        return changes
    if isinstance(before, list) and isinstance(after, list):
        if len(before) == len(after):
            changes = []
            for index, (old, new) in enumerate(zip(before, after, strict=True)):
                changes.extend(plain_changes(old, new, f"{path}[{index}]"))
            return changes
        if len(before) < len(after) and not plain_changes(before, after[: len(before)]):
            return [{"at": at, "appended": after[len(before) :]}]
        if len(after) < len(before) and not plain_changes(before[: len(after)], after):
            return [{"at": at, "removed_tail": before[len(after) :]}]
    if type(before) is type(after) and before == after:
        return []
    return [{"at": at, "before": before, "after": after}]


def argument_names(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[tuple[str, Any]]:
    """Pair each argument of a call with its parameter name (``arg<N>`` when binding fails)."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        named = [(f"arg{i}", v) for i, v in enumerate(args)]
        return named + list(kwargs.items())
    pairs: list[tuple[str, Any]] = []
    for name, value in bound.arguments.items():
        kind = bound.signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            pairs.extend((f"{name}[{i}]", v) for i, v in enumerate(value))
        elif kind is inspect.Parameter.VAR_KEYWORD:
            pairs.extend(value.items())
        else:
            pairs.append((name, value))
    return pairs


_SCALAR_TYPES = (type(None), bool, int, float, str, bytes)


def plain_state(
    owner: Any, serialize: Callable[[Any, str], Any], is_fake: Callable[[Any], bool]
) -> dict[str, Any]:
    """The attributes of ``owner`` that are plain data (its ``__dict__`` and its ``__slots__``):
    fakes, callables and values that cannot be serialized are left out (they are not state the
    seam computes)."""
    state: dict[str, Any] = {}
    items = list(getattr(owner, "__dict__", {}).items())
    slots = slot_fields(owner)
    if slots:
        items += [(name, value) for name, value in slots.items() if name not in dict(items)]
    for name, value in items:
        if is_fake(value) or callable(value):
            continue
        try:
            serialize(value, f"self.{name}")
        except UnserializableValueError:
            continue
        state[name] = value
    return state


def tracked_arguments(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    serialize: Callable[[Any, str], Any],
    is_fake: Callable[[Any], bool],
) -> dict[str, tuple[Callable[[], Any], Any]]:
    """What to compare after the call: each mutable argument, and ``self`` of a bound method.

    Each entry maps a name to a function giving the value's current state and its serialized
    state before the call.
    """
    tracked: dict[str, tuple[Callable[[], Any], Any]] = {}
    owner = getattr(fn, "__self__", None)
    if (
        inspect.ismethod(fn)
        and not isinstance(owner, type)
        and (hasattr(owner, "__dict__") or slot_fields(owner) is not None)
    ):
        state = functools.partial(plain_state, owner, serialize, is_fake)
        tracked["self"] = (state, serialize(state(), "self"))
    for name, value in argument_names(fn, args, kwargs):
        if isinstance(value, _SCALAR_TYPES) or is_fake(value):
            continue
        with contextlib.suppress(UnserializableValueError):
            tracked[name] = (functools.partial(_identity, value), serialize(value, name))
    return tracked


def _identity(value: Any) -> Any:
    return value
