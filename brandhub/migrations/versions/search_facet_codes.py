"""the PostgreSQL search backend's documents: facet codes, narrow columns first

Revision ID: search_facet_codes
Revises: search_postgres
Create Date: 2026-12-07

On PostgreSQL only (SQLite has nothing to do). A search with a frequent word
reads tens of thousands of rows of ``brandhub_search.documents``: its sort keys
and facet values, for ranking and counting. This revision rebuilds that table
with those columns first and fixed-width, the wide ones (``vector``,
``texts``) last, and every facet value also as an integer code
(``c_<facet>``, ``c_tags``) from the new table ``facet_values``, which is
faster to group than text. The documents are copied across (no reindex is
needed); going down copies them back into the earlier layout.

The statements are written out here rather than read from the package, so
that this migration keeps doing what it did when the package changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "search_facet_codes"
down_revision = "search_postgres"

_S = "brandhub_search"
_SINGLE = ("category", "kind", "agency", "year", "orientation", "compliance", "status", "has_text")
_INDEXES = (
    f"CREATE INDEX documents_vector ON {_S}.documents USING gin (vector)",
    f"CREATE INDEX documents_created ON {_S}.documents (created, asset_id)",
    f"CREATE INDEX documents_titlekey ON {_S}.documents (titlekey, asset_id)",
)
_NEW_TABLE = f"""CREATE TABLE {_S}.documents_new (
    asset_id bigint PRIMARY KEY,
    created bigint NOT NULL,
    captured bigint,
    public boolean NOT NULL,
    c_category integer,
    c_kind integer NOT NULL,
    c_agency integer,
    c_year integer NOT NULL,
    c_orientation integer,
    c_compliance integer NOT NULL,
    c_status integer NOT NULL,
    c_has_text integer,
    c_tags integer[] NOT NULL,
    category text,
    kind text NOT NULL,
    agency text,
    year text NOT NULL,
    tags text[] NOT NULL,
    orientation text,
    compliance text NOT NULL,
    status text NOT NULL,
    has_text text,
    titlekey text COLLATE "C" NOT NULL,
    vector tsvector NOT NULL,
    texts jsonb NOT NULL
)"""
_OLD_TABLE = f"""CREATE TABLE {_S}.documents_new (
    asset_id bigint PRIMARY KEY,
    texts jsonb NOT NULL,
    vector tsvector NOT NULL,
    category text,
    kind text NOT NULL,
    agency text,
    year text NOT NULL,
    tags text[] NOT NULL,
    orientation text,
    compliance text NOT NULL,
    status text NOT NULL,
    has_text text,
    public boolean NOT NULL,
    created bigint NOT NULL,
    captured bigint,
    titlekey text COLLATE "C" NOT NULL
)"""
_TEXT_COLUMNS = (
    "asset_id, created, captured, public, category, kind, agency, year, tags, orientation, "
    "compliance, status, has_text, titlekey, vector, texts"
)


def _code(facet: str) -> str:
    return (
        f"(SELECT v.code FROM {_S}.facet_values v "
        f"WHERE v.facet = '{facet}' AND v.value = d.{facet})"
    )


def _swap() -> None:
    """Put ``documents_new`` in the place of ``documents``, with the same names."""
    op.execute(sa.text(f"DROP TABLE {_S}.documents"))
    op.execute(sa.text(f"ALTER TABLE {_S}.documents_new RENAME TO documents"))
    op.execute(
        sa.text(
            f"ALTER TABLE {_S}.documents RENAME CONSTRAINT documents_new_pkey TO documents_pkey"
        )
    )
    for statement in _INDEXES:
        op.execute(sa.text(statement))
    op.execute(sa.text(f"ANALYZE {_S}.documents"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        sa.text(
            f"""CREATE TABLE {_S}.facet_values (
                code integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                facet text NOT NULL,
                value text NOT NULL,
                UNIQUE (facet, value)
            )"""
        )
    )
    values = " UNION ".join(
        [f"SELECT '{f}', {f} FROM {_S}.documents WHERE {f} IS NOT NULL" for f in _SINGLE]
        + [f"SELECT 'tag', unnest(tags) FROM {_S}.documents"]
    )
    op.execute(
        sa.text(
            f"INSERT INTO {_S}.facet_values (facet, value) "
            f"SELECT * FROM ({values}) x(facet, value) ORDER BY 1, 2"
        )
    )
    op.execute(sa.text(_NEW_TABLE))
    codes = ", ".join(_code(f) for f in _SINGLE)
    tags = (
        f"ARRAY(SELECT v.code FROM unnest(d.tags) WITH ORDINALITY AS t(value, n) "
        f"JOIN {_S}.facet_values v ON v.facet = 'tag' AND v.value = t.value ORDER BY t.n)"
    )
    op.execute(
        sa.text(
            f"INSERT INTO {_S}.documents_new ({_TEXT_COLUMNS}, "
            + ", ".join(f"c_{f}" for f in _SINGLE)
            + f", c_tags) SELECT {_TEXT_COLUMNS}, {codes}, {tags} FROM {_S}.documents d"
        )
    )
    _swap()


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(sa.text(_OLD_TABLE))
    op.execute(
        sa.text(
            f"INSERT INTO {_S}.documents_new ({_TEXT_COLUMNS}) "
            f"SELECT {_TEXT_COLUMNS} FROM {_S}.documents"
        )
    )
    _swap()
    op.execute(sa.text(f"DROP TABLE {_S}.facet_values"))
