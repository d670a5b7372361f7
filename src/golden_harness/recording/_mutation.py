"""Deep differences between two plain-data values, used for argument mutation events.

:func:`plain_changes` returns a list of changes, each ``{"at": <path>, ...}`` with either
``before``/``after``, ``added`` / ``removed`` (a dict key), ``appended`` (items added at the end
of a list whose old items are unchanged), ``removed_tail`` (items removed from the end of a list,
the rest unchanged), or ``order`` (the keys, when only their order changed). A list that changed
otherwise (and length) is shown whole as ``before``/``after``. Paths read like Python:
``scope.paths[0]``, ``["odd key"]``; ``.`` is the value itself.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

__all__ = ["argument_names", "plain_changes"]

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
