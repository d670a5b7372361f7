"""The one door into a scenario's trace while a seam runs: every event goes through
:meth:`TraceFeed.append`, which first records the workspace changes made since the last event
(so each ``file`` event stands where the change happened), and what the seam prints goes through
:meth:`TraceFeed.output`, which joins consecutive writes to one stream into one event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from golden_harness.format import Trace
from golden_harness.recording._output import strip_ansi
from golden_harness.recording._workspace import WorkspaceWatcher, WriteHooks

__all__ = ["TraceFeed"]


class TraceFeed:
    """Appends events to ``trace``; ``text`` normalizes recorded text."""

    def __init__(self, trace: Trace, hooks: WriteHooks, text: Callable[[str], Any]) -> None:
        self.trace = trace
        self.watcher: WorkspaceWatcher | None = None
        self.text = text
        self._hooks = hooks
        self._watching = False
        self._output_event: dict[str, Any] | None = None
        self._output_text = ""

    def start_watching(self, watcher: WorkspaceWatcher) -> None:
        """Look at the workspace before each event from now on (the call has started)."""
        self.watcher = watcher
        watcher.start()
        self._watching = True

    def stop_watching(self) -> None:
        """Stop looking before each event; record what changed since the last look."""
        self._watching = False
        self._output_event = None
        self.look_at_files(always=True)

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        """Add ``event`` after the workspace changes made before it; return it."""
        if self._watching:
            self.look_at_files()
        self._output_event = None
        return self.trace.append(event)

    def look_at_files(self, *, always: bool = False) -> None:
        """Record the workspace changes since the last look, when something could have written
        (or ``always``)."""
        if self.watcher is None or not (always or self._hooks.dirty):
            return
        self._hooks.clean()
        for event in self.watcher.changes_since_last(self.text):
            self._output_event = None
            self.trace.append(event)

    def output(self, stream: str, text: str) -> None:
        """Record ``text`` written to ``stream`` (``stdout``/``stderr``); joined to the previous
        write when no other event came between them."""
        if self._watching:
            self.look_at_files()
        event = self._output_event
        events = self.trace.events
        if event is None or stream not in event or not events or events[-1] is not event:
            self._output_text = ""
            event = self.append({stream: ""})
        self._output_text += text
        event[stream] = self.text(strip_ansi(self._output_text))
        self._output_event = event
