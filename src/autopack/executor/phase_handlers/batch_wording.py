"""The wording of the batching loop: its log lines and stored error texts, per kind of phase.

`SHARED_WORDING` is the shared loop's (the diagnostics phases); `research_wording` builds a research
phase's. The texts are part of the executor's contract (the goldens pin them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    """How a failed batch is told: the error text stored for the phase, and the line logged."""

    stored: str
    logged: str
    level: int = logging.WARNING


@dataclass(frozen=True)
class Wording:
    """The loop's log lines and stored error texts, as `str.format` templates.

    Every template may use `phase_id`, `label` and `total`; the per-batch ones `index`, `bucket`
    and `files` too. Besides: `start` `count`, `buckets`, `attempt`; `outside_scope` `outside`;
    `builder_failed` and `not_applied` `error`; `missing` `missing`; `not_compiling` `errors`;
    `uncited` `path`; `applied` `tokens`; `summary` `applied`, `tokens`, `changed`, `uncited`;
    `gate` `quality`. A line that is None is one this kind of phase does not log.
    """

    start: str
    builder_failed: Failure
    missing: Failure
    not_applied: Failure
    applied: str
    gate: str
    skipped: str | None = None
    outside_scope: str | None = None
    batch_start: str | None = None
    not_compiling: Failure | None = None
    uncited: str | None = None
    summary: str | None = None


def batch_failures(logged: str, stored: str) -> dict[str, Failure]:
    """The missing-deliverables and refused-apply texts of a batch logged as `logged` (for
    example "Phase {phase_id} batch {index}/{total}") and stored as `stored`."""
    return {
        "missing": Failure(
            stored=stored + " missing deliverables: {missing}",
            logged=logged + " missing deliverables: {missing}",
        ),
        "not_applied": Failure(
            stored=stored + ": {error}", logged=logged + " patch not applied: {error}"
        ),
    }


SHARED_WORDING = Wording(
    start="Phase {phase_id} ({label}): {total} batch(es) of {count} deliverable(s)",
    skipped="Phase {phase_id} batch {index}/{total} already present; skipped on retry: {files}",
    builder_failed=Failure(
        stored="batch {index}/{total} ({label}): {error}",
        logged="Builder failed for {phase_id} batch {index}/{total}: {error}",
        level=logging.ERROR,
    ),
    **batch_failures("Phase {phase_id} batch {index}/{total}", "batch {index}/{total}"),
    applied="Phase {phase_id} batch {index}/{total} applied: {files}",
    gate="Phase {phase_id} ({label}) quality gate: {quality}",
)


def research_wording(
    name: str,
    *,
    start_name: str | None = None,
    outside_scope: str | None = None,
    uncited: str | None = None,
    summary_tail: str = "",
) -> Wording:
    """The wording of a research phase whose lines start with `name` and the phase id.

    `start_name` replaces `name` in the first line; `outside_scope` and `uncited` are the lines
    of the tracer bullet's scope note and the gatherers' sources check; `summary_tail` is appended
    to the summary line.
    """
    batch = name + " {phase_id} batch {index}/{total}"
    return Wording(
        start=(start_name or name)
        + " {phase_id}: {total} batch(es) ({buckets}), attempt {attempt}",
        outside_scope=outside_scope,
        batch_start=batch + " ({bucket}): {files}",
        builder_failed=Failure(
            "research batch {index}/{total} ({bucket}): {error}",
            batch + " builder failed: {error}",
            logging.ERROR,
        ),
        **batch_failures(batch, "research batch {index}/{total}"),
        not_compiling=Failure(
            "research code does not compile: {errors}", batch + " does not compile: {errors}"
        ),
        uncited=uncited,
        applied=batch + " applied ({tokens} tokens)",
        summary=name
        + " {phase_id}: {applied} batch(es) applied, {tokens} tokens, {changed} file(s)"
        + summary_tail,
        gate=name + " {phase_id} quality gate: {quality}",
    )
