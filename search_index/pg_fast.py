"""The PostgreSQL backend's path for a search of words: read from indexes, counted here.

Most searches are a word or two typed in the box, and the costly ones are a
frequent word: a tenth of a million documents answers "parte". The general
path (:meth:`PostgresSearchIndex._search`) finds those rows with the GIN
index, then visits each of them in ``documents`` to check it is visible,
rank it and count its facets: more than 400 ms at a million documents.

This path answers the searches whose condition is a set of lexemes that
must be there and sets that must not: one word or prefix (in any field or
in one short field, alternatives joined by ``OR``), and any number of
excluded ones. It reads

* each lexeme's documents, and what the lexeme adds to ``ts_rank`` in each,
  from the primary key of ``terms`` alone (an index-only scan, a few bytes a
  document);
* the documents' facet codes, visibility and sort keys from this process's
  copy (:mod:`search_index.pg_docvalues`),

and filters, counts, ranks and sorts with numpy. The rank is ``ts_rank``'s own
for such a query (an OR of lexemes: the sum of what each of its lexemes adds,
over their number), so the answer is the general path's, row for row. Any
other search (a phrase, two words that must both be there, a year, an exact
field, sorting by title) takes the general path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .documents import FACETS, SearchQuery
from .pg_docvalues import NONE, DocValues, Snapshot
from .pg_query import Clause, SqlBuilder
from .pg_schema import SCHEMA

__all__ = ["WordPlan", "plan", "run"]

_SINGLE = tuple(f for f in FACETS if f != "tag")
#: A tsquery that is only lexemes joined by OR, in PostgreSQL's text form (a quote in a
#: lexeme doubled, a backslash too).
_LEXEME = r"'(?:[^'\\]|''|\\\\)*'"
_OR_OF_LEXEMES = re.compile(rf"{_LEXEME}(?: \| {_LEXEME})*")
_QUOTED = re.compile(r"'((?:[^'\\]|''|\\\\)*)'")


@dataclass(frozen=True)
class WordPlan:
    """The tsqueries (SQL) of a search this path answers."""

    #: Each alternative of the one group that must hold: the tsquery it matches by.
    wanted: tuple[str, ...]
    #: The tsquery of each excluded clause.
    excluded: tuple[str, ...]


def plan(sql: SqlBuilder, groups: list[list[Clause]], query: SearchQuery) -> WordPlan | None:
    """The plan of a search this path answers, or ``None`` (the general path answers it)."""
    if query.sort == "title":
        return None
    if not groups:  # filters alone: every document, filtered here
        return WordPlan((), ())
    wanted = [g for g in groups if not any(c.negated for c in g)]
    excluded = [g for g in groups if any(c.negated for c in g)]
    if len(wanted) != 1 or any(len(g) != 1 for g in excluded):
        return None
    found = [sql.lookup(c) for c in wanted[0]]
    unwanted = [sql.lookup(g[0]) for g in excluded]
    if any(f is None for f in found) or any(u is None for u in unwanted):
        return None
    return WordPlan(
        tuple(f[0] for f in found if f is not None),
        tuple(u[0] for u in unwanted if u is not None),
    )


def _lexemes(form: str | None) -> list[str] | None:
    """The distinct lexemes of a tsquery's text form that is an OR of lexemes, else None."""
    if not form or not _OR_OF_LEXEMES.fullmatch(form):
        return None
    found = (m.replace("''", "'").replace("\\\\", "\\") for m in _QUOTED.findall(form))
    return list(dict.fromkeys(found))


def _unpack(blob: bytes | None, dtype: str) -> np.ndarray:
    return np.frombuffer(blob or b"", dtype=dtype)


@dataclass
class Answer:
    """What the path found: the hits in all, the page (id, rank), and the facet counts."""

    total: int
    page: list[tuple[int, float]]
    facets: list[list[Any]]


def run(
    conn: Connection,
    sql: SqlBuilder,
    word_plan: WordPlan,
    ranked: str | None,
    query: SearchQuery,
    picked: dict[str, list[str]],
    sort: str,
    doc_values: DocValues,
) -> Answer | None:
    """Answer the search (``ranked``: the SQL of the tsquery it ranks by, None for filters
    alone), or ``None`` when its tsqueries turn out not to be ORs of lexemes (the general
    path answers it then)."""
    wanted: list[str] = []
    excluded: list[str] = []
    ranking: list[str] = []
    if ranked is not None:
        forms = [*word_plan.wanted, *word_plan.excluded, ranked]
        row = conn.execute(
            text("SELECT " + ", ".join(f"CAST({q} AS text)" for q in forms)), sql.params
        ).one()
        lexemes = [_lexemes(form) for form in row]
        if any(found is None for found in lexemes):
            return None
        wanted = [x for found in lexemes[: len(word_plan.wanted)] for x in found or ()]
        excluded = [x for found in lexemes[len(word_plan.wanted) : -1] for x in found or ()]
        ranking = lexemes[-1] or []
    postings = _postings(conn, sorted({*wanted, *excluded, *ranking}))
    snapshot = doc_values.refresh(conn)

    def documents(of: list[str]) -> np.ndarray:
        """The documents holding any of ``of``, in order, once each."""
        parts = [postings[x][0] for x in dict.fromkeys(of) if x in postings]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        # Each part is in order already (the key's order): a stable sort merges the runs.
        merged = np.sort(np.concatenate(parts), kind="stable")
        keep = np.ones(len(merged), dtype=bool)
        keep[1:] = merged[1:] != merged[:-1]
        found: np.ndarray = merged[keep]
        return found

    if ranked is None:
        hits = np.flatnonzero(snapshot.present).astype(np.int64)
    else:
        hits = snapshot.known(documents(wanted))
    if excluded:
        hits = hits[~np.isin(hits, documents(excluded), assume_unique=True)]
    rank = np.zeros(len(hits), dtype=np.float32)
    for lexeme in ranking:
        if lexeme in postings:
            ids, adds = postings[lexeme]
            where = np.searchsorted(hits, ids)
            inside = where < len(hits)
            inside[inside] = hits[where[inside]] == ids[inside]
            rank[where[inside]] += adds[inside]
    if ranking:
        rank /= np.float32(len(ranking))
    columns = {facet: i for i, facet in enumerate(_SINGLE)}
    codes = _codes(conn, {**picked, **_visible_agencies(query)})
    visible = _visibility(snapshot, hits, query, codes.get("agency:visible", []), columns)
    flags = {facet: _flag(snapshot, hits, facet, codes.get(facet, []), columns) for facet in picked}

    def all_but(facet: str | None) -> np.ndarray:
        mask = visible.copy()
        for name, flag in flags.items():
            if name != facet:
                mask &= flag
        return mask

    chosen = all_but(None)
    total = int(chosen.sum())
    page = _page(snapshot, hits[chosen], rank[chosen], sort, query)
    facets = (
        _facets(conn, doc_values, snapshot, hits, all_but, set(flags), columns)
        if query.facets
        else []
    )
    return Answer(total, page, facets)


def _postings(conn: Connection, lexemes: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each lexeme's documents (in order) and what it adds to their rank, from the key of
    ``terms`` alone."""
    if not lexemes:
        return {}
    found = {}
    for lexeme, ids, ranks in conn.execute(
        text(
            "SELECT lexeme, string_agg(int8send(asset_id), ''), "
            f"string_agg(float4send(rank), '') FROM {SCHEMA}.terms "
            "WHERE lexeme = ANY(:lexemes) GROUP BY lexeme"
        ),
        {"lexemes": lexemes},
    ):
        found[lexeme] = (_unpack(ids, ">i8").astype(np.int64), _unpack(ranks, ">f4"))
    return found


def _visible_agencies(query: SearchQuery) -> dict[str, list[str]]:
    """The agencies whose drafts the searcher sees, to look up with the picked values
    (under a key of their own: a filter on the agency facet is another thing)."""
    if query.agencies is None or query.public_only or not query.agencies:
        return {}
    return {"agency:visible": sorted(query.agencies)}


def _codes(conn: Connection, values: dict[str, list[str]]) -> dict[str, list[int]]:
    """The codes of facet values (a value never written has none: nothing has it)."""
    pairs = [(facet, value) for facet, found in values.items() for value in found]
    if not pairs:
        return {}
    out: dict[str, list[int]] = {}
    for key, code in conn.execute(
        text(
            f"SELECT x.key, v.code FROM {SCHEMA}.facet_values v JOIN unnest("
            "CAST(:keys AS text[]), CAST(:facets AS text[]), CAST(:values AS text[])) "
            "AS x(key, facet, value) ON v.facet = x.facet AND v.value = x.value"
        ),
        {
            "keys": [facet for facet, _ in pairs],
            "facets": [facet.split(":")[0] for facet, _ in pairs],
            "values": [value for _, value in pairs],
        },
    ):
        out.setdefault(key, []).append(int(code))
    return out


def _visibility(
    snapshot: Snapshot,
    hits: np.ndarray,
    query: SearchQuery,
    agency_codes: list[int],
    columns: dict[str, int],
) -> np.ndarray:
    if query.agencies is None and not query.public_only:
        return np.ones(len(hits), dtype=bool)
    public: np.ndarray = snapshot.public[hits]
    if query.public_only or not query.agencies:
        return public
    return np.asarray(public | np.isin(snapshot.codes[hits, columns["agency"]], agency_codes))


def _flag(
    snapshot: Snapshot, hits: np.ndarray, facet: str, codes: list[int], columns: dict[str, int]
) -> np.ndarray:
    if facet == "tag":
        found, owners = snapshot.tags_of(hits)
        with_one = np.bincount(owners[np.isin(found, codes)], minlength=len(hits))
        return np.asarray(with_one > 0)
    return np.asarray(np.isin(snapshot.codes[hits, columns[facet]], codes))


def _page(
    snapshot: Snapshot, ids: np.ndarray, rank: np.ndarray, sort: str, query: SearchQuery
) -> list[tuple[int, float]]:
    """The page asked for, in the general path's order."""
    start = (query.page - 1) * query.per_page
    end = start + query.per_page
    if start >= len(ids):
        return []
    created = snapshot.created[ids]
    keep = np.arange(len(ids))
    if sort == "relevance":
        if end < len(ids):  # only what can be on the page, ties at its edge included
            edge = np.partition(rank, len(ids) - end)[len(ids) - end]
            keep = np.flatnonzero(rank >= edge)
        order = np.lexsort((-ids[keep], -created[keep], -rank[keep]))
    else:
        sign = -1 if sort == "newest" else 1
        if end < len(ids):
            key = sign * created
            edge = np.partition(key, end - 1)[end - 1]
            keep = np.flatnonzero(key <= edge)
        order = np.lexsort((sign * ids[keep], sign * created[keep]))
    chosen = keep[order[start:end]]
    return [(int(ids[i]), float(rank[i])) for i in chosen]


def _facets(
    conn: Connection,
    doc_values: DocValues,
    snapshot: Snapshot,
    hits: np.ndarray,
    all_but: Any,
    filtered: set[str],
    columns: dict[str, int],
) -> list[list[Any]]:
    """``[facet, value, count]`` of every value the hits have, each facet counted without
    its own filter (as the general path counts)."""
    counted: dict[int, int] = {}
    rows = snapshot.codes[hits]  # every hit's codes, gathered once
    shared = all_but(None)  # the mask of every facet that has no filter of its own
    everyone = bool(shared.all())
    for facet in _SINGLE:
        mask = all_but(facet) if facet in filtered else shared
        found = rows[:, columns[facet]]
        if not (everyone and mask is shared):
            found = found[mask]
        _count(found[found != NONE], counted)
    tags, _owners = snapshot.tags_of(
        hits if everyone and "tag" not in filtered else hits[all_but("tag")]
    )
    _count(tags, counted)
    if not counted:
        return []
    labels = doc_values.labels
    missing = sorted(set(counted) - labels.keys())
    if missing:
        named = conn.execute(
            text(f"SELECT code, facet, value FROM {SCHEMA}.facet_values WHERE code = ANY(:codes)"),
            {"codes": missing},
        )
        labels.update({int(code): (facet, value) for code, facet, value in named})
    return [[*labels[code], n] for code, n in counted.items() if code in labels]


def _count(codes: np.ndarray, into: dict[int, int]) -> None:
    if not len(codes):
        return
    counts = np.bincount(codes)
    for code in np.flatnonzero(counts):
        into[int(code)] = int(counts[code])
