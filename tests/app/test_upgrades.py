"""Upgrades from every earlier schema: a database with rows, at each earlier revision, to head.

For every Alembic revision but the heads, on the backend the suite runs on
(SQLite, or PostgreSQL with ``BRANDHUB_TEST_DATABASE_URL``): migrate an empty
database to that revision, put a row in every table that exists there (values
made from each column's type; foreign keys point at the row of the table they
name), migrate to head and check that no row was lost and that the ORM reads
every row back (tests/app/test_migrations.py checks that head is the models'
schema). Then go down again to that revision (on its own branch: branches
merged later stay applied), and check that the rows are still there.

One row per table is enough for a migration's data step to meet real data (a
backfill, a copied column, a table rebuilt by SQLite's batch mode) without
making the test slow. It found that batch mode's rebuild of a table emptied,
through ON DELETE CASCADE, every table pointing at it (fixed in migrations/env.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from brandhub.db import alembic_config, make_engine
from brandhub.models import Base

_SCRIPTS = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
HEADS = set(_SCRIPTS.get_heads())
#: Every revision this version can upgrade from, oldest first.
EARLIER = [
    rev.revision for rev in reversed(list(_SCRIPTS.walk_revisions())) if rev.revision not in HEADS
]
WHEN = datetime.datetime(2025, 11, 23, 10, 30, 0)


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def _value(table: Table, column: Column[Any]) -> Any:
    """A value of the column's type; 1 for a foreign key (the referenced table's row)."""
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column.table.name
        return None if target == table.name and column.nullable else 1
    if column.name.endswith("_id") and column.nullable:
        # An id with no foreign key (yet) names a row of a table this revision may not
        # have (a share link's collection before collections existed): left empty.
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, Float | Numeric):
        return 1.5
    if isinstance(kind, DateTime):
        return WHEN
    if isinstance(kind, Date):
        return WHEN.date()
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b"\x00bytes"
    if isinstance(kind, String):
        length = kind.length or 40
        return f"{table.name}-{column.name}"[:length]
    return f"{column.name}"


def _row(table: Table) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in table.columns:
        autoincrement = (
            column.primary_key
            and isinstance(column.type, Integer)
            and not column.foreign_keys
            and len(table.primary_key.columns) == 1
        )
        if not autoincrement:
            row[column.name] = _value(table, column)
    return row


def populate(engine: Engine) -> dict[str, int]:
    """A row in every table of the database as it is now; the row count of each."""
    metadata = MetaData()
    metadata.reflect(engine)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            conn.execute(insert(table).values(**_row(table)))
            counts[table.name] = 1
    return counts


def row_counts(engine: Engine, names: set[str]) -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(metadata.tables[name])) or 0
            for name in names
            if name in metadata.tables
        }


def _config(engine: Engine) -> Any:
    cfg = alembic_config(engine)
    cfg.attributes["time_zone"] = "America/Argentina/Buenos_Aires"
    return cfg


def test_the_history_has_earlier_revisions() -> None:
    assert len(EARLIER) >= 10
    assert "0001" in EARLIER


@pytest.mark.parametrize("revision", EARLIER)
def test_a_populated_database_at_each_earlier_revision_upgrades_and_goes_back(
    engine: Engine, revision: str
) -> None:
    cfg = _config(engine)
    command.upgrade(cfg, revision)
    populated = populate(engine)

    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        assert set(MigrationContext.configure(conn).get_current_heads()) == HEADS
    after = row_counts(engine, set(populated))
    assert after == {name: populated[name] for name in after}, "rows lost on the way up"
    # The ORM reads back every row the older schema held.
    with Session(engine) as db:
        for mapper in Base.registry.mappers:
            if mapper.local_table.name in populated:
                assert db.scalars(select(mapper.class_)).all()

    # Down to the revision on its branch (branches merged later stay where head has them).
    command.downgrade(cfg, revision)
    with engine.connect() as conn:
        assert revision in MigrationContext.configure(conn).get_current_heads()
    back = row_counts(engine, set(populated))
    assert back == populated, "rows lost on the way down"
