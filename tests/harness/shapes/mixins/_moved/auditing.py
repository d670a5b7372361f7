"""The audit trail of an exporter (moved out of ``AuditMixin``)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def record_audit(exporter, action: str, **details: object) -> None:
    exporter.audit_log.append({"action": action, **details})
    log.info("audit %s %s", action, details)
