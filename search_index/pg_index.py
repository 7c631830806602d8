"""The search index on PostgreSQL: the same interface as :class:`search_index.SearchIndex`.

For an office whose database is PostgreSQL and whose app runs on several
hosts: the index is a few tables in the database (:mod:`search_index.pg_schema`),
so there is no folder to share and no worker to wait for. The app writes a
document in the same transaction as the row it comes from
(:meth:`PostgresSearchIndex.apply` with that transaction's ``connection``),
so a search after a commit always sees the change, and a rolled back change
never reaches the index. Replicas answer searches like any other query.

Searching is one statement: the matching rows (text match and visibility)
are gathered once (their id, sort keys, rank and facet codes only), then
counted per facet with ``GROUPING SETS`` over the codes (each facet's count
leaves out that facet's own filter, like the Whoosh backend's multi-select
rule; the codes are read back as values by joining ``facet_values``), and
the page is ordered and cut from the same rows. It runs without JIT (whose
compilation of a large match's aggregates costs more than it saves). A
second statement writes the snippets of the page's hits with ``ts_headline``.
"Did you mean" reads candidates from the vocabulary with trigrams and keeps
only words that a document the searcher may see contains.

No Flask here; SQLAlchemy only for the engine and connections.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from . import pg_fast
from .analysis import SPANISH_STOP_WORDS, fold, identifier_analyzer, words
from .documents import FACETS, AssetDocument, Hit, SearchQuery, SearchResults
from .errors import IndexUnavailable
from .highlight import SNIPPET
from .parsing import clean
from .pg_docvalues import DocValues, doc_values_for
from .pg_query import SqlBuilder, parse
from .pg_schema import (
    FIELDS_BY_NAME,
    PG_FIELDS,
    RANK_WEIGHTS,
    SCHEMA,
    TERMS_KEY,
    document_vector_sql,
    identifier_lexemes,
    term_rows,
    terms_table,
)
from .schema import (
    FACET_FIELDS,
    HIGHLIGHT_FIELDS,
    MISSING_TIME,
    SCHEMA_VERSION,
    TEXT_FIELDS,
    document_fields,
    facet_value,
)
from .suggest import _query_words

__all__ = ["PostgresSearchIndex"]

_SINGLE = tuple(f for f in FACETS if f != "tag")
_START, _STOP = "\ue000", "\ue001"
_MAX_PREFIX_WORDS = 200
_ELLIPSIS = "…"

#: One column per single-valued facet, named like its Whoosh field; tags are an array.
_SINGLE_COLUMNS = tuple(FACET_FIELDS[f] for f in _SINGLE)
#: The integer code of each facet value, counted instead of the text (see pg_schema).
_CODE_COLUMNS = (*(f"c_{c}" for c in _SINGLE_COLUMNS), "c_tags")
_COLUMNS = ", ".join(
    ("asset_id", "texts", "vector", *_SINGLE_COLUMNS, "tags", "public", "created", "captured")
    + ("titlekey", *_CODE_COLUMNS)
)
_UPSERT = (
    f"INSERT INTO {SCHEMA}.documents ({_COLUMNS}) VALUES (:asset_id, CAST(:texts AS jsonb), "
    + document_vector_sql([f"f_{f.name}" for f in PG_FIELDS])
    + "".join(f", :{c}" for c in _SINGLE_COLUMNS)
    + ", :tags, :public, :created, :captured, :titlekey"
    + "".join(f", :{c}" for c in _CODE_COLUMNS)
    + ") ON CONFLICT (asset_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:])
    + ", changed = pg_current_xact_id()"
)
#: Each lexeme of the documents ``ids``, with what it adds to their rank (see pg_schema).
_TERMS_IN = f"INSERT INTO {SCHEMA}.terms (lexeme, asset_id, rank) " + term_rows(
    "d.asset_id = ANY(:ids)"
)
#: Their rows out again: looked up by lexeme and asset, the primary key's order.
_TERMS_OUT = (
    f"DELETE FROM {SCHEMA}.terms t USING {SCHEMA}.documents d "
    "WHERE d.asset_id = ANY(:ids) AND t.asset_id = d.asset_id "
    "AND t.lexeme = ANY(tsvector_to_array(d.vector))"
)
_NEW_CODES = (
    f"INSERT INTO {SCHEMA}.facet_values (facet, value) "
    "SELECT * FROM unnest(CAST(:facets AS text[]), CAST(:values AS text[])) "
    "ON CONFLICT (facet, value) DO NOTHING"
)
_CODES = (
    f"SELECT v.facet, v.value, v.code FROM {SCHEMA}.facet_values v "
    "JOIN unnest(CAST(:facets AS text[]), CAST(:values AS text[])) AS x(facet, value) "
    "ON v.facet = x.facet AND v.value = x.value"
)
#: Per search: no JIT (compiling the aggregates of a large match costs more than it saves,
#: 50-200 ms), and room for the matching rows and the facet tables in memory.
_SEARCH_SETTINGS = "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
_FACET_COLUMNS = ", ".join((*_SINGLE_COLUMNS, "tags", "public"))
_COUNT = (
    f"INSERT INTO {SCHEMA}.facet_counts (facet, value, agency, public, n) "
    "VALUES (:facet, :value, :agency, :public, :n) ON CONFLICT (facet, value, agency, public) "
    f"DO UPDATE SET n = {SCHEMA}.facet_counts.n + excluded.n"
)
_RECOUNT = (
    f"INSERT INTO {SCHEMA}.facet_counts (facet, value, agency, public, n) "
    "SELECT x.facet, x.value, coalesce(d.agency, ''), d.public, count(*) "
    f"FROM {SCHEMA}.documents d, LATERAL (VALUES "
    + ", ".join(f"('{f}', d.{FACET_FIELDS[f]})" for f in FACETS if f != "tag")
    + ") AS x(facet, value) WHERE x.value IS NOT NULL GROUP BY 1, 2, 3, 4 "
    "UNION ALL SELECT 'tag', t, coalesce(d.agency, ''), d.public, count(*) "
    f"FROM {SCHEMA}.documents d, unnest(d.tags) AS t GROUP BY 1, 2, 3, 4"
)
_WORDS = (
    f"INSERT INTO {SCHEMA}.words (word, spelling) "
    "SELECT * FROM unnest(CAST(:words AS text[]), CAST(:spellings AS text[])) "
    "ON CONFLICT (word) DO NOTHING"
)


def _row(doc: AssetDocument) -> dict[str, Any]:
    values = document_fields(doc)
    texts = {name: values[name] for name in TEXT_FIELDS if values.get(name)}
    row: dict[str, Any] = {
        "asset_id": doc.id,
        "texts": json.dumps(texts, ensure_ascii=False),
        **{column: values.get(column) for column in _SINGLE_COLUMNS},
        "tags": values["tag"].split(",") if values.get("tag") else [],
        "public": doc.public,
        "created": values["created"],
        "captured": values.get("captured"),
        "titlekey": values["titlekey"].decode("utf-8"),
    }
    for f in PG_FIELDS:
        value = texts.get(f.name, "")
        if f.analysis == "identifier":
            value = identifier_lexemes(value, f.name if f.qualified else None)
        row[f"f_{f.name}"] = value
    return row


def _add_codes(
    conn: Connection, rows: list[dict[str, Any]], known: dict[tuple[str, str], int]
) -> None:
    """Fill each row's ``c_*`` columns with its facet values' codes, adding new values.

    ``known`` maps ``(facet, value)`` to a code already read in this transaction
    (it is updated). Values are added in one sorted order, so two writers adding
    the same new values wait for each other instead of deadlocking.
    """
    wanted = sorted(
        {(facet, value) for row in rows for facet, value, _, _ in _facet_keys(row)} - known.keys()
    )
    if wanted:
        params = {"facets": [f for f, _ in wanted], "values": [v for _, v in wanted]}
        conn.execute(text(_NEW_CODES), params)
        known.update({(f, v): int(c) for f, v, c in conn.execute(text(_CODES), params)})
    for row in rows:
        for facet, column in zip(_SINGLE, _SINGLE_COLUMNS, strict=True):
            value = row[column]
            row[f"c_{column}"] = None if value is None else known[(facet, str(value))]
        row["c_tags"] = [known[("tag", tag)] for tag in row["tags"]]


def _facet_keys(row: Mapping[str, Any]) -> list[tuple[str, str, str, bool]]:
    """The ``facet_counts`` keys a document counts under: one per facet value it has."""
    agency, public = row["agency"] or "", bool(row["public"])
    keys = [
        (facet, str(row[FACET_FIELDS[facet]]), agency, public)
        for facet in FACETS
        if facet != "tag" and row[FACET_FIELDS[facet]] is not None
    ]
    keys.extend(("tag", tag, agency, public) for tag in row["tags"] or ())
    return keys


def _vocabulary(docs: Iterable[AssetDocument]) -> dict[str, str]:
    """Folded word -> its spelling, lowercased, for every word worth suggesting."""
    found: dict[str, str] = {}
    for doc in docs:
        values = document_fields(doc)
        for name in TEXT_FIELDS:
            if FIELDS_BY_NAME[name].analysis == "identifier":
                continue
            for original in words(str(values.get(name) or "")):
                lowered = original.lower()
                folded = fold(lowered)
                if len(folded) >= 3 and folded not in SPANISH_STOP_WORDS:
                    found.setdefault(folded, lowered)
    return found


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it is over ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _marked(headline: str | None) -> str:
    return escape(headline or "").replace(_START, "<mark>").replace(_STOP, "</mark>")


def _snippet(original: str, headline: str | None) -> str:
    """The description's snippet: ``ts_headline``'s fragment with ellipses where it cut."""
    if not original:
        return ""
    if headline is None or _START not in headline:
        cut = original[:SNIPPET]
        if len(original) > SNIPPET:
            space = cut.rfind(" ")
            cut = (cut[:space] if space > SNIPPET // 2 else cut) + _ELLIPSIS
        return escape(cut).replace(escape(_ELLIPSIS), _ELLIPSIS)
    plain = headline.replace(_START, "").replace(_STOP, "")
    out = _marked(headline)
    if not original.startswith(plain):
        out = _ELLIPSIS + out
    if not original.endswith(plain):
        out += _ELLIPSIS
    return out


def _without_nul(query: SearchQuery) -> SearchQuery:
    """``query`` without NUL characters, which PostgreSQL's text cannot hold.

    In the words a NUL separates like a space; in a filter value it becomes U+FFFD,
    so the value still matches nothing stored (rather than a shorter value, or every
    document if it were dropped).
    """
    if "\x00" not in query.text and not any(
        "\x00" in value for values in query.filters.values() for value in values
    ):
        return query
    return dataclasses.replace(
        query,
        text=query.text.replace("\x00", " "),
        filters={
            name: [value.replace("\x00", "\ufffd") for value in values]
            for name, values in query.filters.items()
        },
    )


class PostgresSearchIndex:
    """The search index in the database behind ``engine`` (see the module docstring).

    ``path`` is a local folder for the outbox lock of the few changes that
    wait for a moment (an embargo that ends); nothing of the index is there.
    """

    def __init__(self, engine: Engine, path: Path | str, *, lock_timeout: float = 30.0) -> None:
        if engine.dialect.name != "postgresql":
            raise IndexUnavailable("The PostgreSQL search backend needs a PostgreSQL database.")
        self.engine = engine
        self._path = Path(path)
        self._lock_timeout = lock_timeout

    @classmethod
    def for_rebuild(cls, engine: Engine, path: Path | str, **kwargs: Any) -> PostgresSearchIndex:
        return cls(engine, path, **kwargs)

    @contextmanager
    def _connection(self, connection: Connection | None) -> Iterator[Connection]:
        if connection is not None:
            yield connection
            return
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise IndexUnavailable(f"The search tables cannot be reached: {exc}") from None
        except DBAPIError as exc:
            if "brandhub_search" in str(exc) and "does not exist" in str(exc):
                raise IndexUnavailable(
                    "The search tables are missing: run the database migrations."
                ) from None
            raise

    # Writing

    def apply(
        self,
        upserts: Iterable[AssetDocument] = (),
        deletes: Iterable[int] = (),
        connection: Connection | None = None,
    ) -> None:
        """Add or replace ``upserts`` and remove ``deletes`` (asset ids).

        With ``connection``, inside its transaction (the write that caused
        the change commits or rolls back both); otherwise in a transaction
        of its own.
        """
        latest = {doc.id: doc for doc in upserts}
        gone = [i for i in dict.fromkeys(int(d) for d in deletes) if i not in latest]
        if not latest and not gone:
            return
        with self._connection(connection) as conn:
            deltas: Counter[tuple[str, str, str, bool]] = Counter()
            ids = sorted({*latest, *gone})
            # Before any row: a rebuild holds ``terms`` until it commits, and a writer that
            # had locked documents first would wait for it while it waits for them.
            conn.execute(text(f"LOCK TABLE {SCHEMA}.terms IN ROW EXCLUSIVE MODE"))
            # The rows locked first, in one order, so that the lexemes taken out below are
            # those of the row as the last writer left it (no deadlock between writers).
            conn.execute(
                text(
                    f"SELECT asset_id FROM {SCHEMA}.documents WHERE asset_id = ANY(:ids) "
                    "ORDER BY asset_id FOR UPDATE"
                ),
                {"ids": ids},
            )
            conn.execute(text(_TERMS_OUT), {"ids": ids})
            # The rows as they were, taken out and counted out; then the new ones in.
            for old in conn.execute(
                text(
                    f"DELETE FROM {SCHEMA}.documents WHERE asset_id = ANY(:ids) "
                    f"RETURNING {_FACET_COLUMNS}"
                ),
                {"ids": ids},
            ):
                deltas.subtract(_facet_keys(dict(old._mapping)))
            if gone:
                conn.execute(
                    text(
                        f"INSERT INTO {SCHEMA}.removed (asset_id) "
                        "SELECT unnest(CAST(:ids AS bigint[]))"
                    ),
                    {"ids": gone},
                )
            docs = [latest[i] for i in sorted(latest)]  # one order: no deadlocks between writers
            if docs:
                rows = [_row(doc) for doc in docs]
                _add_codes(conn, rows, {})
                conn.execute(text(_UPSERT), rows)
                conn.execute(text(_TERMS_IN), {"ids": sorted(latest)})
                for row in rows:
                    deltas.update(_facet_keys(row))
                self._add_words(conn, _vocabulary(docs))
            changed = sorted((k, n) for k, n in deltas.items() if n)
            if changed:
                conn.execute(
                    text(_COUNT),
                    [
                        {"facet": f, "value": v, "agency": a, "public": p, "n": n}
                        for (f, v, a, p), n in changed
                    ],
                )

    def _add_words(self, conn: Connection, vocabulary: dict[str, str]) -> None:
        ordered = sorted(vocabulary)
        for start in range(0, len(ordered), 5000):
            part = ordered[start : start + 5000]
            conn.execute(text(_WORDS), {"words": part, "spellings": [vocabulary[w] for w in part]})

    def rebuild(
        self,
        docs: Iterable[AssetDocument],
        count: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Replace every document with ``docs`` in one transaction; return how many.

        Searches read the old documents until it commits. Writes that change a
        document meanwhile wait for the commit (their rows are locked by it), so
        on a large archive run it at a quiet hour: with this backend a rebuild is
        only needed after a schema change or a switch from Whoosh, since every
        change is written when it happens. ``progress`` is called with the
        number indexed so far, about every 1% of ``count`` (or 500).
        """
        step = max(1, count // 100) if count else 500
        indexed = 0
        vocabulary: dict[str, str] = {}
        with self._connection(None) as conn:
            # Writers wait from their first statement (see :meth:`apply`); searches go on
            # reading until ``terms`` is replaced at the end.
            conn.execute(text(f"LOCK TABLE {SCHEMA}.terms IN SHARE ROW EXCLUSIVE MODE"))
            conn.execute(text(f"DELETE FROM {SCHEMA}.removed"))
            conn.execute(text(f"DELETE FROM {SCHEMA}.documents"))
            conn.execute(text(f"DELETE FROM {SCHEMA}.words"))
            batch: dict[int, AssetDocument] = {}
            next_report = step

            codes: dict[tuple[str, str], int] = {}

            def flush() -> None:
                if batch:
                    rows = [_row(d) for d in batch.values()]
                    _add_codes(conn, rows, codes)
                    conn.execute(text(_UPSERT), rows)
                    for word, spelling in _vocabulary(batch.values()).items():
                        vocabulary.setdefault(word, spelling)
                    batch.clear()

            for doc in docs:
                if doc.id not in batch:
                    indexed += 1
                batch[doc.id] = doc
                if len(batch) >= 1000:
                    flush()
                if progress is not None and indexed >= next_report:
                    progress(indexed)
                    next_report += step
            flush()
            self._add_words(conn, vocabulary)
            self._rebuild_terms(conn)
            conn.execute(text(f"DELETE FROM {SCHEMA}.facet_counts"))
            conn.execute(text(_RECOUNT))
            # Fresh statistics: the planner's guess of how many rows a word matches
            # (and so whether to read the word's rows with the GIN index) comes from them.
            conn.execute(text(f"ANALYZE {SCHEMA}.documents"))
            conn.execute(text(f"ANALYZE {SCHEMA}.terms"))
            # Every process reads its copy of the documents' facet codes again.
            conn.execute(
                text(
                    f"INSERT INTO {SCHEMA}.meta (key, value) "
                    "VALUES ('generation', CAST(pg_current_xact_id() AS text)) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                )
            )
            conn.execute(
                text(
                    f"INSERT INTO {SCHEMA}.meta (key, value) VALUES ('schema', :v) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ),
                {"v": str(SCHEMA_VERSION)},
            )
        # The terms' pages marked all-visible, so that a word's documents come from the
        # index alone from the first search on (autovacuum keeps them so afterwards).
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM (ANALYZE) {SCHEMA}.terms"))
        if progress is not None:
            progress(indexed)
        return indexed

    @staticmethod
    def _rebuild_terms(conn: Connection) -> None:
        """``terms`` made again from the documents: written into a new table, keyed once
        (faster than keeping the key while writing), then put in the old one's place.
        Searches read the old table until the rebuild commits."""
        conn.execute(text(f"DROP TABLE IF EXISTS {SCHEMA}.terms_new"))
        conn.execute(text(terms_table("terms_new")))
        conn.execute(
            text(f"INSERT INTO {SCHEMA}.terms_new (lexeme, asset_id, rank) " + term_rows("true"))
        )
        conn.execute(
            text(f"ALTER TABLE {SCHEMA}.terms_new ADD CONSTRAINT terms_new_pkey {TERMS_KEY}")
        )
        conn.execute(text(f"DROP TABLE {SCHEMA}.terms"))
        conn.execute(text(f"ALTER TABLE {SCHEMA}.terms_new RENAME TO terms"))
        conn.execute(
            text(f"ALTER TABLE {SCHEMA}.terms RENAME CONSTRAINT terms_new_pkey TO terms_pkey")
        )

    # Reading

    def search(self, query: SearchQuery) -> SearchResults:
        """Run one search; see :class:`SearchQuery` for what can be asked."""
        query.validate()
        query = _without_nul(query)
        with self._connection(None) as conn:
            return self._search(conn, query)

    def _expand_prefixes(self, conn: Connection, sql: SqlBuilder, groups: Any) -> None:
        prefixes = {c.text for g in groups for c in g if c.kind == "prefix"}
        for prefix in prefixes:
            pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = conn.execute(
                text(
                    "SELECT DISTINCT unnest(array_remove(ARRAY[w.word] || "
                    f"tsvector_to_array(to_tsvector('{SCHEMA}.spanish', w.word)) || "
                    f"tsvector_to_array(CAST(unaccent(CAST(to_tsvector('{SCHEMA}.spanish_raw', "
                    "w.spelling) AS text)) AS tsvector)), NULL)) FROM (SELECT word, spelling "
                    f"FROM {SCHEMA}.words WHERE word LIKE :p ORDER BY word "
                    f"LIMIT {_MAX_PREFIX_WORDS}"
                    ") w"
                ),
                {"p": pattern},
            ).scalars()
            sql.expansions[prefix] = sorted(rows)

    def _visibility(self, sql: SqlBuilder, query: SearchQuery) -> str:
        if query.agencies is None and not query.public_only:
            return "true"
        if query.public_only or not query.agencies:
            return "d.public"
        return f"(d.public OR d.agency = ANY({sql.bind(sorted(query.agencies))}))"

    def _search(self, conn: Connection, query: SearchQuery) -> SearchResults:
        groups = parse(query.text)
        sql = SqlBuilder()
        self._expand_prefixes(conn, sql, groups)
        where, tsquery = sql.where(groups)
        visible = self._visibility(sql, query)
        flags: dict[str, str] = {}
        picked: dict[str, list[str]] = {}
        for facet in FACETS:
            values = [facet_value(facet, v) for v in query.filters.get(facet, ())]
            if values:
                picked[facet] = values
                column = FACET_FIELDS[facet] if facet != "tag" else "tags"
                test = "&&" if facet == "tag" else "= ANY("
                flags[facet] = (
                    f"d.tags && CAST({sql.bind(values)} AS text[])"
                    if test == "&&"
                    else f"d.{column} = ANY({sql.bind(values)})"
                )

        def all_but(facet: str | None) -> str:
            kept = [f"f_{name}" for name in flags if name != facet]
            return " AND ".join(kept) if kept else "true"

        sort = query.sort
        if sort == "relevance" and tsquery is None:
            sort = "newest"
        rank = f"ts_rank('{RANK_WEIGHTS}', d.vector, {tsquery})" if tsquery else "0"
        order = {
            "relevance": "rank DESC, created DESC, asset_id DESC",
            "newest": "created DESC, asset_id DESC",
            "oldest": "created ASC, asset_id ASC",
            "title": "titlekey ASC, asset_id ASC",
        }[sort]
        flag_columns = "".join(f", {test} AS f_{name}" for name, test in flags.items())
        limit = sql.bind(query.per_page)
        offset = sql.bind((query.page - 1) * query.per_page)
        facet_sql = "NULL"
        columns = ["d.asset_id", "d.created"]
        if sort == "title":
            columns.append("d.titlekey")
        if query.facets:
            columns.extend(f"d.{c}" for c in _CODE_COLUMNS)
            # One pass over the hits groups every single-valued facet's codes; a row of
            # the result holds the code of the one facet it groups, and that facet's
            # count (which leaves out the facet's own filter).
            code = " ".join(f"WHEN GROUPING(c_{c}) = 0 THEN c_{c}" for c in _SINGLE_COLUMNS)
            count = " ".join(
                f"WHEN GROUPING(c_{c}) = 0 THEN count(*) FILTER (WHERE {all_but(f)})"
                for f, c in zip(_SINGLE, _SINGLE_COLUMNS, strict=True)
            )
            sets = ", ".join(f"(c_{c})" for c in _SINGLE_COLUMNS)
            facet_sql = (
                "(SELECT jsonb_agg(jsonb_build_array(v.facet, v.value, s.n)) FROM ("
                f"SELECT CASE {code} END AS code, CASE {count} END AS n "
                f"FROM hits GROUP BY GROUPING SETS ({sets}) "
                # unnest in the select list (a ProjectSet) is about twice as fast as a
                # lateral unnest joined to every hit.
                "UNION ALL SELECT t, count(*) FROM (SELECT unnest(c_tags) AS t FROM hits "
                f"WHERE {all_but('tag')}) u GROUP BY t"
                f") s JOIN {SCHEMA}.facet_values v ON v.code = s.code WHERE s.n > 0)"
            )
        statement = f"""
            WITH hits AS MATERIALIZED (
                SELECT {", ".join(columns)}, {rank} AS rank{flag_columns}
                FROM {SCHEMA}.documents d
                WHERE {where} AND {visible}
            )
            SELECT
                (SELECT count(*) FROM hits WHERE {all_but(None)}) AS total,
                (SELECT jsonb_agg(jsonb_build_array(asset_id, rank)) FROM (
                    SELECT asset_id, rank FROM hits WHERE {all_but(None)}
                    ORDER BY {order} LIMIT {limit} OFFSET {offset}) p) AS page,
                {facet_sql} AS facets
        """
        if not groups and not picked:
            return self._browse(conn, sql, query, visible, order, limit, offset)
        conn.execute(text(_SEARCH_SETTINGS))
        answer = None
        word_plan = pg_fast.plan(sql, groups, query)
        if word_plan is not None and (tsquery is not None or not groups):
            answer = pg_fast.run(
                conn, sql, word_plan, tsquery, query, picked, sort, self._doc_values()
            )
        if answer is None:
            row = conn.execute(text(statement), sql.params).one()
            answer = pg_fast.Answer(
                int(row.total), [(int(i), float(r)) for i, r in (row.page or [])], row.facets or []
            )
        page = answer.page
        facets = self._facets(answer.facets, picked, query) if query.facets else {}
        hits = self._hits(conn, sql, tsquery, page)
        suggestion = None
        # Plain words that found something are each in a visible document: known words,
        # nothing to correct (the Whoosh backend comes to the same answer the long way).
        plain = all(
            len(g) == 1 and g[0].kind == "word" and g[0].field is None and not g[0].negated
            for g in groups
        )
        if query.text.strip() and not (plain and groups and answer.total > 0):
            suggestion = self._suggest(conn, query, query.text.strip())
        return SearchResults(answer.total, query.page, query.per_page, hits, facets, suggestion)

    def _doc_values(self) -> DocValues:
        return doc_values_for(
            self.engine.url.render_as_string(hide_password=True), _CODE_COLUMNS[:-1]
        )

    def _browse(
        self,
        conn: Connection,
        sql: SqlBuilder,
        query: SearchQuery,
        visible: str,
        order: str,
        limit: str,
        offset: str,
    ) -> SearchResults:
        """No text and no filter: the counts come from ``facet_counts``, the page from an index."""
        counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        for facet, value, n in conn.execute(
            text(
                f"SELECT facet, value, sum(n) FROM {SCHEMA}.facet_counts d "
                f"WHERE {visible} GROUP BY facet, value HAVING sum(n) > 0"
            ),
            sql.params,
        ):
            counts[facet][value] = int(n)
        total = sum(counts["kind"].values())
        ids = conn.execute(
            text(
                f"SELECT asset_id FROM {SCHEMA}.documents d WHERE {visible} "
                f"ORDER BY {order} LIMIT {limit} OFFSET {offset}"
            ),
            sql.params,
        ).scalars()
        hits = self._hits(conn, sql, None, [(int(i), 0.0) for i in ids])
        facets = self._ordered(counts, {}, query) if query.facets else {}
        return SearchResults(total, query.page, query.per_page, hits, facets, None)

    def _facets(
        self, rows: list[list[Any]], picked: dict[str, list[str]], query: SearchQuery
    ) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        for facet, value, n in rows:
            counts[facet][str(value)] = int(n)
        return self._ordered(counts, picked, query)

    @staticmethod
    def _ordered(
        counts: dict[str, dict[str, int]], picked: dict[str, list[str]], query: SearchQuery
    ) -> dict[str, dict[str, int]]:
        """Each facet's values, most frequent first (years newest first), picked ones kept."""
        out: dict[str, dict[str, int]] = {}
        for facet in FACETS:
            found = counts[facet]
            if facet == "year":
                order = sorted(found, key=lambda v: (v.isdigit(), v), reverse=True)
            else:
                order = sorted(found, key=lambda v: (-found[v], v))
            shown = {v: found[v] for v in order[: query.facet_limit]}
            for value in picked.get(facet, ()):
                shown.setdefault(value, found.get(value, 0))
            out[facet] = shown
        return out

    def _hits(
        self, conn: Connection, sql: SqlBuilder, tsquery: str | None, page: list[tuple[int, float]]
    ) -> list[Hit]:
        if not page:
            return []
        ids = [asset_id for asset_id, _ in page]
        options = f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true"
        snippet = (
            f"StartSel={_START}, StopSel={_STOP}, MaxWords=40, MinWords=20, "
            "ShortWord=2, MaxFragments=0"
        )
        columns = []
        if tsquery is not None:
            for name in HIGHLIGHT_FIELDS:
                pg_field = FIELDS_BY_NAME[name]
                shown = name in ("title", "description") or sql.any_field or name in sql.fields
                if not shown:
                    continue
                config = "names" if pg_field.analysis != "spanish" else "spanish"
                body = f"d.texts->>'{name}'"
                if pg_field.analysis == "identifier":
                    continue  # marked below, as the Whoosh backend does: the whole name
                opts = snippet if name in ("description", "text") else options
                columns.append(
                    f"ts_headline('{SCHEMA}.{config}', {body}, {tsquery}, '{opts}') AS h_{name}"
                )
        select = ", ".join(["d.asset_id", "d.texts", *columns])
        params = dict(sql.params)
        params["page_ids"] = ids
        rows = {
            r.asset_id: r
            for r in conn.execute(
                text(
                    f"SELECT {select} FROM {SCHEMA}.documents d WHERE d.asset_id = ANY(:page_ids)"
                ),
                params,
            )
        }
        hits = []
        for asset_id, score in page:
            row = rows.get(asset_id)
            if row is None:
                continue
            texts: dict[str, str] = row.texts
            lights: dict[str, str] = {"title": escape(texts.get("title", ""))}
            lights["description"] = _snippet(texts.get("description", ""), None)
            if tsquery is not None:
                mapping = row._mapping
                for name in HIGHLIGHT_FIELDS:
                    key = f"h_{name}"
                    if key not in mapping or not texts.get(name):
                        continue
                    if name in ("description", "text"):
                        if name == "description" or _START in (mapping[key] or ""):
                            lights[name] = _snippet(texts[name], mapping[key])
                    elif name == "title" or _START in (mapping[key] or ""):
                        lights[name] = _marked(mapping[key])
                self._mark_identifiers(texts, sql, lights)
            hits.append(Hit(asset_id, score, lights))
        return hits

    def _mark_identifiers(
        self, texts: dict[str, str], sql: SqlBuilder, lights: dict[str, str]
    ) -> None:
        for pg_field in PG_FIELDS:
            if pg_field.analysis != "identifier" or not texts.get(pg_field.name):
                continue
            if not (sql.any_field or pg_field.name in sql.fields):
                continue
            value = texts[pg_field.name]
            lexemes = {t.text for t in identifier_analyzer()(value)}
            if lexemes & sql.identifiers:
                lights[pg_field.name] = "<mark>" + escape(value) + "</mark>"

    # "Did you mean"

    def _visible_has(
        self, conn: Connection, visible: str, params: dict[str, Any], word: str
    ) -> int:
        """How many visible documents (up to 1,000) contain ``word`` as a whole word, folded."""
        found = conn.execute(
            text(
                f"SELECT count(*) FROM (SELECT 1 FROM {SCHEMA}.documents d "
                f"WHERE d.vector @@ (SELECT plainto_tsquery('{SCHEMA}.spanish', :w) || "
                f"plainto_tsquery('{SCHEMA}.names', :w)) AND {visible} "
                "AND lower(unaccent(CAST(d.texts AS text))) ~ :pattern LIMIT 1000) s"
            ),
            {**params, "w": word, "pattern": r"\m" + re.escape(word) + r"\M"},
        ).scalar_one()
        return int(found)

    def _suggest(self, conn: Connection, query: SearchQuery, text_: str) -> str | None:
        sql = SqlBuilder()
        visible = self._visibility(sql, query)
        replacements: dict[str, str] = {}
        for original in _query_words(text_):
            folded = fold(original.lower())
            if len(folded) < 3 or folded.isdigit() or folded in SPANISH_STOP_WORDS:
                continue
            known = conn.execute(
                text(
                    f"SELECT EXISTS (SELECT 1 FROM {SCHEMA}.documents d WHERE d.vector @@ "
                    f"(SELECT plainto_tsquery('{SCHEMA}.spanish', :w) || CAST(unaccent(CAST("
                    f"plainto_tsquery('{SCHEMA}.spanish_raw', :o) AS text)) AS tsquery) || "
                    f"plainto_tsquery('{SCHEMA}.names', :w)) AND {visible})"
                ),
                {**sql.params, "w": folded, "o": original.lower()},
            ).scalar_one()
            if known:
                continue
            candidates = conn.execute(
                text(
                    f"SELECT word, spelling FROM {SCHEMA}.words WHERE word % :w "
                    "AND left(word, 1) = left(:w, 1) AND word <> :w "
                    "ORDER BY similarity(word, :w) DESC, word LIMIT 20"
                ),
                {"w": folded},
            ).all()
            best: tuple[int, int, str, str] | None = None
            for distance in (1, 2):
                if len(folded) <= 4 and distance == 2:
                    break
                for word, spelling in candidates:
                    if _edit_distance(word, folded, distance) != distance:
                        continue
                    df = self._visible_has(conn, visible, sql.params, word)
                    if df and (best is None or (-df, word) < (-best[1], best[2])):
                        best = (distance, df, word, spelling)
                if best is not None:
                    break
            if best is not None:
                replacements[original] = best[3]
        if not replacements:
            return None
        cleaned = clean(text_)
        pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(w) for w in replacements) + r")(?!\w)"
        )
        return pattern.sub(lambda m: replacements[m.group(1)], cleaned)

    # Checks

    def doc_ids(self) -> set[int]:
        """Ids of every asset in the index."""
        with self._connection(None) as conn:
            return set(conn.execute(text(f"SELECT asset_id FROM {SCHEMA}.documents")).scalars())

    def doc_count(self) -> int:
        with self._connection(None) as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {SCHEMA}.documents")).scalar_one())

    def stale(self, docs: Iterable[AssetDocument]) -> list[int]:
        """Ids of ``docs`` the index lacks or holds with other fields."""
        expected = {doc.id: self._comparable(_row(doc)) for doc in docs}
        if not expected:
            return []
        with self._connection(None) as conn:
            rows = conn.execute(
                text(
                    f"SELECT asset_id, texts, {_FACET_COLUMNS}, created, captured "
                    f"FROM {SCHEMA}.documents WHERE asset_id = ANY(:ids)"
                ),
                {"ids": sorted(expected)},
            )
            held = {r.asset_id: self._comparable(dict(r._mapping)) for r in rows}
        return sorted(i for i, fields in expected.items() if held.get(i) != fields)

    @staticmethod
    def _comparable(row: dict[str, Any]) -> dict[str, Any]:
        texts = row["texts"]
        if isinstance(texts, str):
            texts = json.loads(texts)
        out = {k: row[k] for k in (*(FACET_FIELDS[f] for f in _SINGLE), "public", "created")}
        out["captured"] = row["captured"] if row["captured"] != MISSING_TIME else None
        out["tags"] = sorted(row["tags"] or [])
        out["texts"] = texts
        return out

    def schema_outdated(self) -> bool:
        """Whether the documents were built with another schema version: rebuild them."""
        with self._connection(None) as conn:
            version = conn.execute(
                text(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema'")
            ).scalar_one_or_none()
        return version is not None and version != str(SCHEMA_VERSION)

    def close(self) -> None:
        """Nothing to close: connections go back to the engine's pool after each use."""

    def __enter__(self) -> PostgresSearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._path

    @property
    def lock_timeout(self) -> float:
        return self._lock_timeout


def installed(connection: Connection) -> bool:
    """Whether the search schema exists in the database of ``connection``."""
    return bool(
        connection.execute(
            text("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = :s)"), {"s": SCHEMA}
        ).scalar_one()
    )


def install(connection: Connection, statements: Sequence[str] | None = None) -> None:
    """Create the search schema (for tests and tools; the app's migration does it too)."""
    from .pg_schema import DDL

    for statement in statements or DDL:
        connection.execute(text(statement))
