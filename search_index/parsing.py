"""From what a person typed in the search box to a Whoosh query tree.

The box accepts plain words (all must match, in any searchable field),
quoted phrases, ``-word`` to exclude, ``word*`` for a prefix, ``field:value``
with English or Spanish field names (``credit:perez``, ``credito:perez``,
``tag:logo``, ``etiqueta:logo``, ``kind:video``, ``tipo:video``) and, for
power users, AND/OR/NOT with parentheses.

A plain word that is a year (1900 to 2100) also matches the capture year,
so "2015" finds the photos taken in 2015 as the year facet counts them,
besides any text that says 2015.

Whatever the text, :func:`parse` returns a query and never raises: control
characters are dropped, the text is cut to a sane length, and if Whoosh's
parser fails or builds something we do not evaluate, the words of the text
are searched as plain words instead.
"""

from __future__ import annotations

import re
import unicodedata

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser import plugins as qp

from .analysis import words
from .schema import DEFAULT_FIELD_BOOSTS, TEXT_FIELDS

__all__ = ["FIELD_ALIASES", "MAX_QUERY_CHARS", "MAX_QUERY_WORDS", "QueryParser", "clean"]

MAX_QUERY_CHARS = 400
MAX_QUERY_WORDS = 32

#: Field names people may type, besides the field's own name.
FIELD_ALIASES: dict[str, list[str]] = {
    "title": ["titulo", "título"],
    "description": ["descripcion", "descripción"],
    "tags": ["tag", "etiqueta", "etiquetas"],
    "credit": ["credito", "crédito", "fotografo", "fotógrafo"],
    "creator": ["autor", "autora", "creador", "creadora"],
    "caption": ["leyenda"],
    "keywords": ["keyword", "palabra", "palabras"],
    "event": ["evento"],
    "collection": ["collections", "coleccion", "colección"],
    "filename": ["file", "archivo"],
    "camera": ["camara", "cámara"],
    "lens": ["lente", "objetivo"],
    "text": ["texto"],
    "kind": ["tipo"],
    "category": ["categoria", "categoría"],
    "agency": ["dependencia"],
    "year": ["año", "ano", "anio"],
    "orientation": ["orientacion", "orientación"],
    "compliance": ["cumplimiento"],
}
#: Fields the box may name; the rest of the schema (spell, public, columns) stays internal.
QUERY_FIELDS: tuple[str, ...] = (
    *TEXT_FIELDS,
    "category",
    "kind",
    "agency",
    "year",
    "orientation",
    "compliance",
    "status",
    "id",
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ONLY_EXCLUSIONS = re.compile(r"^\s*(-\S+\s*)+$")
_YEAR = re.compile(r"^(19\d\d|20\d\d|2100)$")


def clean(text: str) -> str:
    """Normalise to NFC, drop control characters, collapse spaces, cut to a sane length."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text[:MAX_QUERY_CHARS]


_SUPPORTED = (
    wq.Term,
    wq.And,
    wq.Or,
    wq.Not,
    wq.AndNot,
    wq.AndMaybe,
    wq.Require,
    wq.Phrase,
    wq.Prefix,
    wq.Wildcard,
    wq.Every,
    wq.DisjunctionMax,
)


def with_years(q: wq.Query) -> wq.Query:
    """Let each plain word that is a year also match the ``year`` field.

    A plain word is an ``Or`` of one term per text field (what both parsers
    make of it); a phrase, a prefix or a ``field:value`` is left alone.
    """
    if isinstance(q, wq.Or):
        kids = q.subqueries
        if kids and all(isinstance(k, wq.Term) and k.fieldname in TEXT_FIELDS for k in kids):
            years = sorted({str(k.text) for k in kids if _YEAR.match(str(k.text))})
            if years:
                return wq.Or([*kids, *(wq.Term("year", y) for y in years)], boost=q.boost)
            return q
    return q.apply(with_years)


def _supported(q: wq.Query) -> bool:
    if q is wq.NullQuery:
        return True
    if not isinstance(q, _SUPPORTED):
        return False
    return all(_supported(child) for child in q.children())


class QueryParser:
    """Turns box text into a query tree over one schema; thread-safe, keep one."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        query_schema = Schema(**{name: schema[name] for name in QUERY_FIELDS})
        parser = MultifieldParser(
            list(TEXT_FIELDS), query_schema, fieldboosts=DEFAULT_FIELD_BOOSTS, group=AndGroup
        )
        for plugin in (qp.RangePlugin, qp.BoostPlugin, qp.SingleQuotePlugin, qp.EveryPlugin):
            parser.remove_plugin_class(plugin)
        # "+"/"-" only at the start of a word: "Covid-19" is one word, not Covid minus 19.
        parser.add_plugin(qp.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
        parser.add_plugin(qp.FieldAliasPlugin(FIELD_ALIASES))
        self._parser = parser

    def parse(self, text: str) -> wq.Query:
        """Parse box text; empty text (or only stop words) gives :data:`whoosh.query.Every`."""
        text = clean(text)
        if not text:
            return wq.Every()
        if _ONLY_EXCLUSIONS.match(text):
            # "-video" alone means "everything but videos".
            text = "* " + text
        try:
            q = self._parser.parse(text)
            if len(list(q.leaves())) > MAX_QUERY_WORDS * len(TEXT_FIELDS) or not _supported(q):
                raise ValueError("unsupported query")
        except Exception:
            # Any failure of Whoosh's parser on odd text: search the words.
            q = self.plain(text)
        if q is wq.NullQuery:
            return wq.Every()
        return with_years(q)

    def plain(self, text: str) -> wq.Query:
        """Every word of ``text`` must appear in some searchable field; no syntax at all."""
        clauses: list[wq.Query] = []
        for word in words(clean(text))[:MAX_QUERY_WORDS]:
            options: list[wq.Query] = []
            for name in TEXT_FIELDS:
                tokens = list(self.schema[name].process_text(word, mode="query"))
                boost = DEFAULT_FIELD_BOOSTS[name]
                terms = [wq.Term(name, t, boost=boost) for t in tokens]
                if len(terms) == 1:
                    options.append(terms[0])
                elif terms:
                    options.append(wq.And(terms))
            if options:
                clauses.append(wq.Or(options))
        if not clauses:
            return wq.Every()
        return with_years(wq.And(clauses) if len(clauses) > 1 else clauses[0])
