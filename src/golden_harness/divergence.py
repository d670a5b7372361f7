"""Tell a new call of the code apart from a mistake of the scenario, when a strict fake stops a run.

A strict fake stops the seam at a call that has no scripted result (``UnscriptedCallError``).
While capturing, that is the scenario's business: script the call. While verifying against an
existing golden it can be two things:

* the golden records calls on that path: the scenario lost (or never had) a script the capture
  used; the ``UnscriptedCallError`` stands, with its advice to script it;
* the golden records no call on that path: the code now makes a call it did not make when the
  golden was captured, which is a change of behaviour. :func:`divergence` turns it into a
  :class:`GoldenMismatchError` listing the differences of the traces up to that call, the new
  call last, with advice for a reviewer.
"""

from __future__ import annotations

from typing import Any

from golden_harness.diffing import diff_events, event_title
from golden_harness.exceptions import GoldenMismatchError, UnscriptedCallError
from golden_harness.golden_format import dump_trace, load_trace
from golden_harness.trace import event_kind

__all__ = ["divergence"]


def divergence(
    error: UnscriptedCallError,
    events: list[dict[str, Any]],
    golden_text: str,
    where: str,
    nodeid: str,
) -> GoldenMismatchError | None:
    """The mismatch of a run that stopped at a call the golden never made, else None.

    ``events`` is the run's trace, ``golden_text`` the golden it is compared with (``where``
    names it). None when the golden calls ``error.path`` too (a scenario mistake) or when the
    call cannot be found in the trace.
    """
    index = error.trace_index
    if index is None or index >= len(events) or events[index].get("call") != error.path:
        return None
    golden = load_trace(golden_text, where)
    if any(event_kind(event) == "call" and event["call"] == error.path for event in golden):
        return None
    # The run's events go through the golden format, as a mismatch compares them.
    ran = load_trace(dump_trace(events[: index + 1]), "<this run>")
    lines = diff_events(golden[:index], ran)
    if index < len(golden):
        later = len(golden) - index - 1
        at_that_point = f"At that point the golden has {event_title(golden[index], index + 1)}" + (
            f", then {later} more event(s)." if later else ", its last event."
        )
    else:
        at_that_point = f"The golden ends before that point (it has {len(golden)} event(s))."
    path = error.path
    return GoldenMismatchError(
        "\n".join(
            [
                f"{where} does not match the trace of {nodeid}: the code made a call the golden "
                f"never recorded, `{path}`, and the run stopped there because the scenario has "
                f"no result for it ({len(lines)} difference(s) up to that call):",
                *(f"  {line}" for line in lines),
                at_that_point,
                "",
                f"The code under test now calls `{path}`, which it did not when the golden was "
                f"captured. If this change is meant to keep behaviour (a move, a refactor), it "
                f"does not: find what calls `{path}` now. If the new call is intended, script "
                f"it in the scenario, for example golden.fake({path!r}, returns=None), "
                f"re-capture with `pytest --snapshot-update {nodeid}`, review the golden diff "
                f"with `golden diff`, and commit it as a `capture:` commit.",
            ]
        )
    )
