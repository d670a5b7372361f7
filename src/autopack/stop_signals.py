"""The signals that stop a run: Ctrl-C (SIGINT), SIGTERM and SIGHUP, all handled the same way.

`stop_signals_handled()` makes each of the three raise a `KeyboardInterrupt` in the main thread
(`StopSignal` for SIGTERM and SIGHUP, which says which one), so the run loop returns the phase in
progress to its checkpoint whichever signal stopped it. Only the first signal raises: later ones,
which would cut that clean-up short, are ignored until the block ends. SIGTERM is what
`docker stop`, systemd and CI timeouts send; SIGHUP comes when the terminal closes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignal(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: the run stops as after Ctrl-C."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@dataclass
class StopState:
    """Which stop signal arrived first (None while none has)."""

    signum: int | None = None

    @property
    def name(self) -> str | None:
        """The signal's name (`SIGTERM`), or None."""
        return signal.Signals(self.signum).name if self.signum is not None else None

    @property
    def exit_code(self) -> int:
        """128 + the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP)."""
        return 128 + (self.signum if self.signum is not None else signal.SIGINT)


@contextmanager
def stop_signals_handled() -> Iterator[StopState]:
    """Within the block, the first stop signal raises; the handlers are restored on exit.

    Outside the main thread (where Python cannot install handlers) the block runs as is.
    """
    state = StopState()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        if state.signum is not None:
            return
        state.signum = signum
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise StopSignal(signum)

    previous = {signum: signal.signal(signum, handle) for signum in STOP_SIGNALS}
    try:
        yield state
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
