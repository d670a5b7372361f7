"""Characterization of ``Ledger.record``."""

from __future__ import annotations

from golden_harness import Seam
from sqlite_store.ledger import Ledger

GOLDEN_SEAM = Seam("sqlite_store", covers=["sqlite_store.ledger:Ledger.record"])


def test_records_entries(golden):
    ledger = Ledger(golden.workspace / "ledger.db")
    golden.call(ledger.record, [("cash", 500), ("bank", -200)])
    golden.observe("entries", ledger.rows())
