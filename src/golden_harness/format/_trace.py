"""The trace: the ordered list of events one scenario recorded, with a small query surface.

Every event is a dict of plain data whose first key names its kind:

``call``        a call into a fake (``args``, ``kwargs``, then ``returns`` or ``raises``)
``subprocess``  a subprocess invocation (argv, ``cwd``, ``env`` differences, ``input``,
                ``timeout``, then ``raised`` or ``timed_out``/``returncode``, ``stdout``,
                ``stderr``)
``log``         a log record (level, ``logger`` top-level package, ``message``, ``exception``)
``stdout``      text the seam wrote to ``sys.stdout`` (consecutive writes joined)
``stderr``      text the seam wrote to ``sys.stderr``
``file``        a workspace file ``created``, ``changed`` or ``removed`` (``path``, ``content``
                or ``digest``, ``mode``), where the change happened
``yielded``     a value a generator seam yielded
``global``      a module global the seam rebound (``before``, ``after``) or changed in place
                (``changes``)
``mutated``     a deep difference in an argument of the seam after the call (``changes``); for a
                bound method, ``self`` is the instance's plain (non-fake) attributes
``observed``    a value the scenario chose to record (``golden.observe``), e.g. database rows
``returned``    the seam's return value
``raised``      the exception the seam raised (``type`` and ``message``, never a traceback)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["EVENT_KINDS", "Trace", "event_kind", "event_label"]

EVENT_KINDS = (
    "call",
    "subprocess",
    "log",
    "stdout",
    "stderr",
    "file",
    "yielded",
    "global",
    "mutated",
    "observed",
    "returned",
    "raised",
)


def event_kind(event: dict[str, Any]) -> str:
    """The kind of ``event``: its first key."""
    return next(iter(event))


def event_label(event: dict[str, Any]) -> str:
    """A short human label: ``call `db.save```, ``log WARNING``, ``subprocess `git status```."""
    kind = event_kind(event)
    head = event[kind]
    if kind == "call":
        return f"call `{head}`"
    if kind == "subprocess":
        argv = head if isinstance(head, str) else " ".join(str(a) for a in head)
        return f"subprocess `{argv}`"
    if kind == "log":
        return f"log {head}"
    if kind == "file":
        return f"file {head} `{event.get('path')}`"
    if kind == "mutated":
        return f"mutation of `{head}`"
    if kind == "global":
        return f"global `{head}`"
    if kind == "observed":
        return f"observed `{head}`"
    return kind


class Trace:
    """An ordered list of events with queries in the style of pytest-subprocess's recorder."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        """Add ``event`` at the end and return it (so later facts can be filled in)."""
        self.events.append(event)
        return event

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self.events[index]

    def calls(self, path: str | None = None) -> list[dict[str, Any]]:
        """The ``call`` events, optionally only those on ``path``."""
        return [e for e in self.events if "call" in e and (path is None or e["call"] == path)]

    def call_count(self, path: str | None = None) -> int:
        """How many calls were recorded (on ``path`` when given)."""
        return len(self.calls(path))

    def was_called(self, path: str) -> bool:
        """Whether any call on ``path`` was recorded."""
        return bool(self.calls(path))

    @property
    def last_call(self) -> dict[str, Any] | None:
        """The most recent ``call`` event, or None."""
        calls = self.calls()
        return calls[-1] if calls else None

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The events of one kind (see the module docstring)."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; expected one of {EVENT_KINDS}")
        return [e for e in self.events if event_kind(e) == kind]

    def clear(self) -> None:
        """Forget every event recorded so far (for example, the scenario's own setup calls)."""
        self.events.clear()
