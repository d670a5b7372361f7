"""The ledger's schema (moved out of ``Ledger.record``)."""

from __future__ import annotations


def ensure_schema(db) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS entries (account TEXT, cents INTEGER)")
