"""Approvals and notifications: ask the approval channel for a decision, and notify the run's notifier.

Both are best effort by design, decided here: a failing approval channel is a denial, a failing
notifier is logged. Read from the executor: `run_id`, `approval_channel`, `notifier` and the
`_approval_history` list (appended to); `request_approval` notifies through the executor's
`_send_notification`.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

logger = logging.getLogger(__name__)


def request_approval(
    executor, phase_id: str, *, kind: str, summary: str, details: dict[str, Any]
) -> bool:
    """Ask the approval channel; notifies before and after; any failure is a denial."""
    from autopack.approval_channel import ApprovalRequest

    request = ApprovalRequest(
        request_id=str(uuid.uuid4()),
        run_id=executor.run_id,
        phase_id=phase_id,
        kind=kind,
        summary=summary,
        details=details,
    )
    executor._send_notification(
        "approval_requested", f"Approval needed for {phase_id} ({kind}): {summary}"
    )
    try:
        decision = executor.approval_channel.request_approval(request)
        approved = bool(decision.approved)
        reason = decision.reason
    except Exception as exc:
        logger.warning("Approval channel failed for %s: %s", phase_id, exc)
        approved = False
        reason = f"approval channel error: {type(exc).__name__}"
    executor._approval_history.append(
        {
            "request_id": request.request_id,
            "phase_id": phase_id,
            "kind": kind,
            "approved": approved,
        }
    )
    verdict = "approved" if approved else "denied"
    logger.info("Approval %s for %s (%s): %s", verdict, phase_id, kind, reason)
    executor._send_notification("approval_decided", f"{kind} for {phase_id} {verdict}: {reason}")
    return approved


def send_notification(executor, event: str, message: str) -> bool:
    """Send a notification; a failing notifier is logged and never fails the run."""
    try:
        return bool(executor.notifier.notify(event, message))
    except Exception as exc:
        logger.warning("Notification %s failed: %s", event, exc)
        return False
