""""Did you mean": correct misspelled words from the index's own vocabulary.

The vocabulary is the ``spell`` field: every word of every text field,
folded and unstemmed. A word of the query is corrected when the index does
not know it (or knows it from a couple of documents while a close word is
far more common). Candidates are found by edit distance (one edit first,
then two, keeping the first letter, as people rarely get it wrong) and
ranked by distance, then by how many documents use them.

The vocabulary is folded, but people should see "vacunación", not
"vacunacion": the winner is mapped back to the spelling it has in the
stored text of a document that contains it.
"""

from __future__ import annotations

import re
from collections import Counter

from whoosh.query import Term
from whoosh.searching import Searcher

from .analysis import SPANISH_STOP_WORDS, fold, words
from .parsing import clean

__all__ = ["suggest"]

_SKIP_TOKEN = re.compile(r"^[-+]|[:*?]")
_STORED_TEXT = ("title", "description", "caption", "tags", "keywords", "event",
                "collection", "credit", "creator")
_STEMMED = ("title", "description", "tags", "caption", "keywords", "event", "collection")
_RARE = 3
_MORE_COMMON = 20


def _query_words(text: str) -> list[str]:
    """Plain words of the query: not field syntax, exclusions, prefixes or operators."""
    out = []
    for token in clean(text).split():
        if _SKIP_TOKEN.search(token) or token in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
            continue
        out.extend(words(token))
    return out


def _known(searcher: Searcher, original: str, folded: str) -> int:
    """How many documents know the word, as spelled or through its stem ("fotos" -> foto)."""
    df = searcher.doc_frequency("spell", folded)
    for name in _STEMMED:
        for token in searcher.schema[name].process_text(original, mode="query"):
            df = max(df, searcher.doc_frequency(name, token))
    return df


def _best_candidate(searcher: Searcher, word: str) -> tuple[str, int] | None:
    reader = searcher.reader()
    for distance in (1, 2):
        if len(word) <= 4 and distance == 2:
            break
        found = []
        for term in reader.terms_within("spell", word, distance, prefix=1):
            if term == word:
                continue
            found.append((searcher.doc_frequency("spell", term), term))
        if found:
            df, term = min(found, key=lambda item: (-item[0], item[1]))
            return term, df
    return None


def _display_spelling(searcher: Searcher, folded: str) -> str:
    """The most common way ``folded`` is written (lowercased) in a few documents that use it."""
    seen: Counter[str] = Counter()
    docs = searcher.docs_for_query(Term("spell", folded))
    for count, docnum in enumerate(docs):
        if count >= 5:
            break
        stored = searcher.stored_fields(docnum)
        for name in _STORED_TEXT:
            for original in words(str(stored.get(name, ""))):
                lowered = original.lower()
                if fold(lowered) == folded:
                    seen[lowered] += 1
    return seen.most_common(1)[0][0] if seen else folded


def suggest(searcher: Searcher, text: str) -> str | None:
    """Return ``text`` with misspelled words corrected, or ``None`` if nothing to correct.

    Other words keep the spelling the user typed.
    """
    replacements: dict[str, str] = {}
    for original in _query_words(text):
        folded = fold(original.lower())
        if len(folded) < 3 or folded.isdigit() or folded in SPANISH_STOP_WORDS:
            continue
        df = _known(searcher, original, folded)
        if df > _RARE:
            continue
        candidate = _best_candidate(searcher, folded)
        if candidate is None:
            continue
        term, candidate_df = candidate
        if df and candidate_df < _MORE_COMMON * df:
            continue
        replacements[original] = _display_spelling(searcher, term)
    if not replacements:
        return None
    cleaned = clean(text)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in replacements) + r")(?!\w)"
    )
    return pattern.sub(lambda m: replacements[m.group(1)], cleaned)
