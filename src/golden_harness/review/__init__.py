"""Reviewing goldens: ``golden diff``, ``golden report``, ``golden review`` and divergence notes.

The changed goldens between revisions, the per-seam report, the per-commit review of a pull
request (commit kinds, golden changes, check-move and verify-move verdicts), and how a run that a
strict fake stopped differs from its golden.
"""

from golden_harness.review._commits import GUARDED_KINDS, commit_kind, subject_pattern
from golden_harness.review._divergence import divergence
from golden_harness.review._golden_diff import (
    GoldenChange,
    changed_goldens,
    describe_change,
    render_changes,
)
from golden_harness.review._report import OK_STATUSES, build_report, render_report
from golden_harness.review._review import CommitStrength, render_review, review

__all__ = [
    "GUARDED_KINDS",
    "OK_STATUSES",
    "CommitStrength",
    "GoldenChange",
    "build_report",
    "changed_goldens",
    "commit_kind",
    "describe_change",
    "divergence",
    "render_changes",
    "render_report",
    "render_review",
    "review",
    "subject_pattern",
]
