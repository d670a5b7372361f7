"""Which SQLite files are autopack's, URLs safe to show, and the plan a run id belongs to.

An autopack SQLite database carries `PRAGMA application_id = AUTOPACK_APPLICATION_ID` and
`PRAGMA user_version = SCHEMA_VERSION`. A file with another application id, or without one but
holding tables autopack does not own, belongs to another application and is refused before
anything is written to it, as is a file whose tables carry autopack's names but other columns. A
file without an id that holds only autopack tables, with autopack's columns, was written by an
earlier autopack; it is accepted and stamped.

Each run records the digest of the plan it was started with (`run_plans`); a run id reused with
another plan is refused instead of merging two plans' phases into one run.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from autopack.exceptions import DatabaseError, PlanError

AUTOPACK_APPLICATION_ID = 0x4175506B  # "AuPk"
SCHEMA_VERSION = 1
AUTOPACK_TABLES = frozenset(
    {
        "runs",
        "phases",
        "token_budget_escalation_events",
        "phase_errors",
        "learning_hints",
        "run_plans",
    }
)
_PASSWORD_RE = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def safe_url(url: str) -> str:
    """The URL with its password replaced by `***`, as SQLAlchemy renders it."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return _PASSWORD_RE.sub(r"\1***@", url)


def autopack_schema() -> dict[str, frozenset[str]]:
    """Each autopack table with the names of its columns, as the models declare them."""
    from autopack.db.models import Base

    return {
        name: frozenset(column.name for column in table.columns)
        for name, table in Base.metadata.tables.items()
    }


def check_sqlite_identity(
    url: str, *, application_id: int, user_version: int, tables: dict[str, set[str]]
) -> None:
    """Raise DatabaseError unless the SQLite file described is autopack's (or empty).

    `tables` maps each table of the file to its column names. The file is autopack's when its
    application id is autopack's (or 0, a file of an earlier autopack or a new one) and every
    table in it is an autopack table with exactly autopack's columns; whatever else it holds, it
    belongs to another application.
    """
    shown = safe_url(url)
    refusal = (
        f"database {shown!r} belongs to another application ({{owner}}); autopack will not "
        "write to it: point --db at an autopack database or a new file"
    )
    if application_id not in (0, AUTOPACK_APPLICATION_ID):
        raise DatabaseError(refusal.format(owner=f"application_id {application_id:#x}"))
    if application_id == AUTOPACK_APPLICATION_ID and user_version > SCHEMA_VERSION:
        raise DatabaseError(
            f"database {shown!r} has autopack schema version {user_version}, newer than this "
            f"autopack's {SCHEMA_VERSION}; upgrade autopack or choose another --db"
        )
    foreign = sorted(set(tables) - AUTOPACK_TABLES)
    if foreign:
        listed = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise DatabaseError(refusal.format(owner=f"tables {listed}"))
    schema = autopack_schema()
    for name in sorted(tables):
        if set(tables[name]) != schema[name]:
            columns = ", ".join(sorted(tables[name])[:8]) + (
                ", ..." if len(tables[name]) > 8 else ""
            )
            raise DatabaseError(
                refusal.format(owner=f"table {name} has columns {columns}, not autopack's")
            )


def plan_digest(plan: dict[str, Any]) -> str:
    """The SHA-256 of the plan's canonical JSON (key order, layout and comments do not count)."""
    text = json.dumps(plan, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_run_plan(run_id: str, recorded: str | None, digest: str) -> None:
    """Raise PlanError when the run was started with another plan than the one given now."""
    if recorded is not None and recorded != digest:
        raise PlanError(
            f"run id {run_id!r} was started with a different plan (plan digest {recorded[:12]}, "
            f"this plan {digest[:12]}); restore that plan to resume the run, or pass a new "
            "--run-id to start another run"
        )
