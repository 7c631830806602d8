"""The PostgreSQL side of the search index: its tables, text search configurations, fields.

Everything lives in one schema, ``brandhub_search``, so the app's own tables
(and the migration checks that compare them with the models) never see it:

* ``documents``: one row per asset: the stored text of its fields
  (``texts``, JSON, for snippets and consistency checks), one weighted
  ``tsvector`` of every text field (``vector``, GIN index), one column per
  facet, the sort keys, and each facet value again as an integer code
  (``c_<facet>``, ``c_tags``). A search with a frequent word visits tens of
  thousands of rows; the columns it reads for every one of them (sort keys,
  codes) come first and are fixed-width, the wide ones (``vector``,
  ``texts``) last, and grouping integers is cheaper than grouping text;
* ``facet_values``: the code of every facet value ever written (codes are
  never reused or changed, so a code in a row always means what it meant
  when the row was written);
* ``words``: the vocabulary behind "did you mean" and prefix searches,
  folded and unstemmed, with a trigram index (``pg_trgm``); a word stays
  here after its last document goes, and every use of it checks that a
  document the searcher may see still has it;
* ``facet_counts``: how many documents have each facet value, per agency
  and public flag, kept in step by every write, so that browsing with no
  text and no filter counts a handful of rows rather than every document;
* ``terms``: one row per lexeme of each document's vector, with the part of
  ``ts_rank`` that lexeme adds (:data:`TERM_RANK`), ordered by lexeme and
  asset in its primary key, which holds the rank too. A word's documents and
  ranks are then read from that index alone (an index-only scan), without a
  visit to each matching row of ``documents``: the cost of a frequent word
  at a million documents (see ``pg_fast``);
* ``removed``: the documents taken out, with the transaction that took them
  out; with ``documents.changed`` (the transaction that last wrote a row) it
  lets each process keep its copy of every document's facet codes and sort
  keys in step by reading only what changed (``pg_docvalues``);
* ``meta``: the schema version the documents were built with, and the
  generation of the whole set (a rebuild starts a new one).

Analysis
--------

Three text search configurations, all built on the default parser:

* ``spanish``: ``unaccent``, then the Spanish Snowball stemmer, without a stop
  list (stop words are dropped from queries in Python, with the same list the
  Whoosh backend uses, so "Gobierno del Estado" keeps "estado");
* ``spanish_raw``: the stemmer alone; its lexemes are folded afterwards. The
  Snowball rules for "-ación", "-ión" … are written with the accent, so a
  word folded first keeps those suffixes ("vacunacion") while the word
  stemmed first loses them ("vacun"). A Spanish field's vector holds both
  forms at the same position, and a query word asks for either, so
  "vacunas" finds "vacunación" and "vacunacion" finds it too;
* ``names``: ``unaccent`` and lowercase, never stemmed (credit, creator,
  camera, lens: "Flores" is not "flor").

File names are analysed in Python by the same identifier analyzer as the
Whoosh backend (the whole name, the name without its extension, each piece)
and written as lexemes.

Searches in one field
---------------------

A field short enough to be searched by name (every field but the long prose
of :data:`LONG_FIELDS`) also writes each of its lexemes a second time with
the field's name in front (``tags:suert`` beside ``suert``), at the same
positions, so that ``tag:suerte`` or ``credito:"juan perez"`` is one lookup
in the GIN index. No lexeme of the text search analyses holds a colon (the
parser splits words there), so these never meet a plain word's; only a file
name written with a colon could (``title:x.png`` would also answer
``title:x``). A search in a long field (``descripcion:…``) finds candidates
by the plain lexemes and analyses that field's text again for each of them.

Fields
------

:data:`PG_FIELDS` is built from :data:`search_index.schema.TEXT_FIELDS` and
their boosts: the weight class of a field (A to D) follows its boost, and its
analysis follows :data:`NAME_FIELDS` and :data:`IDENTIFIER_FIELDS` (any other
field is Spanish prose). A new text field needs only its entry in
``DEFAULT_FIELD_BOOSTS`` and :func:`~search_index.schema.document_fields`:
its text goes into ``texts`` and ``vector`` with no change of table (then
``brandhub reindex``). A new single-valued facet (in ``FACETS`` and
``FACET_FIELDS``) needs one ``text`` column of that name in ``documents``
and one ``integer`` column ``c_<name>`` for its code (a migration); the
backend reads, writes, filters and counts facets from those two tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .analysis import identifier_analyzer
from .schema import DEFAULT_FIELD_BOOSTS, TEXT_FIELDS

__all__ = [
    "DDL",
    "DROP",
    "IDENTIFIER_FIELDS",
    "LONG_FIELDS",
    "NAME_FIELDS",
    "PG_FIELDS",
    "RANK_WEIGHTS",
    "SCHEMA",
    "TERMS_KEY",
    "TERM_RANK",
    "PgField",
    "field_vector_sql",
    "identifier_lexemes",
    "qualified",
    "term_rows",
    "terms_table",
]

SCHEMA = "brandhub_search"
#: Fields holding people's and products' names: folded, never stemmed.
NAME_FIELDS = frozenset({"credit", "creator", "camera", "lens"})
#: Fields holding identifiers, analysed in Python (see the module docstring).
IDENTIFIER_FIELDS = frozenset({"filename"})
#: Long prose: searched by name through its text, not by lexemes of its own.
LONG_FIELDS = frozenset({"description", "embedded", "text"})
#: ``ts_rank`` weights of the classes D, C, B, A (PostgreSQL's order).
RANK_WEIGHTS = "{0.25, 0.3, 0.5, 1.0}"


@dataclass(frozen=True)
class PgField:
    """One searchable text field: its weight class and how it is analysed."""

    name: str
    weight: str  # "A" to "D"
    analysis: str  # "spanish", "names" or "identifier"

    @property
    def qualified(self) -> bool:
        """Whether its lexemes are also written with its name in front."""
        return self.name not in LONG_FIELDS


def _weight(boost: float) -> str:
    if boost >= 4:
        return "A"
    if boost >= 2:
        return "B"
    if boost > 1:
        return "C"
    return "D"


def _analysis(name: str) -> str:
    if name in NAME_FIELDS:
        return "names"
    if name in IDENTIFIER_FIELDS:
        return "identifier"
    return "spanish"


PG_FIELDS: tuple[PgField, ...] = tuple(
    PgField(name, _weight(DEFAULT_FIELD_BOOSTS[name]), _analysis(name)) for name in TEXT_FIELDS
)
FIELDS_BY_NAME = {f.name: f for f in PG_FIELDS}


_D, _C, _B, _A = (float(w) for w in RANK_WEIGHTS.strip("{}").split(","))
_WEIGHT = f"CASE {{}} WHEN 'A' THEN {_A} WHEN 'B' THEN {_B} WHEN 'C' THEN {_C} ELSE {_D} END"

#: ``term_rank(weights)``: what one lexeme of a document, with the weights of its
#: positions (as ``unnest(tsvector)`` gives them), adds to ``ts_rank`` for a query that
#: is an OR of lexemes, before the division by the number of the query's lexemes.
#: PostgreSQL's calc_rank_or for one lexeme: with its positions' weights w_j (j from 1),
#: (max w + sum w_j / j^2 - max w / jm^2) / (pi^2 / 6), jm the first place of max w. A
#: lexeme without positions (a file name's) counts as one position of weight D.
TERM_RANK = (
    f"CREATE FUNCTION {SCHEMA}.term_rank(weights text[]) RETURNS real "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CAST(CASE "
    f"WHEN weights IS NULL THEN {_D} "
    f"WHEN cardinality(weights) = 1 THEN {_WEIGHT.format('weights[1]')} "
    "ELSE (SELECT max(w) + sum(w / (j * j)) - max(w) / "
    "((array_agg(j ORDER BY w DESC, j))[1] ^ 2) "
    f"FROM (SELECT CAST({_WEIGHT.format('c')} AS float8) AS w, CAST(j AS float8) AS j "
    "FROM unnest(weights) WITH ORDINALITY AS u(c, j)) x) "
    "END / 1.64493406685 AS real) $$"
)


def terms_table(name: str) -> str:
    """``CREATE TABLE`` of the ``terms`` table (without its key) under ``name``.

    Vacuumed after 2% of its rows changed (rather than 20%): an index-only scan
    reads a row's page only when that page is not marked all-visible.
    """
    return f"""CREATE TABLE {SCHEMA}.{name} (
        lexeme text COLLATE "C" NOT NULL,
        asset_id bigint NOT NULL,
        rank real NOT NULL
    ) WITH (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02)"""


#: The key of ``terms``: a lexeme's documents and ranks in order, from the index alone.
TERMS_KEY = "PRIMARY KEY (lexeme, asset_id) INCLUDE (rank)"


def term_rows(where: str) -> str:
    """SQL: the ``terms`` rows (lexeme, asset, rank) of the documents ``d`` that ``where``
    selects. The rank of a lexeme at one position, or none, is written out here (most
    lexemes: a call of ``term_rank`` for each would triple the time of a rebuild)."""
    return (
        "SELECT u.lexeme, d.asset_id, CASE "
        f"WHEN u.weights IS NULL THEN CAST({_D} / 1.64493406685 AS real) "
        "WHEN cardinality(u.weights) = 1 "
        f"THEN CAST({_WEIGHT.format('u.weights[1]')} / 1.64493406685 AS real) "
        f"ELSE {SCHEMA}.term_rank(u.weights) END "
        f"FROM {SCHEMA}.documents d, unnest(d.vector) u WHERE {where}"
    )


_TOKENS = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, "
    "hword_part, hword_numpart"
)

#: The statements that create the search schema (the Alembic migration runs them).
#: ``unaccent`` and ``pg_trgm`` are trusted extensions: the database's owner may
#: create them; on a server where they are missing, a superuser runs the two
#: ``CREATE EXTENSION`` lines once (see the README).
DDL: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE SCHEMA {SCHEMA}",
    f"CREATE TEXT SEARCH DICTIONARY {SCHEMA}.spanish_stem "
    "(TEMPLATE = snowball, Language = spanish)",
    f"CREATE TEXT SEARCH CONFIGURATION {SCHEMA}.spanish (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {SCHEMA}.spanish ALTER MAPPING FOR {_TOKENS} "
    f"WITH unaccent, {SCHEMA}.spanish_stem",
    f"CREATE TEXT SEARCH CONFIGURATION {SCHEMA}.spanish_raw (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {SCHEMA}.spanish_raw ALTER MAPPING FOR {_TOKENS} "
    f"WITH {SCHEMA}.spanish_stem",
    f"CREATE TEXT SEARCH CONFIGURATION {SCHEMA}.names (COPY = pg_catalog.simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {SCHEMA}.names ALTER MAPPING FOR {_TOKENS} "
    "WITH unaccent, simple",
    f"""CREATE TABLE {SCHEMA}.facet_values (
        code integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        facet text NOT NULL,
        value text NOT NULL,
        UNIQUE (facet, value)
    )""",
    f"""CREATE TABLE {SCHEMA}.documents (
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
    )""",
    f"CREATE INDEX documents_vector ON {SCHEMA}.documents USING gin (vector)",
    f"CREATE INDEX documents_created ON {SCHEMA}.documents (created, asset_id)",
    f"CREATE INDEX documents_titlekey ON {SCHEMA}.documents (titlekey, asset_id)",
    f"""CREATE TABLE {SCHEMA}.words (
        word text COLLATE "C" PRIMARY KEY,
        spelling text NOT NULL
    )""",
    f"CREATE INDEX words_trigrams ON {SCHEMA}.words USING gin (word gin_trgm_ops)",
    f"CREATE TABLE {SCHEMA}.meta (key text PRIMARY KEY, value text NOT NULL)",
    TERM_RANK,
    terms_table("terms"),
    f"ALTER TABLE {SCHEMA}.terms ADD CONSTRAINT terms_pkey {TERMS_KEY}",
    f"ALTER TABLE {SCHEMA}.documents ADD COLUMN changed xid8 NOT NULL DEFAULT pg_current_xact_id()",
    f"CREATE INDEX documents_changed ON {SCHEMA}.documents (changed)",
    f"""CREATE TABLE {SCHEMA}.removed (
        asset_id bigint NOT NULL,
        changed xid8 NOT NULL DEFAULT pg_current_xact_id()
    )""",
    f"CREATE INDEX removed_changed ON {SCHEMA}.removed (changed)",
    f"""CREATE TABLE {SCHEMA}.facet_counts (
        facet text NOT NULL,
        value text NOT NULL,
        agency text NOT NULL,
        public boolean NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (facet, value, agency, public)
    )""",
)
#: Undoes :data:`DDL` but the extensions, which other schemas may use.
DROP: tuple[str, ...] = (f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE",)


def _spanish_vector(body: str) -> str:
    # Both analyses at the same positions: the text form of the two vectors,
    # joined and read back, merges their lexemes position by position.
    return (
        f"CAST(CAST(to_tsvector('{SCHEMA}.spanish', {body}) AS text) || ' ' || "
        f"unaccent(CAST(to_tsvector('{SCHEMA}.spanish_raw', {body}) AS text)) AS tsvector)"
    )


def field_vector_sql(field: PgField, body: str) -> str:
    """SQL for the (unweighted) vector of ``field`` whose text is the SQL expression ``body``.

    Identifier fields have no SQL analysis: their lexemes come from Python
    (:func:`identifier_lexemes`), and ``body`` must then already be a tsvector literal.
    """
    if field.analysis == "spanish":
        return _spanish_vector(body)
    if field.analysis == "names":
        return f"to_tsvector('{SCHEMA}.names', {body})"
    return f"CAST({body} AS tsvector)"


def quote_lexeme(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery text form: quoted, quotes and backslashes doubled."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


#: A quoted lexeme in the text form of a tsvector or tsquery (quotes inside are doubled).
_QUOTED = "'((?:[^']|'')*)'"


def qualified(text_sql: str, field: str) -> str:
    """SQL: the text form ``text_sql`` of a tsvector or tsquery, each lexeme with
    ``field:`` in front (positions, weights and operators as they were)."""
    pattern = _QUOTED.replace("'", "''")
    return f"regexp_replace({text_sql}, '{pattern}', '''{field}:\\1''', 'g')"


def identifier_lexemes(value: str, field: str | None = None) -> str:
    """The tsvector literal of an identifier field (what its Whoosh analyzer indexes),
    each lexeme also under ``field:`` when a field is named.

    >>> identifier_lexemes("IMG_2034.JPG")
    "'img_2034.jpg' 'img_2034' 'img' '2034' 'jpg'"
    >>> identifier_lexemes("a.png", "filename")
    "'a.png' 'a' 'png' 'filename:a.png' 'filename:a' 'filename:png'"
    """
    tokens: Sequence[str] = list(dict.fromkeys(t.text for t in identifier_analyzer()(value)))
    if field is not None:
        tokens = [*tokens, *(f"{field}:{t}" for t in tokens)]
    return " ".join(quote_lexeme(t) for t in tokens)


def document_vector_sql(params: Sequence[str]) -> str:
    """SQL for a whole document's weighted vector; ``params`` names each field's bind parameter.

    A qualified field's lexemes are written twice, plain and under its name, at the
    same positions: the text form of its vector is computed once (a scalar subquery)
    and joined to its renamed copy before it is read back as a vector. An identifier
    field's parameter holds both already (:func:`identifier_lexemes` with its name).
    """
    parts = []
    for field, param in zip(PG_FIELDS, params, strict=True):
        vector = field_vector_sql(field, f":{param}")
        if field.qualified and field.analysis != "identifier":
            both = f"CAST(t || ' ' || {qualified('t', field.name)} AS tsvector)"
            vector = f"(SELECT {both} FROM (SELECT CAST({vector} AS text) AS t) AS v)"
        parts.append(f"setweight({vector}, '{field.weight}')")
    return " || ".join(parts)
