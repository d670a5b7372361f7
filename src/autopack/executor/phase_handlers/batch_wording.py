"""The wording of the batching loop: its log lines and stored error texts, per kind of phase.

`SHARED_WORDING` is the shared loop's (the diagnostics phases); `research_wording` builds a research
phase's. The texts are part of the executor's contract (the goldens pin them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    """The loop's log lines and stored error texts, as `str.format` templates.

    Fields a template may use: `phase_id`, `label`, `total`, `index`, `bucket`, `files`, `error`,
    `missing`, `errors`, `path`, `tokens`, `quality`, and in `start` `count`, `buckets`, `attempt`;
    in `outside_scope` `outside`; in `summary` `applied`, `changed`, `uncited`. A template that is
    None is a line this kind of phase does not log.
    """

    start: str
    builder_failed: str
    builder_failed_error: str
    missing: str
    missing_error: str
    not_applied: str
    not_applied_error: str
    applied: str
    gate: str
    skipped: str | None = None
    outside_scope: str | None = None
    batch_start: str | None = None
    not_compiling: str | None = None
    uncited: str | None = None
    summary: str | None = None


SHARED_WORDING = Wording(
    start="Phase {phase_id} ({label}): {total} batch(es) of {count} deliverable(s)",
    skipped="Phase {phase_id} batch {index}/{total} already present; skipped on retry: {files}",
    builder_failed="Builder failed for {phase_id} batch {index}/{total}: {error}",
    builder_failed_error="batch {index}/{total} ({label}): {error}",
    missing="Phase {phase_id} batch {index}/{total} missing deliverables: {missing}",
    missing_error="batch {index}/{total} missing deliverables: {missing}",
    not_applied="Phase {phase_id} batch {index}/{total} patch not applied: {error}",
    not_applied_error="batch {index}/{total}: {error}",
    applied="Phase {phase_id} batch {index}/{total} applied: {files}",
    gate="Phase {phase_id} ({label}) quality gate: {quality}",
)


def research_wording(name: str, *, start_name: str | None = None, **lines: str) -> Wording:
    """The wording of a research phase whose lines start with `name` and the phase id.

    `start_name` replaces `name` in the first line; `lines` adds the optional ones
    (`outside_scope`, `not_compiling`, `uncited`) or replaces a default (`summary`).
    """
    batch = name + " {phase_id} batch {index}/{total}"
    defaults = {
        "start": (start_name or name)
        + " {phase_id}: {total} batch(es) ({buckets}), attempt {attempt}",
        "batch_start": batch + " ({bucket}): {files}",
        "builder_failed": batch + " builder failed: {error}",
        "builder_failed_error": "research batch {index}/{total} ({bucket}): {error}",
        "missing": batch + " missing deliverables: {missing}",
        "missing_error": "research batch {index}/{total} missing deliverables: {missing}",
        "not_applied": batch + " patch not applied: {error}",
        "not_applied_error": "research batch {index}/{total}: {error}",
        "applied": batch + " applied ({tokens} tokens)",
        "summary": name
        + " {phase_id}: {applied} batch(es) applied, {tokens} tokens, {changed} file(s)",
        "gate": name + " {phase_id} quality gate: {quality}",
    }
    return Wording(**{**defaults, **lines})
