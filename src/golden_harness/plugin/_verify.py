"""Compare a finished scenario's trace with its golden, or write it where the run asks.

:func:`check_scenario` runs after the test body (the plugin calls it, so a scenario cannot forget
to compare). It raises the first harness error the seam swallowed (a call or command the golden
never made is a mismatch instead, see ``review.divergence``), refuses an empty trace,
and then either writes the trace to ``--golden-trace-dir`` (no comparison, no golden written) or
compares it through syrupy: a missing golden, a corrupt golden and a mismatch each raise an error
that names the file; a mismatch lists the differences event by event.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from golden_harness.exceptions import (
    FileWriteError,
    GoldenHarnessError,
    GoldenMismatchError,
    GoldenMissingError,
    OutsideRootError,
    UnscriptedCallError,
    UnscriptedSubprocessError,
)
from golden_harness.format import (
    diff_events,
    load_trace,
    outside_root,
    read_text_file,
    relative_path,
    write_atomic,
)
from golden_harness.plugin._extension import GoldenExtension
from golden_harness.recording import Recorder
from golden_harness.review import divergence

__all__ = ["check_scenario", "mismatch_message"]

_RAW_DIFF_LINES = 40


def mismatch_message(golden_text: str, actual_text: str, where: str, nodeid: str) -> str:
    """The message of a golden mismatch: per-event differences, then the start of a text diff."""
    lines = diff_events(load_trace(golden_text, where), load_trace(actual_text, "<this run>"))
    raw = list(
        difflib.unified_diff(
            golden_text.splitlines(),
            actual_text.splitlines(),
            "golden",
            "this run",
            lineterm="",
            n=1,
        )
    )[:_RAW_DIFF_LINES]
    return "\n".join(
        [
            f"{where} does not match the trace of {nodeid} ({len(lines)} difference(s)):",
            *(f"  {line}" for line in lines),
            "",
            "Text diff (golden -> this run):",
            *(f"  {line}" for line in raw),
            "",
            "If the change is intended, re-capture locally with "
            f"`pytest --snapshot-update {nodeid}` and review it with `golden diff`.",
        ]
    )


def check_scenario(
    *,
    recorder: Recorder,
    snapshot: Any,
    nodeid: str,
    seam: str,
    golden_file: Path,
    root: Path,
    update: bool,
    trace_dir: Path | None,
    write_missing: bool = False,
) -> str:
    """Verify (or write) one scenario's trace; return its status (``matched``, ``written``,
    ``traced``) or raise a :class:`GoldenHarnessError`.

    ``update`` writes any golden that differs (``--snapshot-update``); ``write_missing`` writes
    only goldens that do not exist yet (``--snapshot-update-new-only``).
    """
    __tracebackhide__ = True
    if recorder.errors:
        error = recorder.errors[0]
        verifying = not update and trace_dir is None and golden_file.is_file()
        if verifying and isinstance(error, (UnscriptedCallError, UnscriptedSubprocessError)):
            golden = read_text_file(golden_file)
            where = relative_path(golden_file, root)
            mismatch = divergence(error, recorder.events, golden, where, nodeid)
            if mismatch is not None:
                raise mismatch from None
        raise error
    if not recorder.trace.events:
        raise GoldenHarnessError(
            f"{nodeid} recorded no events: run the seam through golden.call(fn, *args) so its "
            f"calls, outcome and effects are recorded."
        )
    text = recorder.render(comments=[f"seam: {seam}"])
    where = relative_path(golden_file, root)
    if trace_dir is not None:
        target = trace_dir / golden_file.parent.name / golden_file.name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
        return "traced"
    golden_text: str | None = None
    if golden_file.is_file():
        golden_text = read_text_file(golden_file)
    if golden_text is None and not (update or write_missing):
        raise GoldenMissingError(where, nodeid)
    if golden_text is not None and not update and golden_text != text:
        load_trace(golden_text, where)
    writes = golden_text != text and (update or (write_missing and golden_text is None))
    escape = outside_root(golden_file, root) if writes else None
    if escape is not None:
        raise OutsideRootError(f"write the golden of {nodeid}", escape)
    assertion = snapshot.use_extension(GoldenExtension)
    if assertion == text:
        return "matched" if golden_text == text else "written"
    failure = assertion.executions[assertion.num_executions - 1].exception
    if isinstance(failure, FileWriteError):
        raise FileWriteError(where, failure.cause) from None
    raise GoldenMismatchError(mismatch_message(golden_text or "", text, where, nodeid))
