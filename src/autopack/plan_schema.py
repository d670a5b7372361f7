"""The shape of a plan file, declared once, and the checker that walks a parsed plan against it.

A spec is a Python type (or tuple of types) for a scalar, `Mapping` (known fields, each with its
spec), `ListOf` (every item checked), or `Either` (a choice made by the value's type). `check`
raises SchemaError naming where the problem is (`phase 'p' replay.builder[0] field 'patch'`),
what was expected, and the offending value shortened to at most `VALUE_LIMIT` characters.
Booleans are never accepted where a number or a string is expected, and an integer must fit the
database's 64-bit INTEGER.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from typing import Any, Union

VALUE_LIMIT = 200
_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxdict = 4
_REPR.maxlist = 4
_REPR.maxtuple = 4
_REPR.maxstring = 120
_REPR.maxother = 120
_REPR.maxlong = 60


class SchemaError(Exception):
    """A value does not match its spec; the message says where, what was expected and the value."""


def shown(value: Any) -> str:
    """`repr(value)`, shortened to at most VALUE_LIMIT characters however large the value is."""
    text = _REPR.repr(value)
    if len(text) > VALUE_LIMIT:
        text = text[: VALUE_LIMIT - 3] + "..."
    return text


@dataclass(frozen=True)
class Mapping:
    """A mapping with these fields (all optional); any other key is an error."""

    fields: dict[str, Spec]
    name: str = "dict"


@dataclass(frozen=True)
class ListOf:
    """A list whose every item matches `item`."""

    item: Spec
    name: str = "list"


@dataclass(frozen=True)
class Either:
    """One of several specs, chosen by the value's type (a dict is a Mapping, a list a ListOf)."""

    options: tuple[Spec, ...]
    name: str = field(default="")


Spec = Union[type, tuple[type, ...], Mapping, ListOf, Either]  # noqa: UP007 (a runtime alias)

NUMBER = (int, float)

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
"""The range of an integer the run database stores (SQLite's INTEGER, a signed 64-bit value)."""


def spec_name(spec: Spec) -> str:
    """The name of what a spec accepts, as error messages show it (`str`, `list`, `str or list`)."""
    if isinstance(spec, Mapping | ListOf):
        return spec.name
    if isinstance(spec, Either):
        return spec.name or " or ".join(spec_name(o) for o in spec.options)
    if isinstance(spec, tuple):
        return "number" if spec == NUMBER else " or ".join(t.__name__ for t in spec)
    return spec.__name__


def _matches_type(value: Any, spec: Spec) -> bool:
    if isinstance(spec, Mapping):
        return isinstance(value, dict)
    if isinstance(spec, ListOf):
        return isinstance(value, list)
    if isinstance(spec, Either):
        return any(_matches_type(value, o) for o in spec.options)
    if isinstance(value, bool):
        return spec is bool or (isinstance(spec, tuple) and bool in spec)
    return isinstance(value, spec)


def _where(label: str, dotted: str) -> str:
    return f"{label} {dotted}" if dotted else label


def _join(dotted: str, key: str) -> str:
    return f"{dotted}.{key}" if dotted else key


def check(value: Any, spec: Spec, *, label: str, dotted: str = "") -> None:
    """Check `value` against `spec`; `label` and `dotted` name its place in the plan."""
    if isinstance(spec, Either):
        for option in spec.options:
            if _matches_type(value, option):
                check(value, option, label=label, dotted=dotted)
                return
        raise SchemaError(f"{_where(label, dotted)} must be {spec_name(spec)}, got {shown(value)}")
    if isinstance(spec, Mapping):
        if not isinstance(value, dict):
            raise SchemaError(
                f"{_where(label, dotted)} must be a mapping, got {type(value).__name__}"
            )
        for key, item in value.items():
            if key not in spec.fields:
                allowed = ", ".join(sorted(spec.fields))
                raise SchemaError(
                    f"{_where(label, dotted)} has unknown field {shown(key)}; "
                    f"allowed fields: {allowed}"
                )
            item_spec = spec.fields[key]
            if not _matches_type(item, item_spec):
                raise SchemaError(
                    f"{_where(label, dotted)} field {key!r} must be {spec_name(item_spec)}, "
                    f"got {shown(item)}"
                )
            check(item, item_spec, label=label, dotted=_join(dotted, key))
        return
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise SchemaError(f"{_where(label, dotted)} must be a list, got {shown(value)}")
        for index, item in enumerate(value):
            place = f"{dotted}[{index}]"
            if not _matches_type(item, spec.item):
                raise SchemaError(
                    f"{_where(label, place)} must be {spec_name(spec.item)}, got {shown(item)}"
                )
            check(item, spec.item, label=label, dotted=place)
        return
    if not _matches_type(value, spec):
        raise SchemaError(f"{_where(label, dotted)} must be {spec_name(spec)}, got {shown(value)}")
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not (INT64_MIN <= value <= INT64_MAX)
    ):
        raise SchemaError(
            f"{_where(label, dotted)} must be a 64-bit integer (from {INT64_MIN:,} to "
            f"{INT64_MAX:,}, what the database stores), got {shown(value)}"
        )


def count_values(data: Any, limit: int) -> int:
    """How many values `data` holds once YAML aliases are expanded; stops past `limit`.

    Shared (aliased) containers are counted once per reference without being walked again, so
    a small file whose aliases expand to millions of values is measured in a few steps. Raises
    SchemaError for a container that contains itself.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise SchemaError("the plan contains itself through a YAML alias")
        active.add(key)
        total = 1
        children = list(value.keys()) + list(value.values()) if isinstance(value, dict) else value
        for child in children:
            total += size(child)
            if total > limit:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(data)
