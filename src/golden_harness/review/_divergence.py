"""Tell new behaviour apart from a mistake of the scenario, when a strict fake stops a run.

A strict fake stops the seam at a call that has no scripted result (``UnscriptedCallError``), and
the subprocess fake at a command that is not scripted (``UnscriptedSubprocessError``). While
capturing, that is the scenario's business: script it. While verifying against an existing
golden it can be two things:

* the golden records the same call path (the same argv): the scenario lost, or never had, a
  script the capture used; the error stands, with its advice to script it;
* the golden records no such call (no such command): the code now does something it did not do
  when the golden was captured, which is a change of behaviour. :func:`divergence` turns it
  into a :class:`GoldenMismatchError` listing the differences of the traces up to that point,
  the new event last, with advice for a reviewer.
"""

from __future__ import annotations

from typing import Any

from golden_harness.exceptions import (
    GoldenMismatchError,
    UnscriptedCallError,
    UnscriptedSubprocessError,
)
from golden_harness.format import diff_events, dump_trace, event_kind, event_title, load_trace

__all__ = ["divergence"]


def divergence(
    error: UnscriptedCallError | UnscriptedSubprocessError,
    events: list[dict[str, Any]],
    golden_text: str,
    where: str,
    nodeid: str,
) -> GoldenMismatchError | None:
    """The mismatch of a run that stopped at a call or command the golden never made, else None.

    ``events`` is the run's trace, ``golden_text`` the golden it is compared with (``where``
    names it). None when the golden makes the same call or starts the same command too (a
    mistake of the scenario), or when the error's event is not in ``events``.
    """
    index = next((i for i, event in enumerate(events) if event is error.event), None)
    if index is None:
        return None
    # The run's events go through the golden format, as a mismatch compares them.
    ran = load_trace(dump_trace(events[: index + 1]), "<this run>")
    new = ran[-1]
    kind = event_kind(new)
    golden = load_trace(golden_text, where)
    if any(event_kind(event) == kind and event[kind] == new[kind] for event in golden):
        return None
    lines = diff_events(golden[:index], ran)
    if index < len(golden):
        later = len(golden) - index - 1
        at_that_point = f"At that point the golden has {event_title(golden[index], index + 1)}" + (
            f", then {later} more event(s)." if later else ", its last event."
        )
    else:
        at_that_point = f"The golden ends before that point (it has {len(golden)} event(s))."
    if isinstance(error, UnscriptedCallError):
        what = f"made a call the golden never recorded, `{error.path}`"
        does = f"calls `{error.path}`"
        script = f"golden.fake({error.path!r}, returns=None)"
    else:
        argv = error.argv
        shown = " ".join(map(str, argv)) if isinstance(argv, (list, tuple)) else str(argv)
        what = f"started a command the golden never recorded, `{shown}`"
        does = f"runs `{shown}`"
        script = f"golden.subprocess({error.argv!r}, stdout='', returncode=0)"
    return GoldenMismatchError(
        "\n".join(
            [
                f"{where} does not match the trace of {nodeid}: the code {what}, and the run "
                f"stopped there because the scenario has no result for it ({len(lines)} "
                f"difference(s) up to that point):",
                *(f"  {line}" for line in lines),
                at_that_point,
                "",
                f"The code under test now {does}, which it did not when the golden was "
                f"captured. If this change is meant to keep behaviour (a move, a refactor), it "
                f"does not: find what {does.split(' ', 1)[0]} it now. If it is intended, script "
                f"it in the scenario, for example {script}, re-capture with "
                f"`pytest --snapshot-update {nodeid}`, review the golden diff with "
                f"`golden diff`, and commit it as a `capture:` commit.",
            ]
        )
    )
