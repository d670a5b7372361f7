"""Quality gate: combines CI and auditor findings into ok / needs_review / blocked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BLOCKING_SEVERITIES = frozenset({"critical", "major"})


@dataclass
class QualityReport:
    """The gate's verdict and the reasons for it."""

    quality_level: str
    is_blocked: bool
    issues: list[str] = field(default_factory=list)


class QualityGate:
    """Blocks a change when CI failed, the auditor rejected it, or a major/critical issue was found."""

    def assess_phase(
        self,
        *,
        phase_id: str,
        ci_result: dict[str, Any] | None,
        auditor_approved: bool,
        auditor_issues: list[dict[str, Any]],
        files_changed: list[str],
    ) -> QualityReport:
        """Return the gate's verdict for one phase's change."""
        blocking: list[str] = []
        review: list[str] = []
        if ci_result and not ci_result.get("skipped") and not ci_result.get("passed"):
            blocking.append(f"CI {ci_result.get('status', 'failed')}")
        if ci_result and ci_result.get("suspicious_zero_tests"):
            review.append("CI ran zero tests")
        if not auditor_approved:
            blocking.append("auditor rejected the change")
        for issue in auditor_issues:
            severity = str(issue.get("severity", "minor")).lower()
            text = f"{severity}: {issue.get('message', issue.get('description', ''))}".strip()
            (blocking if severity in BLOCKING_SEVERITIES else review).append(text)
        if not files_changed:
            review.append("no files changed")
        if blocking:
            return QualityReport("blocked", True, blocking + review)
        if review:
            return QualityReport("needs_review", False, review)
        return QualityReport("ok", False, [])
