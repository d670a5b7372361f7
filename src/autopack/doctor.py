"""The Doctor: picks a recovery action for a failed phase attempt. The default one is rule-based."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DOCTOR_ACTIONS = (
    "retry_with_fix",
    "replan",
    "skip_phase",
    "mark_fatal",
    "rollback_run",
    "execute_fix",
)

ALREADY_EXISTS_RE = re.compile(r"error: (\S+): already exists in working directory")
DOES_NOT_APPLY_RE = re.compile(r"error: (\S+): patch does not apply")
FATAL_MARKERS = ("permission denied", "read-only file system", "no space left on device")


@dataclass
class DoctorRequest:
    """What the Doctor is told about a failure."""

    phase_id: str
    error_category: str
    builder_attempts: int
    last_error: str
    diagnostics_summary: str = ""
    untracked_files: list[str] = field(default_factory=list)
    modified_files: list[str] = field(default_factory=list)
    provider: str | None = None
    health_budget: dict[str, int] = field(default_factory=dict)


@dataclass
class DoctorResponse:
    """The Doctor's decision: an action from DOCTOR_ACTIONS, with an optional hint and fixes."""

    action: str
    rationale: str
    hint: str | None = None
    fix_commands: list[str] = field(default_factory=list)
    disable_providers: list[str] = field(default_factory=list)
    confidence: float = 0.5


@dataclass(frozen=True)
class GiveUp:
    """From this many Builder attempts on, answer `action` instead of another retry."""

    attempts: int
    action: str
    rationale: str
    confidence: float


@dataclass(frozen=True)
class RetryRule:
    """The answer to a failure a better attempt can fix: `retry_with_fix` with a hint that gives the
    instruction and quotes the error, unless a step of `give_up` (checked in order) applies."""

    rationale: str
    instruction: str
    confidence: float
    give_up: tuple[GiveUp, ...] = ()


RETRY_RULES = {
    "ci_fail": RetryRule(
        "CI failed",
        "make the failing tests pass",
        0.7,
        give_up=(GiveUp(3, "replan", "CI keeps failing after 3 builder attempts", 0.6),),
    ),
    "deliverables_validation_failed": RetryRule(
        "deliverables missing", "produce every listed deliverable", 0.7
    ),
}
# Any other category is a rejected change (the Auditor's or the quality gate's).
REJECTION_RULE = RetryRule(
    "change rejected",
    "address the review findings",
    0.5,
    give_up=(
        GiveUp(4, "skip_phase", "rejected 4 times; skipping the phase", 0.5),
        GiveUp(3, "replan", "rejected 3 times; the phase needs a new plan", 0.5),
    ),
)


class RuleBasedDoctor:
    """Chooses an action from the failure category, the attempt count and the workspace state."""

    def diagnose(self, request: DoctorRequest) -> DoctorResponse:
        """Return the action for `request`; rules are checked in a fixed order, first match wins."""
        error = request.last_error or ""
        lowered = error.lower()
        if any(marker in lowered for marker in FATAL_MARKERS):
            return DoctorResponse(
                "mark_fatal", "environment failure no retry can fix", confidence=0.9
            )
        category = request.error_category
        if category == "infra_error":
            disable = (
                [request.provider] if request.provider and request.builder_attempts >= 3 else []
            )
            return DoctorResponse(
                "retry_with_fix",
                "transient infrastructure error",
                hint="the previous call failed for infrastructure reasons; retry unchanged",
                disable_providers=disable,
                confidence=0.6,
            )
        if category == "patch_apply_error":
            return self._patch_failure(request, error)
        rule = RETRY_RULES.get(category, REJECTION_RULE)
        for step in rule.give_up:
            if request.builder_attempts >= step.attempts:
                return DoctorResponse(step.action, step.rationale, confidence=step.confidence)
        return DoctorResponse(
            "retry_with_fix",
            rule.rationale,
            hint=f"{rule.instruction}: {error[:200]}",
            confidence=rule.confidence,
        )

    @staticmethod
    def _patch_failure(request: DoctorRequest, error: str) -> DoctorResponse:
        existing = [p for p in ALREADY_EXISTS_RE.findall(error) if p in request.untracked_files]
        if existing:
            return DoctorResponse(
                "rollback_run",
                f"files left by an earlier attempt block the patch: {', '.join(existing)}",
                hint="the workspace was rolled back to the run checkpoint; write the files afresh",
                confidence=0.8,
            )
        drifted = [p for p in DOES_NOT_APPLY_RE.findall(error) if p in request.modified_files]
        if drifted:
            return DoctorResponse(
                "execute_fix",
                f"local modifications block the patch: {', '.join(drifted)}",
                hint="local modifications were reverted; patch the committed content",
                fix_commands=[f"git checkout -- {path}" for path in drifted],
                confidence=0.7,
            )
        return DoctorResponse(
            "retry_with_fix",
            "patch does not apply",
            hint="regenerate the patch against the current file contents",
            confidence=0.6,
        )
