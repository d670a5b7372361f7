"""The governance bridge: the quality gate an applied change passes, and the human approval that may
override its block (through the executor's approvals, `executor.approvals`).
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def gate_phase(
    *, executor: Any, phase_id: str, ci_result: dict[str, Any], auditor_result: Any
) -> tuple[bool, str]:
    """Pass an applied, CI-checked and audited change through the quality gate; a blocked gate asks
    the approval channel, and a denial blocks the phase (`BLOCKED: <issues>`). Returns
    (True, "COMPLETE") when the gate passes or its block is overridden.

    Reads from the executor: `quality_gate`, `_last_files_changed_by_phase`; writes
    `_last_error_by_phase`; asks through its `_request_approval`.
    """
    quality_report = executor.quality_gate.assess_phase(
        phase_id=phase_id,
        ci_result=ci_result,
        auditor_approved=auditor_result.approved,
        auditor_issues=auditor_result.issues,
        files_changed=list(executor._last_files_changed_by_phase.get(phase_id, [])),
    )
    logger.info(
        "Quality gate for %s: %s (%d issue(s))",
        phase_id,
        quality_report.quality_level,
        len(quality_report.issues),
    )
    if quality_report.is_blocked:
        approved = executor._request_approval(
            phase_id,
            kind="quality_gate",
            summary=f"quality gate blocked: {'; '.join(quality_report.issues)}",
            details={
                "issues": list(quality_report.issues),
                "level": quality_report.quality_level,
            },
        )
        if not approved:
            reason = "; ".join(quality_report.issues)
            executor._last_error_by_phase[phase_id] = reason
            logger.warning("Phase %s blocked by the quality gate: %s", phase_id, reason)
            return False, f"BLOCKED: {reason}"
        logger.info("Phase %s quality gate override approved", phase_id)

    return True, "COMPLETE"
