"""Align the events of a golden with the events of a new trace, for per-event diffs.

:func:`align_events` returns the two traces merged into one sequence of steps ``(g, a)``: both
indexes for events that correspond (equal, or the same event changed), ``(g, None)`` for an event
only the golden has, ``(None, a)`` for an event only the new trace has. Steps follow the order of
both traces.

The identical events at both ends are matched first; the differing middle is aligned by a
maximum-weight alignment (dynamic programming over its events, ``difflib.SequenceMatcher``
splitting it first when it is very long). Identical events pair with the highest weight; other
events may pair only when they are of the same kind and plausibly the same event (the same call
path, program, file, label, or a log line with the same level or message), the closer the better.
So an extra event early in a trace never shifts the pairing of the events after it.
"""

from __future__ import annotations

import difflib
from typing import Any

from golden_harness.format._trace import event_kind

__all__ = ["Step", "align_events"]

Step = tuple[int | None, int | None]

_IDENTICAL = 4.0
"""The score of two identical events (a changed pair scores between 1 and 2)."""

_PRECISE_LIMIT = 2_500
"""Blocks with more candidate pairs than this are scored with ``quick_ratio`` (cheaper)."""

_WHOLE_LIMIT = 40_000
"""Past this many candidate pairs, runs of identical events found by ``SequenceMatcher`` split
the differing middle of the traces into smaller blocks before the alignment."""


def align_events(
    golden: list[dict[str, Any]],
    actual: list[dict[str, Any]],
    rendered_golden: list[str],
    rendered_actual: list[str],
) -> list[Step]:
    """The merged sequence of steps pairing ``golden`` with ``actual`` (see the module doc)."""
    n, m = len(golden), len(actual)
    head = 0
    while head < min(n, m) and rendered_golden[head] == rendered_actual[head]:
        head += 1
    tail = 0
    while (
        tail < min(n, m) - head and rendered_golden[n - 1 - tail] == rendered_actual[m - 1 - tail]
    ):
        tail += 1
    steps: list[Step] = [(i, i) for i in range(head)]
    blocks = [(head, n - tail, head, m - tail)]
    if (n - tail - head) * (m - tail - head) > _WHOLE_LIMIT:
        matcher = difflib.SequenceMatcher(
            None, rendered_golden[head : n - tail], rendered_actual[head : m - tail], autojunk=False
        )
        blocks = [
            (head + g1, head + g2, head + a1, head + a2)
            for _, g1, g2, a1, a2 in matcher.get_opcodes()
        ]
    for g1, g2, a1, a2 in blocks:
        steps.extend(_align_block(golden, actual, rendered_golden, rendered_actual, g1, g2, a1, a2))
    steps.extend((n - tail + k, m - tail + k) for k in range(tail))
    return steps


def _same_event(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether ``new`` can be read as ``old`` changed (rather than one removed, one added)."""
    kind = event_kind(old)
    if kind != event_kind(new):
        return False
    if kind in ("call", "mutated", "observed", "global"):
        return bool(old[kind] == new[kind])
    if kind == "file":
        return bool(old.get("path") == new.get("path"))
    if kind == "subprocess":
        return bool(_program(old[kind]) == _program(new[kind]))
    if kind == "log":
        same_level = old[kind] == new[kind]
        return bool(same_level or old.get("message") == new.get("message"))
    return True


def _program(argv: Any) -> Any:
    if isinstance(argv, str):
        return argv.split(" ", 1)[0]
    if isinstance(argv, list) and argv:
        return argv[0]
    return argv


def _align_block(
    golden: list[dict[str, Any]],
    actual: list[dict[str, Any]],
    rendered_golden: list[str],
    rendered_actual: list[str],
    g1: int,
    g2: int,
    a1: int,
    a2: int,
) -> list[Step]:
    """Maximum-weight alignment of ``golden[g1:g2]`` with ``actual[a1:a2]``.

    An identical pair scores more than any two changed pairs can lose by it; a changed pair
    scores 1 plus the similarity of the two renderings; events never paired score nothing.
    """
    n, m = g2 - g1, a2 - a1
    precise = n * m <= _PRECISE_LIMIT
    score: dict[tuple[int, int], float] = {}
    for i in range(n):
        for j in range(m):
            old, new = rendered_golden[g1 + i], rendered_actual[a1 + j]
            if old == new:
                score[i, j] = _IDENTICAL
            elif _same_event(golden[g1 + i], actual[a1 + j]):
                similarity = difflib.SequenceMatcher(None, old, new)
                score[i, j] = 1.0 + (similarity.ratio() if precise else similarity.quick_ratio())
    # best[i][j]: the best total score aligning the block's golden[i:] with its actual[j:].
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            if (i, j) in score:
                options.append(score[i, j] + best[i + 1][j + 1])
            best[i][j] = max(options)
    steps: list[Step] = []
    i = j = 0
    while i < n and j < m:
        if (i, j) in score and best[i][j] == score[i, j] + best[i + 1][j + 1]:
            steps.append((g1 + i, a1 + j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i][j + 1]:
            steps.append((None, a1 + j))
            j += 1
        else:
            steps.append((g1 + i, None))
            i += 1
    steps.extend((g1 + k, None) for k in range(i, n))
    steps.extend((None, a1 + k) for k in range(j, m))
    return _missing_before_new(steps)


def _missing_before_new(steps: list[Step]) -> list[Step]:
    """Within each run of unpaired steps, the golden's events first (a replacement reads as
    "missing X, new Y"), each side keeping its order."""
    ordered: list[Step] = []
    run: list[Step] = []
    for step in [*steps, (0, 0)]:
        if step[0] is None or step[1] is None:
            run.append(step)
            continue
        ordered += [s for s in run if s[1] is None] + [s for s in run if s[0] is None]
        run = []
        ordered.append(step)
    return ordered[:-1]
