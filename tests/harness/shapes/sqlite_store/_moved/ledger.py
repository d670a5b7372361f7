"""A small ledger in sqlite3."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from sqlite_store.schema import ensure_schema

log = logging.getLogger(__name__)


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, entries: list[tuple[str, int]]) -> int:
        with sqlite3.connect(self.path) as db:
            ensure_schema(db)
            db.executemany("INSERT INTO entries VALUES (?, ?)", entries)
            (total,) = db.execute("SELECT SUM(cents) FROM entries").fetchone()
        log.info("recorded %d entries, balance %d", len(entries), total)
        return total

    def rows(self) -> list[tuple[str, int]]:
        with sqlite3.connect(self.path) as db:
            return db.execute("SELECT account, cents FROM entries ORDER BY rowid").fetchall()
