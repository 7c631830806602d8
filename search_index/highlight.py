"""Highlighted snippets: HTML-escaped text with ``<mark>`` around the words that matched.

The web layer renders these as safe HTML, so everything that is not our own
``<mark>`` tag is escaped here. A word is marked when the field's analyzer
turns it into one of the terms the query matched (so "Escuelas" is marked
for a search on "escuela") or when its folded spelling starts with a prefix
the query used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from whoosh.analysis import Analyzer
from whoosh.fields import Schema

from .analysis import fold
from .schema import HIGHLIGHT_FIELDS

__all__ = ["hit_highlights", "highlight"]

ELLIPSIS = "…"
#: Length in characters of a description snippet.
SNIPPET = 240


def _spans(
    text: str, analyzer: Analyzer, terms: set[str], prefixes: set[str]
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    if not terms and not prefixes:
        return spans
    for token in analyzer(text, chars=True, mode="index"):
        start, end = token.startchar, token.endchar
        hit = token.text in terms
        if not hit and prefixes:
            spelled = fold(text[start:end].lower())
            hit = any(spelled.startswith(p) for p in prefixes)
        if hit and (not spans or start >= spans[-1][1]):
            spans.append((start, end))
    return spans


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    if len(text) <= size:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    # Some context before the first hit, starting at a word boundary.
    start = max(0, first - size // 4)
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + size // 2 else end
    return start, end


def highlight(
    text: str,
    analyzer: Analyzer,
    terms: Iterable[str] = (),
    prefixes: Iterable[str] = (),
    size: int | None = None,
) -> str:
    """Escape ``text`` and wrap matched words in ``<mark>``; cut to ``size`` chars around them.

    >>> from search_index.analysis import spanish_analyzer
    >>> highlight("Escuelas <b>nuevas</b>", spanish_analyzer(), {"escuel"})
    '<mark>Escuelas</mark> &lt;b&gt;nuevas&lt;/b&gt;'
    """
    spans = _spans(text, analyzer, set(terms), set(prefixes))
    start, end = (0, len(text)) if size is None else _window(text, spans, size)
    out = [ELLIPSIS] if start > 0 else []
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out)


def hit_highlights(
    stored: Mapping[str, object],
    schema: Schema,
    terms: Mapping[str, set[str]],
    prefixes: Mapping[str, set[str]],
) -> dict[str, str]:
    """Highlights of one hit from its stored fields (see :class:`search_index.Hit`).

    "title" and "description" are always there (the description as a
    snippet around its first match); other fields only when they matched
    (the piece's ``text``, often long, also as a snippet).
    """
    out: dict[str, str] = {"title": "", "description": ""}
    for name in HIGHLIGHT_FIELDS:
        text = str(stored.get(name) or "")
        field_terms, field_prefixes = terms.get(name, set()), prefixes.get(name, set())
        always = name in out
        if not text or not (always or field_terms or field_prefixes):
            continue
        size = SNIPPET if name in ("description", "text") else None
        marked = highlight(text, schema[name].analyzer, field_terms, field_prefixes, size)
        if always or "<mark>" in marked:
            out[name] = marked
    return out
