"""Exports report rows to storage, with serialization and auditing from mixins."""

from __future__ import annotations

import json
import logging

from mixins.auditing import record_audit

log = logging.getLogger(__name__)


class JsonMixin:
    indent = 2

    def to_json(self, rows: list[dict[str, object]]) -> str:
        return json.dumps({"rows": rows, "count": len(rows)}, indent=self.indent)


class AuditMixin:
    def audit(self, action: str, **details: object) -> None:
        record_audit(self, action, **details)


class Base:
    def __init__(self, storage) -> None:
        self.storage = storage
        self.audit_log: list[dict[str, object]] = []


class ReportExporter(JsonMixin, AuditMixin, Base):
    def export(self, name: str, rows: list[dict[str, object]]) -> str:
        body = self.to_json(rows)
        key = f"reports/{name}.json"
        self.storage.put(key, body, content_type="application/json")
        self.audit("export", key=key, rows=len(rows))
        return key
