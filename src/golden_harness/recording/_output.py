"""Record what a seam writes to ``sys.stdout`` and ``sys.stderr`` as ``stdout`` / ``stderr``
events, in trace order.

While :class:`OutputCapture` is active, ``sys.stdout`` and ``sys.stderr`` are text streams that
hand each write to the recorder and pass it on to the stream they replaced (so pytest's own
capture still shows it). Consecutive writes to one stream with no other event between them make
one event (``print("a", "b")`` writes four pieces). ANSI escape sequences (colours, cursor
moves, hyperlinks) are removed: whether a tool colours its output depends on the terminal.
The streams say they are not terminals (``isatty()`` is False) in every run. Writes to the file
descriptors themselves (``os.write(1, ...)``, a child process's inherited output) are not seen.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["OutputCapture", "strip_ansi"]

_ANSI = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (titles, hyperlinks)
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor)
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
)


def strip_ansi(text: str) -> str:
    """``text`` without ANSI escape sequences."""
    return _ANSI.sub("", text) if "\x1b" in text else text


class _BinaryView(io.RawIOBase):
    """``stream.buffer``: bytes written are decoded (UTF-8, invalid bytes replaced) and recorded."""

    def __init__(self, stream: _RecordedStream) -> None:
        super().__init__()
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        payload = bytes(data)
        self._stream.write(payload.decode("utf-8", errors="replace"))
        return len(payload)


class _RecordedStream(io.TextIOBase):
    """A text stream that records each write and passes it on."""

    def __init__(self, name: str, passed_to: Any, sink: Callable[[str, str], None]) -> None:
        super().__init__()
        self.name = f"<{name}>"
        self._kind = name
        self._passed_to = passed_to
        self._sink = sink
        self._buffer = _BinaryView(self)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    @property
    def buffer(self) -> _BinaryView:
        return self._buffer

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._sink(self._kind, text)
            # The replaced stream may be closed or detached: the event is what matters.
            with contextlib.suppress(OSError, ValueError):
                self._passed_to.write(text)
        return len(text)

    def flush(self) -> None:
        flush = getattr(self._passed_to, "flush", None)
        if flush is not None:
            with contextlib.suppress(OSError, ValueError):
                flush()


class OutputCapture:
    """Replaces ``sys.stdout`` and ``sys.stderr`` while active; ``sink(stream, text)`` records."""

    def __init__(self, sink: Callable[[str, str], None]) -> None:
        self._sink = sink
        self._saved: tuple[Any, Any] | None = None

    def __enter__(self) -> OutputCapture:
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _RecordedStream("stdout", sys.stdout, self._sink)
        sys.stderr = _RecordedStream("stderr", sys.stderr, self._sink)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            sys.stdout, sys.stderr = self._saved
            self._saved = None
