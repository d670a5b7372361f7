"""Spreading ``golden strength`` over machines: ``--shard K/N``, ``--json FILE`` and
``--merge FILE...``.

Every machine plans the same mutants (the same code gives the same mutant ids,
:func:`golden_harness.measure._strength.mutant_id`), sorts their ids, and runs every N-th one from
the K-th on (zero-based, a round-robin deal: the slices are disjoint, together they are the
plan, and each gets a share of every seam). ``--json`` writes a run's outcomes with the plan's
digest and size; the merge checks that the files are the N shards of one plan, each once, with
no mutant in two of them and none missing, and gives back one run, printed as the same table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from golden_harness.exceptions import ReviewError
from golden_harness.measure._strength import (
    MutantResult,
    SeamStrength,
    StrengthRun,
    result_order,
)

__all__ = ["merge_runs", "parse_shard", "read_run", "run_json"]

FORMAT = "golden-strength 1"
_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` -> (K, N), zero-based: ``0/2`` and ``1/2`` are the two halves."""
    match = _SHARD.match(text.strip())
    if match is None:
        raise ReviewError(
            f"--shard {text!r} is not K/N: give the slice's number and the number of slices, "
            f"zero-based (0/2 and 1/2 are the two halves)."
        )
    k, n = int(match[1]), int(match[2])
    if n < 1 or k >= n:
        raise ReviewError(
            f"--shard {text!r}: K must be at least 0 and below N, and N at least 1 "
            f"(the slices of N=4 are 0/4 to 3/4)."
        )
    return k, n


def run_json(run: StrengthRun) -> str:
    """The run as JSON: the plan's digest and size, the shard, every seam and mutant."""
    document = {
        "format": FORMAT,
        "plan": run.plan,
        "planned": run.planned,
        "shard": list(run.shard) if run.shard else None,
        "since": run.since,
        "seconds": round(run.seconds, 2),
        "cached": run.cached,
        "notes": run.notes,
        "seams": [
            {
                "seam": s.seam,
                "killed": s.killed,
                "timeout": s.timeouts,
                "survived": s.total - s.detected,
                "total": s.total,
                "score": round(100.0 * s.detected / s.total, 1) if s.total else None,
                "seconds": round(s.seconds, 2),
                "errors": s.errors,
                "followed": s.followed,
                "others": s.others,
                "value_readers": s.value_readers,
                "mutants": [asdict(r) for r in s.results],
            }
            for s in run.seams
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _bad(path: Path, problem: str) -> ReviewError:
    return ReviewError(
        f"{path}: {problem}; give the files `golden strength --shard K/N --json FILE` wrote."
    )


def read_run(path: Path) -> StrengthRun:
    """A run written by :func:`run_json`."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReviewError(f"Cannot read {path}: {error.strerror}; check the path.") from None
    except ValueError as error:
        raise _bad(path, f"not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(path, f"not a {FORMAT!r} file")
    try:
        seams = [
            SeamStrength(
                s["seam"],
                [MutantResult(**m) for m in s["mutants"]],
                list(s["errors"]),
                float(s["seconds"]),
                list(s["followed"]),
                dict(s["others"]),
                dict(s["value_readers"]),
            )
            for s in data["seams"]
        ]
        shard = data["shard"]
        return StrengthRun(
            seams,
            float(data["seconds"]),
            str(data["plan"]),
            int(data["planned"]),
            (int(shard[0]), int(shard[1])) if shard else None,
            data.get("since"),
            int(data.get("cached", 0)),
            list(data.get("notes", [])),
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise _bad(path, f"a field is missing or of the wrong type ({error!r})") from None


def _add(into: SeamStrength, part: SeamStrength) -> None:
    into.results += part.results
    into.errors += [e for e in part.errors if e not in into.errors]
    into.seconds += part.seconds
    into.followed = into.followed or part.followed
    for target, source in ((into.others, part.others), (into.value_readers, part.value_readers)):
        for module, count in source.items():
            target[module] = target.get(module, 0) + count


def merge_runs(paths: Sequence[Path]) -> StrengthRun:
    """The shards' runs as one; refuses files of other plans, a shard given twice, a missing
    shard, and a mutant in two shards."""
    runs = [(path, read_run(path)) for path in paths]
    if not runs:
        raise ReviewError("--merge needs the JSON files of the shards.")
    first_path, first = runs[0]
    by_k: dict[int, Path] = {}
    n = 0
    for path, run in runs:
        if run.shard is None:
            raise _bad(path, "not a shard (written without --shard K/N)")
        k, n_here = run.shard
        n = n or n_here
        if run.plan != first.plan or n_here != n:
            raise ReviewError(
                f"{path} is shard {k}/{n_here} of plan {run.plan}, but {first_path} is of plan "
                f"{first.plan} with N={n}: merge the shards of one run (the same commit, "
                f"options and N)."
            )
        if k in by_k:
            raise ReviewError(
                f"Shard {k}/{n} is given twice ({by_k[k]} and {path}): give each shard once."
            )
        by_k[k] = path
    missing = [k for k in range(n) if k not in by_k]
    if missing:
        raise ReviewError(
            f"Shards {', '.join(f'{k}/{n}' for k in missing)} are missing from the merge: "
            f"give all {n} shards' files (a failed shard job must be run again)."
        )
    seams: dict[str, SeamStrength] = {}
    owner: dict[str, Path] = {}
    for path, run in runs:
        for part in run.seams:
            for result in part.results:
                if result.id in owner:
                    raise ReviewError(
                        f"Mutant {result.id} is in both {owner[result.id]} and {path}: the "
                        f"shards overlap; run them again from one commit."
                    )
                owner[result.id] = path
            into = seams.setdefault(part.seam, SeamStrength(part.seam))
            _add(into, part)
    if len(owner) != first.planned:
        raise ReviewError(
            f"The shards hold {len(owner)} mutants, but their plan has {first.planned}: a "
            f"shard's file is incomplete (its run stopped early?); run that shard again."
        )
    for seam in seams.values():
        seam.results.sort(key=result_order)
    return StrengthRun(
        [seams[name] for name in sorted(seams)],
        max(run.seconds for _, run in runs),
        first.plan,
        first.planned,
        None,
        first.since,
        sum(run.cached for _, run in runs),
        sorted({note for _, run in runs for note in run.notes}),
    )
