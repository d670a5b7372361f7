"""Engine and session-factory creation for the run database, and a non-creating probe.

Every error names the URL with its password hidden (`identity.safe_url`).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from autopack.db.identity import (
    AUTOPACK_APPLICATION_ID,
    SCHEMA_VERSION,
    check_run_plan,
    check_sqlite_identity,
    safe_url,
)
from autopack.db.models import Base
from autopack.db.row_redaction import install_row_redaction
from autopack.exceptions import DatabaseError, RunDatabaseError
from autopack.run_folder import RUNS_DIRNAME

DEFAULT_DB_FILENAME = "autopack.db"

_STORAGE_FAILURES = {
    3: "SQLITE_PERM",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    11: "SQLITE_CORRUPT",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
    26: "SQLITE_NOTADB",
}
"""SQLite's primary result codes for a database file that cannot be written or read."""


def sqlite_storage_problem(error: BaseException) -> str | None:
    """SQLite's message when `error` says the database file cannot be written or read, else None
    (a locked database, a constraint or an SQL error are not storage problems)."""
    code = getattr(error, "sqlite_errorcode", None)
    if (
        isinstance(error, sqlite3.Error)
        and isinstance(code, int)
        and code & 0xFF in _STORAGE_FAILURES
    ):
        return str(error)
    return None


def _stop_on_storage_failure(engine: Engine, path: Path) -> None:
    """Make a storage failure of the SQLite file at `path` raise RunDatabaseError (which stops the
    run) wherever it happens, instead of the SQLAlchemy error a best-effort step would log."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context):  # type: ignore[no-untyped-def]
        problem = sqlite_storage_problem(context.original_exception)
        if problem is None:
            return None
        return RunDatabaseError(str(path), problem)


def default_database_url(workspace: Path) -> str:
    """Return the SQLite URL of the default database, `<workspace>/.autonomous_runs/autopack.db`."""
    return f"sqlite:///{Path(workspace) / RUNS_DIRNAME / DEFAULT_DB_FILENAME}"


def sqlite_path(url: str) -> Path | None:
    """Return the file path of a file-backed SQLite URL, or None for other URLs and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_identity(conn: sqlite3.Connection) -> tuple[int, int, dict[str, set[str]]]:
    """The file's application id, user version, and each table with its column names."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    tables = {
        name: {row[1] for row in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))}
        for name in names
    }
    return application_id, user_version, tables


def _recorded_plan_digest(conn: sqlite3.Connection, tables: set[str], run_id: str) -> str | None:
    if "run_plans" not in tables:
        return None
    row = conn.execute("SELECT digest FROM run_plans WHERE run_id = ?", (run_id,)).fetchone()
    return row[0] if row else None


def _probe_sqlite_file(
    path: Path, url: str, *, run_id: str | None, plan_digest: str | None
) -> None:
    """Check an existing SQLite file, opened read-only: autopack's, and the run's plan."""
    shown = safe_url(url)
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            application_id, user_version, tables = _sqlite_identity(conn)
            check_sqlite_identity(
                url, application_id=application_id, user_version=user_version, tables=tables
            )
            recorded = _recorded_plan_digest(conn, set(tables), run_id) if run_id else None
            damage = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"cannot open database {shown!r}: {exc}; point --db at a SQLite file or a new path"
        ) from exc
    if damage != ["ok"]:
        found = " ".join(" ".join(damage).replace("*** in database main ***", "").split())
        raise DatabaseError(
            f"database {shown!r} is damaged ({found}); restore it from a backup, or point --db "
            "at a new file"
        )
    _check_writable(path, shown)
    if run_id is not None and plan_digest is not None:
        check_run_plan(run_id, recorded, plan_digest)


def _check_writable(path: Path, shown: str) -> None:
    """Raise DatabaseError unless the SQLite file at `path` (when it exists) and its folder (where
    SQLite writes its journal) can be written."""
    for target, what in ((path, "file"), (path.parent, "folder")):
        if target.exists() and not os.access(target, os.W_OK):
            raise DatabaseError(
                f"database {shown!r} cannot be written: its {what} {str(target)!r} is read-only; "
                "make it writable, or point --db at a writable place"
            )


def probe_database(
    url: str,
    *,
    will_create_parent: bool = False,
    run_id: str | None = None,
    plan_digest: str | None = None,
) -> None:
    """Check that `url` can be opened and used by autopack, without writing anything.

    A file-backed SQLite database must either exist and be a readable, undamaged (`PRAGMA
    quick_check`) and writable SQLite file that belongs to autopack (or is empty), or not exist in
    a writable directory that exists (or that the caller is about to create,
    `will_create_parent`). Other URLs are connected to once. With `run_id` and
    `plan_digest`, a run recorded with another plan is refused (PlanError). Raises DatabaseError
    naming the URL (password hidden) and the problem.
    """
    shown = safe_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"cannot open database {shown!r}: not a database URL; "
            "use e.g. 'sqlite:///path/to/autopack.db'"
        ) from exc
    path = sqlite_path(url)
    if path is not None:
        if path.exists():
            if path.is_dir():
                raise DatabaseError(f"cannot open database {shown!r}: {str(path)!r} is a directory")
            _probe_sqlite_file(path, url, run_id=run_id, plan_digest=plan_digest)
        elif not path.parent.is_dir() and not will_create_parent:
            raise DatabaseError(
                f"cannot open database {shown!r}: directory {str(path.parent)!r} does not exist; "
                "create it or choose another --db"
            )
        elif path.parent.is_dir():
            _check_writable(path, shown)
        return
    if parsed.get_backend_name() == "sqlite":
        return
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            recorded = None
            if run_id is not None and inspect(connection).has_table("run_plans"):
                recorded = connection.execute(
                    text("SELECT digest FROM run_plans WHERE run_id = :run_id"),
                    {"run_id": run_id},
                ).scalar()
        engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        raise DatabaseError(
            f"cannot open database {shown!r}: {exc.__class__.__name__}: {exc}"
        ) from exc
    if run_id is not None and plan_digest is not None:
        check_run_plan(run_id, recorded, plan_digest)


def _enable_sqlite_foreign_keys(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_session_factory(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Create the engine for `url`, create missing tables, and return it with a session factory.

    The sessions redact every row's text before they write it (`autopack.db.row_redaction`).
    The parent directory of a file-backed SQLite database is created. Raises DatabaseError when the
    database cannot be opened or its tables cannot be created. Afterwards, a SQLite file that
    cannot be written or read raises RunDatabaseError from the statement that found it.
    """
    path = sqlite_path(url)
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            _enable_sqlite_foreign_keys(engine)
            try:
                _check_and_stamp_sqlite(engine, url)
            except DatabaseError:
                engine.dispose()
                raise
            if path is not None:
                _stop_on_storage_failure(engine, path)
        else:
            Base.metadata.create_all(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseError(
            f"cannot open database {safe_url(url)!r}: {exc.__class__.__name__}: {exc}"
        ) from exc
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_row_redaction(factory)
    return engine, factory


def _check_and_stamp_sqlite(engine: Engine, url: str) -> None:
    """Refuse another application's SQLite file; create the tables and stamp autopack's id."""
    with engine.begin() as connection:
        application_id = connection.exec_driver_sql("PRAGMA application_id").scalar() or 0
        user_version = connection.exec_driver_sql("PRAGMA user_version").scalar() or 0
        inspector = inspect(connection)
        tables = {
            name: {column["name"] for column in inspector.get_columns(name)}
            for name in inspector.get_table_names()
        }
        check_sqlite_identity(
            url, application_id=application_id, user_version=user_version, tables=tables
        )
        Base.metadata.create_all(connection)
        if application_id != AUTOPACK_APPLICATION_ID or user_version != SCHEMA_VERSION:
            connection.exec_driver_sql(f"PRAGMA application_id = {AUTOPACK_APPLICATION_ID}")
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
