"""Scenarios of seams that stop the run when a write fails (RunStorageError)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autopack.exceptions import RunStorageError
from golden_harness import Recorder


def call_until_stopped(golden: Recorder, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run the seam through `golden.call`, where a write it cannot make stops the run.

    `RunStorageError` is a BaseException, which `golden.call` lets through without recording: the
    trace then ends with what the seam did up to the failed write, and an `observed` "run
    stopped" event with the error's message (None when the seam did not stop the run).
    """
    try:
        golden.call(fn, *args, **kwargs)
    except RunStorageError as stop:
        golden.observe("run stopped", str(stop))
    else:
        golden.observe("run stopped", None)
