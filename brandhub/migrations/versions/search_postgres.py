"""the PostgreSQL search backend's schema: unaccent, pg_trgm, text search configurations, tables

Revision ID: search_postgres
Revises: resumable_upload_state
Create Date: 2026-12-07

On PostgreSQL only (SQLite has nothing to do): the ``brandhub_search`` schema
of :mod:`search_index.pg_schema`, whichever search backend the app uses, so
that switching to ``BRANDHUB_SEARCH_BACKEND=postgres`` later needs only a
``brandhub reindex``. ``CREATE EXTENSION`` of ``unaccent`` and ``pg_trgm``
needs the database's owner (both are trusted extensions) or a superuser; a
role without that privilege fails here with PostgreSQL's own message, and a
DBA runs the two ``CREATE EXTENSION`` statements once (see the README).

The statements are written out here rather than read from the package, so
that this migration keeps doing what it did when the package changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "search_postgres"
down_revision = "resumable_upload_state"

_TOKENS = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, "
    "hword_part, hword_numpart"
)
_UPGRADE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE SCHEMA brandhub_search",
    "CREATE TEXT SEARCH DICTIONARY brandhub_search.spanish_stem "
    "(TEMPLATE = snowball, Language = spanish)",
    "CREATE TEXT SEARCH CONFIGURATION brandhub_search.spanish (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION brandhub_search.spanish ALTER MAPPING FOR {_TOKENS} "
    "WITH unaccent, brandhub_search.spanish_stem",
    "CREATE TEXT SEARCH CONFIGURATION brandhub_search.spanish_raw (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION brandhub_search.spanish_raw ALTER MAPPING FOR {_TOKENS} "
    "WITH brandhub_search.spanish_stem",
    "CREATE TEXT SEARCH CONFIGURATION brandhub_search.names (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION brandhub_search.names ALTER MAPPING FOR {_TOKENS} "
    "WITH unaccent, simple",
    """CREATE TABLE brandhub_search.documents (
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
    )""",
    "CREATE INDEX documents_vector ON brandhub_search.documents USING gin (vector)",
    "CREATE INDEX documents_created ON brandhub_search.documents (created, asset_id)",
    "CREATE INDEX documents_titlekey ON brandhub_search.documents (titlekey, asset_id)",
    """CREATE TABLE brandhub_search.words (
        word text COLLATE "C" PRIMARY KEY,
        spelling text NOT NULL
    )""",
    "CREATE INDEX words_trigrams ON brandhub_search.words USING gin (word gin_trgm_ops)",
    "CREATE TABLE brandhub_search.meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE brandhub_search.facet_counts (
        facet text NOT NULL,
        value text NOT NULL,
        agency text NOT NULL,
        public boolean NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (facet, value, agency, public)
    )""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _UPGRADE:
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The extensions stay: other schemas may use them, and dropping needs their owner.
    op.execute(sa.text("DROP SCHEMA IF EXISTS brandhub_search CASCADE"))
