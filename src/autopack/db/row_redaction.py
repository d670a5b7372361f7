"""Every row autopack writes to its database is redacted first: one listener on the session
factory, run before each flush.

The text columns (String and Text) of each new or changed row are redacted with the run's
Redactor (`autopack.run_redaction`), so a secret that reached a failure reason, an error message,
a learning hint or the recorded plan is stored as `<redacted>`. Two kinds of columns are kept as
they are, because a rule that matches values (the value of a secret environment variable is
replaced wherever it appears) must never change what autopack looks rows up by or decides on:

- the columns that identify a row: primary and foreign keys, and the columns of an index or a
  unique constraint (run and phase ids);
- the columns whose values autopack makes itself, marked `info=VERBATIM` in the models (states,
  statuses, escalation reasons and sources, hint types, the phase id of an event, the plan's
  digest, the checkpoint's commit id).

Rows are written through the ORM only (the one Core statement, a `delete`, writes no text), so the
flush is the one place every row passes.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import String, Table, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapper, Session, sessionmaker

from autopack.run_redaction import run_redactor

__all__ = ["install_row_redaction", "redacted_columns"]


@functools.cache
def redacted_columns(model: type[Any]) -> tuple[str, ...]:
    """The attributes of `model` whose text is redacted before it is written, in column order."""
    mapper: Mapper[Any] = inspect(model)
    table: Table = model.__table__
    unique = {
        column.name
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
        for column in constraint.columns
    }
    indexed = {column.name for index in table.indexes for column in index.columns}
    keys = []
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if not isinstance(column.type, String):
            continue
        identifies = column.primary_key or column.foreign_keys or column.name in unique | indexed
        if identifies or column.info.get("verbatim"):
            continue
        keys.append(attribute.key)
    return tuple(keys)


def install_row_redaction(factory: sessionmaker[Session]) -> None:
    """Redact the rows of every session `factory` makes, before each flush."""
    event.listen(factory, "before_flush", _redact_rows)


def _redact_rows(session: Session, _flush_context: Any, _instances: Any) -> None:
    redactor = run_redactor()
    for row in (*session.new, *session.dirty):
        loaded = inspect(row).dict
        for key in redacted_columns(type(row)):
            value = loaded.get(key)
            if isinstance(value, str):
                redacted = redactor.text(value)
                if redacted != value:
                    setattr(row, key, redacted)
