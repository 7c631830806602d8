"""From what a person typed in the search box to SQL over ``brandhub_search.documents``.

The box means the same as on the Whoosh backend (:mod:`search_index.parsing`):
plain words must all match, in any text field; ``"quoted phrases"``;
``-word`` or ``NOT word`` to exclude; ``word*`` for a prefix; ``field:value``
and ``field:"a phrase"`` with English or Spanish field names (the same
aliases); ``a OR b``; a plain word that is a year also matches the capture
year. Parentheses are read as spaces. Stop words are dropped from plain
words (not from phrases, whose positions count them). In a name field
(credit, creator, camera, lens) a phrase is its words in any order, all in
that one field: "Pérez, José" is José Pérez (the Whoosh backend's name fields
keep no positions either).

:func:`parse` gives a list of groups: the groups must all hold, and each
group is a list of alternatives (more than one only around ``OR``).
:class:`SqlBuilder` turns them into a ``WHERE`` condition and the tsquery
of everything asked for positively (for ranking and snippets). Every value
a person typed travels as a bind parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .analysis import SPANISH_STOP_WORDS, fold, words
from .parsing import FIELD_ALIASES, MAX_QUERY_WORDS, clean
from .pg_schema import (
    FIELDS_BY_NAME,
    SCHEMA,
    PgField,
    field_vector_sql,
    qualified,
    quote_lexeme,
)
from .schema import TEXT_FIELDS

__all__ = ["Clause", "SqlBuilder", "parse"]

#: Exact columns the box may name (the text fields are searched, these are compared).
EXACT_FIELDS = ("category", "kind", "agency", "year", "orientation", "compliance", "status", "id")
_NAMES: dict[str, str] = {name: name for name in (*TEXT_FIELDS, *EXACT_FIELDS)}
for _field, _aliases in FIELD_ALIASES.items():
    for _alias in _aliases:
        _NAMES.setdefault(_alias, _field)
_TOKEN = re.compile(r'(?:(?<=\s)|^)(-)?(?:([^\s:"()]+):)?(?:"([^"]*)"?|([^\s"()]+))')
_YEAR = re.compile(r"^(19\d\d|20\d\d|2100)$")
_MATCH = "d.vector @@ "
MIN_PREFIX = 2


@dataclass(frozen=True)
class Clause:
    """One thing asked for: a word, phrase or prefix in a field (``None``: any text field)."""

    kind: str  # "word", "phrase", "prefix" or "exact"
    text: str
    field: str | None = None
    negated: bool = False


def _clause(raw_field: str | None, phrase: str | None, word: str | None, negated: bool) -> Clause:
    name = _NAMES.get(raw_field.lower()) if raw_field else None
    if raw_field and name is None:
        # Not a field we know: "hora:12" is two words.
        word = f"{raw_field}:{phrase if phrase is not None else word}"
        phrase = None
    if name in EXACT_FIELDS:
        return Clause(
            "exact", (phrase if phrase is not None else word or "").strip(), name, negated
        )
    if phrase is not None:
        return Clause("phrase", phrase, name, negated)
    assert word is not None
    if word.endswith("*") and "*" not in word[:-1]:
        return Clause("prefix", fold(word[:-1].lower()), name, negated)
    return Clause("word", word.replace("*", " "), name, negated)


def _meaningful(clause: Clause) -> bool:
    if clause.kind == "exact":
        return bool(clause.text)
    if clause.kind == "prefix":
        return len(clause.text) >= MIN_PREFIX and bool(words(clause.text))
    found = words(clause.text)
    if clause.kind == "phrase":
        return bool(found)
    return any(fold(w.lower()) not in SPANISH_STOP_WORDS for w in found)


def parse(text: str) -> list[list[Clause]]:
    """The groups of clauses of box text; empty text (or stop words only) gives ``[]``."""
    text = clean(text).replace("(", " ").replace(")", " ")
    groups: list[list[Clause]] = []
    join_next = negate_next = False
    operators: list[str] = []
    for match in _TOKEN.finditer(text):
        minus, raw_field, phrase, word = match.groups()
        if phrase is None and raw_field is None and word in ("AND", "OR", "NOT", "ANDNOT"):
            operators.append(word)
            join_next = word == "OR" and bool(groups)
            negate_next = word in ("NOT", "ANDNOT")
            continue
        negated = bool(minus) or negate_next
        negate_next = False
        clause = _clause(raw_field, phrase, word, negated)
        if not _meaningful(clause):
            continue
        if join_next and not negated and not any(c.negated for c in groups[-1]):
            groups[-1].append(clause)
        else:
            groups.append([clause])
        join_next = False
        if len(groups) >= MAX_QUERY_WORDS:
            break
    if not groups and operators:
        # "AND OR NOT" joins nothing: the words themselves are what was asked for.
        groups = [[Clause("word", word)] for word in operators]
    return groups


@dataclass
class SqlBuilder:
    """Collects bind parameters while turning clauses into SQL."""

    params: dict[str, Any] = field(default_factory=dict)
    #: Lexemes a prefix expands to (filled by the caller, see :meth:`prefix_words`).
    expansions: dict[str, list[str]] = field(default_factory=dict)
    #: Fields asked for positively (for snippets: the others show no marks).
    fields: set[str] = field(default_factory=set)
    #: Whether a positive clause named no field (then every field shows its marks).
    any_field: bool = False
    #: Folded identifiers asked for (a file name is marked whole when one of them matched).
    identifiers: set[str] = field(default_factory=set)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    # tsqueries, one per analysis

    def _spanish(self, function: str, text: str) -> str:
        p = self.bind(text)
        return (
            f"({function}('{SCHEMA}.spanish', {p}) || "
            f"CAST(unaccent(CAST({function}('{SCHEMA}.spanish_raw', {p}) AS text)) AS tsquery))"
        )

    def _names(self, function: str, text: str) -> str:
        return f"{function}('{SCHEMA}.names', {self.bind(text)})"

    def _identifier(self, text: str) -> str | None:
        whole = fold(text.strip().lower())
        if not whole or whole in SPANISH_STOP_WORDS or not any(c.isalnum() for c in whole):
            return None
        self.identifiers.add(whole)
        return f"CAST({self.bind(quote_lexeme(whole))} AS tsquery)"

    def _query_for(self, analysis: str, kind: str, text: str) -> str | None:
        if kind == "prefix":
            lexemes = self.expansions.get(text) or []
            if not lexemes:
                return None
            return f"CAST({self.bind(' | '.join(quote_lexeme(x) for x in lexemes))} AS tsquery)"
        function = "phraseto_tsquery" if kind == "phrase" else "plainto_tsquery"
        if analysis == "names":
            # A name's words in any order ("Pérez, José" is "José Pérez"), as on the
            # Whoosh backend, whose name fields keep no positions; :meth:`condition`
            # keeps them within one field.
            function = "plainto_tsquery"
        if kind == "word":
            kept = [w for w in words(text) if fold(w.lower()) not in SPANISH_STOP_WORDS]
            text = " ".join(kept)
        if analysis == "spanish":
            return self._spanish(function, text)
        if analysis == "names":
            return self._names(function, text)
        return self._identifier(text) if kind == "word" else None

    def tsquery(self, clause: Clause) -> str | None:
        """The tsquery of a text clause over the fields it names (``None``: nothing can match).

        It is a scalar subquery, so PostgreSQL computes it once per statement (an
        InitPlan) instead of once per row it checks: ``unaccent`` is only stable.
        """
        if clause.field is not None:
            query = self._query_for(FIELDS_BY_NAME[clause.field].analysis, clause.kind, clause.text)
            return None if query is None else f"(SELECT {query})"
        parts = self._in_every_analysis(clause.kind, clause.text)
        if not parts:
            return None
        return "(SELECT " + " || ".join(parts) + ")"

    def _in_every_analysis(self, kind: str, text: str, but: str | None = None) -> list[str]:
        """The tsqueries of ``text`` under each analysis (but ``but``) that can match it."""
        analyses = sorted({f.analysis for f in FIELDS_BY_NAME.values()} - {but})
        return [q for a in analyses if (q := self._query_for(a, kind, text))]

    # Conditions

    def _field_check(self, pg_field: PgField, query: str) -> str:
        """A long field's own text analysed again, for a search in that field alone."""
        body = f"coalesce(d.texts->>'{pg_field.name}', '')"
        return f"{field_vector_sql(pg_field, body)} @@ {query}"

    def condition(self, clause: Clause) -> tuple[str, str | None]:
        """``(SQL condition, positive tsquery or None)`` of one clause, ignoring its negation."""
        if clause.kind == "exact":
            if clause.field == "id":
                try:
                    return f"d.asset_id = {self.bind(int(clause.text))}", None
                except ValueError:
                    return "false", None
            return f"d.{clause.field} = {self.bind(clause.text)}", None
        query = self.tsquery(clause)
        if query is None:
            return "false", None
        sql = f"d.vector @@ {query}"
        if clause.kind == "phrase" and clause.field is None:
            sql = f"d.vector @@ {self._phrase_anywhere(clause.text)}"
        if clause.field is not None:
            pg_field = FIELDS_BY_NAME[clause.field]
            if pg_field.qualified:
                # The field's own lexemes: one lookup in the index (see pg_schema).
                named = qualified(f"CAST({query} AS text)", pg_field.name)
                sql = f"d.vector @@ (SELECT CAST({named} AS tsquery))"
            else:
                sql = f"({sql} AND {self._field_check(pg_field, query)})"
        elif clause.kind == "word" and _YEAR.match(clause.text):
            sql = f"({sql} OR d.year = {self.bind(clause.text)})"
        return sql, query

    def lookup(self, clause: Clause) -> tuple[str, str] | None:
        """For a clause whose condition is one tsquery that the vector must match (a word
        or a prefix, in any field or in one short field): ``(tsquery matched, tsquery
        ranked)``; ``None`` for any other (a phrase, a long field, a year, an exact field).
        """
        if clause.kind not in ("word", "prefix"):
            return None
        if clause.field is None and clause.kind == "word" and _YEAR.match(clause.text):
            return None
        if clause.field is not None and not FIELDS_BY_NAME[clause.field].qualified:
            return None
        sql, query = self.condition(clause)
        if query is None or not sql.startswith(_MATCH):
            return None
        return sql.removeprefix(_MATCH), query

    def _phrase_anywhere(self, text: str) -> str:
        """The tsquery of a phrase in any field: in order in the prose fields, or every
        word in one name field (its lexemes under that field's name, see pg_schema)."""
        parts = self._in_every_analysis("phrase", text, but="names")
        names = self._query_for("names", "phrase", text)
        if names is not None:
            parts.extend(
                f"CAST({qualified(f'CAST({names} AS text)', f.name)} AS tsquery)"
                for f in FIELDS_BY_NAME.values()
                if f.analysis == "names"
            )
        # Never empty: a phrase always has its Spanish tsquery (see :meth:`tsquery`).
        return "(SELECT " + " || ".join(parts) + ")"

    def where(self, groups: list[list[Clause]]) -> tuple[str, str | None]:
        """``(WHERE condition, tsquery of the positive clauses or None)`` of the groups."""
        conditions: list[str] = []
        positive: list[str] = []
        for group in groups:
            alternatives = []
            queries = []
            for clause in group:
                sql, query = self.condition(clause)
                if clause.negated:
                    sql = f"NOT coalesce({sql}, false)"
                elif query is not None:
                    queries.append(query)
                    if clause.field is not None:
                        self.fields.add(clause.field)
                    else:
                        self.any_field = True
                alternatives.append(sql)
            conditions.append(
                alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
            )
            if queries:
                positive.append("(" + " || ".join(queries) + ")")
        where = " AND ".join(conditions) if conditions else "true"
        return where, ("(SELECT " + " && ".join(positive) + ")" if positive else None)
