"""Describe the differences between two traces event by event, in words a reviewer can act on.

:func:`diff_events` aligns the golden's events with the new ones (``difflib.SequenceMatcher`` on
their rendered form) and returns one line per difference, for example::

    call 3 `llm_service.execute_builder_phase`: kwarg `max_tokens`: 8192 -> 10240
    log 5 WARNING: missing (golden has it): message "scope confidence low"
    call 2 `db.save` moved: golden position 3, now 2
    call 4 `db.save`: kwarg `payload`: key order ["id", "total"] -> ["total", "id"]

Event numbers are 1-based positions in the new trace (in the golden for missing events).
"""

from __future__ import annotations

import difflib
from typing import Any

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
            if isinstance(a, list) and isinstance(b, list) and len(a) != len(b):
                lines.append(f"{name}s {compact(a)} -> {compact(b)}")
                continue
            container_a = dict(enumerate(a)) if isinstance(a, list) else a
            container_b = dict(enumerate(b)) if isinstance(b, list) else b
            lines.extend(_mapping_changes(container_a, container_b, name, top=True))
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
    if type(a) is type(b) and a == b:
        if isinstance(a, dict) and list(a) != list(b):
            return [f"{label}: key order {compact(list(a))} -> {compact(list(b))}"]
        if not isinstance(a, (dict, list, Tagged)):
            return []
    if isinstance(a, dict) and isinstance(b, dict):
        lines = _mapping_changes(a, b, label, top=False)
        shared_a = [k for k in a if k in b]
        shared_b = [k for k in b if k in a]
        if shared_a != shared_b:
            lines.append(f"{label}: key order {compact(shared_a)} -> {compact(shared_b)}")
        return lines
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            line
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for line in _value_changes(x, y, f"{label}[{i}]")
        ]
    if isinstance(a, Tagged) and isinstance(b, Tagged) and a.tag == b.tag:
        return _value_changes(a.value, b.value, f"{label} (!{a.tag})")
    if a == b and type(a) is type(b):
        return []
    return [f"{label}: {compact(a)} -> {compact(b)}"]


def _head_changes(kind: str, old: Any, new: Any) -> list[str]:
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return _value_changes(old, new, "argv" if kind == "subprocess" else f"`{kind}`")
    return [f"{compact(old)} -> {compact(new)}"]


def _signature(event: dict[str, Any]) -> str:
    kind = event_kind(event)
    return f"{kind}:{compact(event[kind])}"


def diff_events(golden: list[dict[str, Any]], actual: list[dict[str, Any]]) -> list[str]:
    """One line per difference between the golden's events and the actual ones (empty if equal)."""
    rendered_golden = [_compact(e) for e in golden]
    rendered_actual = [_compact(e) for e in actual]
    matcher = difflib.SequenceMatcher(None, rendered_golden, rendered_actual, autojunk=False)
    lines: list[str] = []
    missing: list[int] = []
    new: list[int] = []
    for op, g1, g2, a1, a2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(g2 - g1, a2 - a1) if op == "replace" else 0
        for offset in range(pairs):
            gi, ai = g1 + offset, a1 + offset
            if event_kind(golden[gi]) == event_kind(actual[ai]):
                kind = event_kind(actual[ai])
                title = event_title(actual[ai], ai + 1)
                changes = _field_changes(kind, golden[gi], actual[ai])
                if _signature(golden[gi]) != _signature(actual[ai]):
                    changes[:0] = _head_changes(kind, golden[gi][kind], actual[ai][kind])
                lines.extend(f"{title}: {change}" for change in changes)
            else:
                missing.append(gi)
                new.append(ai)
        missing.extend(range(g1 + pairs, g2))
        new.extend(range(a1 + pairs, a2))
    for gi in sorted(missing):
        moved_to = next((ai for ai in new if rendered_actual[ai] == rendered_golden[gi]), None)
        if moved_to is not None:
            new.remove(moved_to)
            lines.append(
                f"{event_title(actual[moved_to], moved_to + 1)} moved: golden position {gi + 1}, "
                f"now {moved_to + 1}"
            )
        else:
            lines.append(
                f"{event_title(golden[gi], gi + 1)}: missing (golden has it): {_summary(golden[gi])}"
            )
    for ai in sorted(new):
        lines.append(
            f"{event_title(actual[ai], ai + 1)}: new (not in golden): {_summary(actual[ai])}"
        )
    return lines


def _summary(event: dict[str, Any]) -> str:
    kind = event_kind(event)
    rest = {k: v for k, v in event.items() if k != kind}
    return compact(rest) if rest else compact(event[kind])
