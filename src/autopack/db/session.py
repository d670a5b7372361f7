"""Engine and session-factory creation for the run database, and a non-creating probe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from autopack.db.models import Base
from autopack.exceptions import DatabaseError

RUNS_DIRNAME = ".autonomous_runs"
DEFAULT_DB_FILENAME = "autopack.db"


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


def probe_database(url: str, *, will_create_parent: bool = False) -> None:
    """Check that `url` can be opened, without creating anything.

    A file-backed SQLite database must either exist and be a readable SQLite file, or not exist in a
    directory that exists (or that the caller is about to create, `will_create_parent`). Other URLs are
    connected to once. Raises DatabaseError naming the URL and the problem.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"cannot open database {url!r}: not a database URL ({exc}); "
            "use e.g. 'sqlite:///path/to/autopack.db'"
        ) from exc
    path = sqlite_path(url)
    if path is not None:
        if path.exists():
            if path.is_dir():
                raise DatabaseError(f"cannot open database {url!r}: {str(path)!r} is a directory")
            try:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                try:
                    conn.execute("PRAGMA schema_version").fetchone()
                finally:
                    conn.close()
            except sqlite3.Error as exc:
                raise DatabaseError(
                    f"cannot open database {url!r}: {exc}; point --db at a SQLite file or a new path"
                ) from exc
        elif not path.parent.is_dir() and not will_create_parent:
            raise DatabaseError(
                f"cannot open database {url!r}: directory {str(path.parent)!r} does not exist; "
                "create it or choose another --db"
            )
        return
    if parsed.get_backend_name() == "sqlite":
        return
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        raise DatabaseError(
            f"cannot open database {url!r}: {exc.__class__.__name__}: {exc}"
        ) from exc


def _enable_sqlite_foreign_keys(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_session_factory(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """Create the engine for `url`, create missing tables, and return it with a session factory.

    The parent directory of a file-backed SQLite database is created. Raises DatabaseError when the
    database cannot be opened or its tables cannot be created.
    """
    path = sqlite_path(url)
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            _enable_sqlite_foreign_keys(engine)
        Base.metadata.create_all(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseError(
            f"cannot open database {url!r}: {exc.__class__.__name__}: {exc}"
        ) from exc
    return engine, sessionmaker(bind=engine, expire_on_commit=False)
