"""the PostgreSQL search backend: each document's lexemes in a table of their own

Revision ID: search_terms
Revises: search_field_lexemes
Create Date: 2026-12-07

On PostgreSQL only (SQLite has nothing to do). A search for a frequent word
read every matching row of ``brandhub_search.documents`` to check it, rank it
and count its facets: at a million documents, a word in a tenth of them cost
more than 400 ms. This revision adds:

* ``terms``: one row per lexeme of each document, with what that lexeme adds
  to ``ts_rank`` (the function ``term_rank``), keyed by lexeme and asset, so
  a word's documents and ranks come from one index-only scan. It is filled
  here from the documents' vectors: no reindex is needed;
* ``documents.changed`` and ``removed``: the transaction that last wrote each
  document, and the documents taken out, so that every process keeps its copy
  of the facet codes and sort keys in step by reading only what changed.

Going down drops them. The statements are written out here rather than read
from the package, so that this migration keeps doing what it did when the
package changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "search_terms"
down_revision = "search_field_lexemes"

_S = "brandhub_search"
_WEIGHT = "CASE {} WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.5 WHEN 'C' THEN 0.3 ELSE 0.25 END"
_UPGRADE = (
    f"CREATE FUNCTION {_S}.term_rank(weights text[]) RETURNS real "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CAST(CASE "
    "WHEN weights IS NULL THEN 0.25 "
    f"WHEN cardinality(weights) = 1 THEN {_WEIGHT.format('weights[1]')} "
    "ELSE (SELECT max(w) + sum(w / (j * j)) - max(w) / "
    "((array_agg(j ORDER BY w DESC, j))[1] ^ 2) "
    f"FROM (SELECT CAST({_WEIGHT.format('c')} AS float8) AS w, CAST(j AS float8) AS j "
    "FROM unnest(weights) WITH ORDINALITY AS u(c, j)) x) "
    "END / 1.64493406685 AS real) $$",
    f"""CREATE TABLE {_S}.terms (
        lexeme text COLLATE "C" NOT NULL,
        asset_id bigint NOT NULL,
        rank real NOT NULL
    ) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02)""",
    f"INSERT INTO {_S}.terms (lexeme, asset_id, rank) "
    "SELECT u.lexeme, d.asset_id, CASE "
    "WHEN u.weights IS NULL THEN CAST(0.25 / 1.64493406685 AS real) "
    "WHEN cardinality(u.weights) = 1 "
    f"THEN CAST({_WEIGHT.format('u.weights[1]')} / 1.64493406685 AS real) "
    f"ELSE {_S}.term_rank(u.weights) END "
    f"FROM {_S}.documents d, unnest(d.vector) u",
    f"ALTER TABLE {_S}.terms ADD CONSTRAINT terms_pkey PRIMARY KEY (lexeme, asset_id) "
    "INCLUDE (rank)",
    f"ALTER TABLE {_S}.documents ADD COLUMN changed xid8 NOT NULL DEFAULT pg_current_xact_id()",
    f"CREATE INDEX documents_changed ON {_S}.documents (changed)",
    f"""CREATE TABLE {_S}.removed (
        asset_id bigint NOT NULL,
        changed xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    f"CREATE INDEX removed_changed ON {_S}.removed (changed)",
    f"ANALYZE {_S}.terms",
    # The planner then knows every row's ``changed`` is this migration's: a process asking
    # for the rows changed since it last read them finds them by the index.
    f"ANALYZE {_S}.documents",
)
_DOWNGRADE = (
    f"DROP TABLE {_S}.removed",
    f"DROP TABLE {_S}.terms",
    f"ALTER TABLE {_S}.documents DROP COLUMN changed",
    f"DROP FUNCTION {_S}.term_rank(text[])",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _UPGRADE:
        op.execute(sa.text(statement))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _DOWNGRADE:
        op.execute(sa.text(statement))
