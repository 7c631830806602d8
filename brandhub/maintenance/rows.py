"""Database rows as plain JSON values and back, for the portable dump of a backup.

Values are encoded by the column's type: dates and times as ISO 8601, bytes as
base64, everything else as JSON has it (JSON columns stay JSON). Decoding reads
the type of the column in the current models, so a dump restores into a later
schema revision (columns it lacks keep their defaults, columns gone are skipped).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, LargeBinary, Table, inspect, text

from ..models.base import Base


def _kind(column: Any) -> type | None:
    kind = getattr(column.type, "impl", column.type)
    if isinstance(kind, DateTime):
        return datetime
    if isinstance(kind, Date):
        return date
    if isinstance(kind, LargeBinary):
        return bytes
    return None


def encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def row_decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    kinds = {c.name: _kind(c) for c in table.columns}

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, value in row.items():
            if name not in kinds:
                continue  # a column this schema no longer has
            kind = kinds[name]
            if value is not None and kind is datetime:
                value = datetime.fromisoformat(value)
            elif value is not None and kind is date:
                value = date.fromisoformat(value)
            elif value is not None and kind is bytes:
                value = base64.b64decode(value)
            out[name] = value
        return out

    return decode


def tables_of(connection: Connection) -> list[Table]:
    """The model tables this database has, parents before children."""
    present = set(inspect(connection).get_table_names())
    return [t for t in Base.metadata.sorted_tables if t.name in present]


def alembic_revisions(connection: Connection) -> list[str]:
    if "alembic_version" not in inspect(connection).get_table_names():
        return []
    return sorted(r for (r,) in connection.execute(text("SELECT version_num FROM alembic_version")))
