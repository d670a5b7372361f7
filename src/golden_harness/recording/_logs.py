"""Capture log records into the trace, with relocation-safe logger names.

A record becomes ``{"log": LEVEL, "logger": <top-level package>, "message": ...}`` (plus
``exception: "Type: message"`` when it carries exception info). Only the first dotted component
of the logger name is kept: moving code from ``autopack.autonomous_executor`` to
``autopack.executor.scope_generation`` changes ``__name__`` but not ``autopack``, so a move does
not show as a diff, while a record from a different library still does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

__all__ = ["LogCapture", "logger_label"]


def logger_label(name: str) -> str:
    """The logger name written to goldens: its top-level package (``root`` for the root logger)."""
    return name.split(".", 1)[0] if name else "root"


class LogCapture(logging.Handler):
    """A handler on the root logger that hands each record to ``sink`` as a ``log`` event."""

    def __init__(self, sink: Callable[[dict[str, Any]], None], level: int) -> None:
        super().__init__(level)
        self._sink = sink
        self._saved_level: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        event: dict[str, Any] = {
            "log": record.levelname,
            "logger": logger_label(record.name),
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            event["exception"] = f"{type(error).__qualname__}: {error}"
        self._sink(event)

    def install(self) -> None:
        """Attach to the root logger, lowering its level to this handler's if needed."""
        root = logging.getLogger()
        self._saved_level = root.level
        if root.level > self.level or root.level == logging.NOTSET:
            root.setLevel(self.level)
        root.addHandler(self)

    def uninstall(self) -> None:
        """Detach from the root logger and restore its level."""
        root = logging.getLogger()
        root.removeHandler(self)
        if self._saved_level is not None:
            root.setLevel(self._saved_level)
            self._saved_level = None
