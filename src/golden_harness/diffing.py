"""Describe the differences between two traces event by event, in words a reviewer can act on.

:func:`diff_events` aligns the golden's events with the new ones
(:func:`golden_harness.alignment.align_events`) and returns one line per difference, in trace
order, for example::

    call 3 `llm_service.execute_builder_phase`: kwarg `max_tokens`: 8192 -> 10240
    log 5 WARNING: missing (golden has it): message "scope confidence low"
    call 2 `db.save` moved: golden position 3, now 2
    call 4 `db.save`: kwarg `payload`: key order ["id", "total"] -> ["total", "id"]
    log 6: level INFO -> WARNING
    returned 9: ["status"]: "passed" -> "failed"

Event numbers are 1-based positions in the new trace (in the golden for missing events).
"""

from __future__ import annotations

from typing import Any

from golden_harness.alignment import align_events
from golden_harness.golden_format import dump_value
from golden_harness.serialize import Tagged
from golden_harness.trace import event_kind

__all__ = ["compact", "diff_events", "event_title"]

_MAX_TEXT = 160


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


def event_title(event: dict[str, Any], number: int) -> str:
    """``call 3 `db.save```, ``log 5 WARNING``, ``returned 9``..."""
    kind = event_kind(event)
    head = event[kind]
    if kind in ("call", "mutated", "observed"):
        return f"{kind} {number} `{head}`"
    if kind == "subprocess":
        argv = head if isinstance(head, str) else " ".join(str(a) for a in head or [])
        return f"subprocess {number} `{argv}`"
    if kind == "log":
        return f"log {number} {head}"
    if kind == "file":
        return f"file {number} `{event.get('path')}` ({head})"
    return f"{kind} {number}"


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
    if isinstance(a, Tagged) and isinstance(b, Tagged) and a.tag == b.tag:
        return _value_changes(a.value, b.value, f"{label} (!{a.tag})".lstrip())
    if a == b and type(a) is type(b):
        return []
    return [_say(label, f"{compact(a)} -> {compact(b)}")]


def _identical(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b and not _value_changes(a, b, "")


def _changed_event(old: dict[str, Any], new: dict[str, Any], number: int) -> list[str]:
    """Lines describing how ``new`` (event ``number`` of the new trace) differs from ``old``."""
    kind = event_kind(new)
    head_old, head_new = old[kind], new[kind]
    title = event_title(new, number)
    head: list[str] = []
    if not _identical(head_old, head_new):
        if kind == "log":
            title = f"log {number}"
            head = [f"level {head_old} -> {head_new}"]
        elif kind == "file":
            title = f"file {number} `{new.get('path')}`"
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
    return [f"{title}: {line}" for line in lines]


def diff_events(golden: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """One line per difference between the golden's events and the actual ones (empty if equal).

    Every event that differs is listed, in trace order: changed events (one line per changed
    field), events only the golden has (``missing``), events only the new trace has (``new``),
    and identical events found at another position (``moved``).
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
                lines.extend(_changed_event(golden[gi], actual[ai], ai + 1))
        elif gi is not None and gi not in moved:
            lines.append(
                f"{event_title(golden[gi], gi + 1)}: missing (golden has it): {_summary(golden[gi])}"
            )
        elif ai is not None and ai in moved_to:
            lines.append(
                f"{event_title(actual[ai], ai + 1)} moved: golden position {moved_to[ai] + 1}, "
                f"now {ai + 1}"
            )
        elif ai is not None:
            lines.append(
                f"{event_title(actual[ai], ai + 1)}: new (not in golden): {_summary(actual[ai])}"
            )
    return lines


def _summary(event: dict[str, Any]) -> str:
    kind = event_kind(event)
    rest = {k: v for k, v in event.items() if k != kind}
    return compact(rest) if rest else compact(event[kind])
