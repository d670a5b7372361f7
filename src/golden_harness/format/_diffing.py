"""Describe the differences between two traces event by event, in words a reviewer can act on.

:func:`diff_events` aligns the golden's events with the new ones
(:func:`align_events`) and returns one line per difference, in trace
order, for example::

    call `llm_service.execute_builder_phase` (event 3): kwarg `max_tokens`: 8192 -> 10240
    log WARNING (event 5 in the golden): missing in this run: {"message": "scope confidence low"}
    call `db.save` moved: event 3 in the golden, 2 in this run
    call `db.save` (event 4 in the golden, 5 in this run): kwarg `payload`: key order ["id", "total"] -> ["total", "id"]
    log (event 6): level INFO -> WARNING
    returned (event 9): ["status"]: "passed" -> "failed"

Positions count every event of a trace, whatever its kind. Each line says which trace its
positions belong to (:class:`Sides` names the two: the golden and this run, the base and the
working tree...); a position shared by both reads ``(event N)``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from golden_harness.format._alignment import align_events
from golden_harness.format._golden_format import dump_value
from golden_harness.format._serialize import Tagged
from golden_harness.format._trace import event_kind

__all__ = ["GOLDEN_SIDES", "REVISION_SIDES", "Sides", "compact", "diff_events", "event_title"]

_MAX_TEXT = 160


@dataclass(frozen=True)
class Sides:
    """How the two traces are named in difference lines: ``old`` and ``new`` each complete
    "event 3 ...", for example ``in the golden`` and ``in this run``."""

    old: str
    new: str


GOLDEN_SIDES = Sides("in the golden", "in this run")
"""A scenario's golden against the trace of the run that checks it."""

REVISION_SIDES = Sides("on the base", "in the working tree")
"""A trace (or golden) of a base revision against the working tree's."""


def compact(value: Any) -> str:
    """A one-line rendering of plain data for messages (long values are shortened)."""
    text = _compact(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _compact(value: Any) -> str:
    if isinstance(value, Tagged):
        return f"!{value.tag} {_compact(value.value)}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_compact(k)}: {_compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    return dump_value(value) if not isinstance(value, str) else _quote(value)


def _quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def event_title(event: dict[str, Any], number: int | None = None) -> str:
    """``call `db.save```, ``log WARNING``, ``returned``...; with ``number``, followed by the
    event's position: ``call `db.save` (event 3)``."""
    kind = event_kind(event)
    head = event[kind]
    if kind in ("call", "mutated", "observed", "global"):
        title = f"{kind} `{head}`"
    elif kind == "subprocess":
        argv = head if isinstance(head, str) else " ".join(str(a) for a in head or [])
        title = f"subprocess `{argv}`"
    elif kind == "log":
        title = f"log {head}"
    elif kind == "file":
        title = f"file `{event.get('path')}` ({head})"
    else:
        title = kind
    return title if number is None else f"{title} (event {number})"


def _say(label: str, text: str) -> str:
    return f"{label}: {text}" if label else text


def _field_name(kind: str, key: str) -> str:
    if kind == "call" and key == "kwargs":
        return "kwarg"
    if kind == "call" and key == "args":
        return "arg"
    return key


def _field_changes(kind: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key == kind:
            continue
        name = _field_name(kind, key)
        if key in ("args", "kwargs") and kind == "call":
            a, b = (
                old.get(key, [] if key == "args" else {}),
                new.get(key, [] if key == "args" else {}),
            )
            if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
                lines.extend(
                    _mapping_changes(dict(enumerate(a)), dict(enumerate(b)), name, top=True)
                )
            elif isinstance(a, dict) and isinstance(b, dict):
                lines.extend(_mapping_changes(a, b, name, top=True))
            elif a != b or type(a) is not type(b):
                lines.append(f"{name}s {compact(a)} -> {compact(b)}")
            continue
        if kind in ("mutated", "global") and key == "changes" and key in old and key in new:
            entries = (
                _change_entries(old[key], new[key])
                if isinstance(old[key], list) and isinstance(new[key], list)
                else None
            )
            if entries is not None:
                lines.extend(entries)
                continue
        if key not in new:
            lines.append(f"`{name}` removed (was {compact(old[key])})")
        elif key not in old:
            lines.append(f"`{name}` added: {compact(new[key])}")
        else:
            lines.extend(_value_changes(old[key], new[key], f"`{name}`"))
    if list(old) != list(new) and set(old) == set(new):
        lines.append(f"field order {compact(list(old))} -> {compact(list(new))}")
    return lines


def _mapping_changes(a: dict[Any, Any], b: dict[Any, Any], name: str, *, top: bool) -> list[str]:
    lines: list[str] = []
    for key in a:
        label = f"{name} `{key}`" if top else f"{name}[{compact(key)}]"
        if key not in b:
            lines.append(f"{label} removed (was {compact(a[key])})")
        else:
            lines.extend(_value_changes(a[key], b[key], label))
    for key in b:
        if key not in a:
            label = f"{name} `{key}`" if top else f"{name}[{compact(key)}]"
            lines.append(f"{label} added: {compact(b[key])}")
    return lines


def _value_changes(a: Any, b: Any, label: str) -> list[str]:
    """The differences between ``a`` and ``b``, each prefixed by ``label`` (may be empty)."""
    if type(a) is type(b) and a == b:
        if isinstance(a, dict) and list(a) != list(b):
            return [_say(label, f"key order {compact(list(a))} -> {compact(list(b))}")]
        if not isinstance(a, (dict, list, Tagged)):
            return []
    if isinstance(a, dict) and isinstance(b, dict):
        lines = _mapping_changes(a, b, label, top=False)
        shared_a = [k for k in a if k in b]
        shared_b = [k for k in b if k in a]
        if shared_a != shared_b:
            lines.append(_say(label, f"key order {compact(shared_a)} -> {compact(shared_b)}"))
        return lines
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            line
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for line in _value_changes(x, y, f"{label}[{i}]")
        ]
    if isinstance(a, list) and isinstance(b, list):
        return _list_changes(a, b, label)
    if isinstance(a, Tagged) and isinstance(b, Tagged) and a.tag == b.tag:
        return _value_changes(a.value, b.value, f"{label} (!{a.tag})".lstrip())
    if a == b and type(a) is type(b):
        return []
    return [_say(label, f"{compact(a)} -> {compact(b)}")]


def _list_changes(a: list[Any], b: list[Any], label: str) -> list[str]:
    """Two lists of different lengths, followed to the items that differ: items added (at
    their index in ``b``), removed (at their index in ``a``), or changed in place."""
    matcher = difflib.SequenceMatcher(
        None, [_compact(x) for x in a], [_compact(y) for y in b], autojunk=False
    )
    lines: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        common = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(common):
            lines += _value_changes(a[i1 + k], b[j1 + k], f"{label}[{j1 + k}]")
        lines += [f"{label}[{i}] removed (was {compact(a[i])})" for i in range(i1 + common, i2)]
        lines += [f"{label}[{j}] added: {compact(b[j])}" for j in range(j1 + common, j2)]
    return lines


def _change_entries(a: list[Any], b: list[Any]) -> list[str] | None:
    """The ``changes`` of two ``mutated`` events, entry by entry (matched by their ``at``), or
    None when they are not both lists of ``at`` entries."""

    def by_at(changes: list[Any]) -> dict[str, dict[str, Any]] | None:
        if not all(isinstance(c, dict) and isinstance(c.get("at"), str) for c in changes):
            return None
        keyed = {c["at"]: c for c in changes}
        return keyed if len(keyed) == len(changes) else None

    old, new = by_at(a), by_at(b)
    if old is None or new is None:
        return None
    lines: list[str] = []
    for at, entry in old.items():
        label = f"at `{at}`"
        if at not in new:
            rest = {k: v for k, v in entry.items() if k != "at"}
            lines.append(f"{label}: change missing ({compact(rest)})")
            continue
        rest_old = {k: v for k, v in entry.items() if k != "at"}
        rest_new = {k: v for k, v in new[at].items() if k != "at"}
        lines += _mapping_changes(rest_old, rest_new, label, top=True)
    lines += [
        f"at `{at}`: new change ({compact({k: v for k, v in e.items() if k != 'at'})})"
        for at, e in new.items()
        if at not in old
    ]
    if not lines and list(old) != list(new):
        lines.append(f"order of changes {compact(list(old))} -> {compact(list(new))}")
    return lines


def _identical(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b and not _value_changes(a, b, "")


def _position(gi: int, ai: int, sides: Sides) -> str:
    return f"event {gi + 1}" if gi == ai else f"event {gi + 1} {sides.old}, {ai + 1} {sides.new}"


def _changed_event(old: dict[str, Any], new: dict[str, Any], where: str) -> list[str]:
    """Lines describing how ``new`` differs from ``old``; ``where`` gives their positions."""
    kind = event_kind(new)
    head_old, head_new = old[kind], new[kind]
    title = event_title(new)
    head: list[str] = []
    if not _identical(head_old, head_new):
        if kind == "log":
            title = "log"
            head = [f"level {head_old} -> {head_new}"]
        elif kind == "file":
            title = f"file `{new.get('path')}`"
            head = [f"{head_old} -> {head_new}"]
        elif kind == "subprocess":
            argv_lengths_differ = not (
                isinstance(head_old, list) and isinstance(head_new, list)
            ) or len(head_old) != len(head_new)
            head = (
                [f"argv {compact(head_old)} -> {compact(head_new)}"]
                if argv_lengths_differ
                else _value_changes(head_old, head_new, "argv")
            )
        else:
            head = _value_changes(head_old, head_new, "")
    lines = head + _field_changes(kind, old, new)
    if not lines:
        lines = [f"{compact(old)} -> {compact(new)}"]
    return [f"{title} ({where}): {line}" for line in lines]


def diff_events(
    golden: list[dict[str, Any]], actual: list[dict[str, Any]], sides: Sides = GOLDEN_SIDES
) -> list[str]:
    """One line per difference between the golden's events and the actual ones (empty if equal).

    Every event that differs is listed, in trace order: changed events (one line per changed
    field), events only the golden has (``missing``), events only the new trace has (``new``),
    and identical events found at another position (``moved``). ``sides`` names the two traces
    in the lines (by default the golden and this run).
    """
    rendered_golden = [_compact(e) for e in golden]
    rendered_actual = [_compact(e) for e in actual]
    steps = align_events(golden, actual, rendered_golden, rendered_actual)
    missing = [g for g, a in steps if a is None and g is not None]
    new = [a for g, a in steps if g is None and a is not None]
    moved: dict[int, int] = {}
    for lost in missing:
        match = next(
            (
                found
                for found in new
                if found not in moved.values() and rendered_actual[found] == rendered_golden[lost]
            ),
            None,
        )
        if match is not None:
            moved[lost] = match
    moved_to = {ai: gi for gi, ai in moved.items()}
    lines: list[str] = []
    for gi, ai in steps:
        if gi is not None and ai is not None:
            if rendered_golden[gi] != rendered_actual[ai] or golden[gi] != actual[ai]:
                lines.extend(_changed_event(golden[gi], actual[ai], _position(gi, ai, sides)))
        elif gi is not None and gi not in moved:
            lines.append(
                f"{event_title(golden[gi])} (event {gi + 1} {sides.old}): missing {sides.new}: "
                f"{_summary(golden[gi])}"
            )
        elif ai is not None and ai in moved_to:
            lines.append(
                f"{event_title(actual[ai])} moved: event {moved_to[ai] + 1} {sides.old}, "
                f"{ai + 1} {sides.new}"
            )
        elif ai is not None:
            lines.append(
                f"{event_title(actual[ai])} (event {ai + 1} {sides.new}): new, not {sides.old}: "
                f"{_summary(actual[ai])}"
            )
    return lines


def _summary(event: dict[str, Any]) -> str:
    kind = event_kind(event)
    rest = {k: v for k, v in event.items() if k != kind}
    return compact(rest) if rest else compact(event[kind])
