""" "Did you mean": correct misspelled words from the index's own vocabulary.

The vocabulary is the ``spell`` field: every word of every text field,
folded and unstemmed. A word of the query is corrected only when the
index does not know it at all: a word some document uses is what someone
meant. Hyphenated words ("close-up", "Covid-19") are left as typed: "close"
alone may be rare in the index while "clock" is common. Candidates are
found by edit distance (one edit first, then two, keeping the first letter,
as people rarely get it wrong) and ranked by distance, then by how many
documents use them.

The vocabulary is folded, but people should see "vacunación", not
"vacunacion": the winner is mapped back to the spelling it has in the
stored text of a document that contains it.

Only documents the searcher may see count. The lexicon is the whole index's,
so every number taken from it (how many documents know a word, which ones
show its spelling) is counted over the search's visibility mask: a word that
only another agency's private draft contains has no documents, is never
offered, and does not make a query word "known". Counting a candidate's
postings under the mask costs a few hundred microseconds, and there are only
a handful of candidates per query word.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import numpy as np
from whoosh.query import Term

from . import arrays
from .analysis import SPANISH_STOP_WORDS, fold, words
from .parsing import clean
from .schema import HIGHLIGHT_FIELDS
from .views import IndexView

__all__ = ["suggest"]

_SKIP_TOKEN = re.compile(r"^[-+]|[:*?]")
# The words a searcher could read in a hit: the highlighted fields but the file name
# (a camera's "DSC_0412" is no word to suggest).
_STORED_TEXT = tuple(name for name in HIGHLIGHT_FIELDS if name != "filename")
_STEMMED = (
    "title",
    "description",
    "tags",
    "caption",
    "keywords",
    "event",
    "collection",
    "embedded",
    "text",
)


def _query_words(text: str) -> list[str]:
    """Plain words of the query: not field syntax, exclusions, prefixes or operators."""
    out = []
    for token in clean(text).split():
        if _SKIP_TOKEN.search(token) or token in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
            continue
        parts = words(token)
        if len(parts) > 1 and "-" in token:
            continue
        out.extend(parts)
    return out


class _Scope:
    """Document frequencies and documents of a term, counting only the visible documents."""

    def __init__(self, view: IndexView, visible: np.ndarray | None) -> None:
        self.view, self.searcher, self.visible = view, view.searcher, visible

    def _ids(self, fieldname: str, text: str) -> np.ndarray:
        assert self.visible is not None
        tbytes = self.searcher.schema[fieldname].to_bytes(text)
        parts = []
        for leaf in self.view.leaves:
            ids, _ = arrays.postings(leaf.reader, fieldname, tbytes, weights=False)
            if len(ids):
                ids = ids + leaf.offset
                parts.append(ids[self.visible[ids]])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def df(self, fieldname: str, text: str) -> int:
        if self.visible is None:
            return int(self.searcher.doc_frequency(fieldname, text))
        return len(self._ids(fieldname, text))

    def docs(self, fieldname: str, text: str) -> Iterator[int]:
        if self.visible is None:
            yield from self.searcher.docs_for_query(Term(fieldname, text))
        else:
            yield from (int(d) for d in self._ids(fieldname, text))


def _known(scope: _Scope, original: str, folded: str) -> int:
    """How many documents know the word, as spelled or through its stem ("fotos" -> foto)."""
    df = scope.df("spell", folded)
    for name in _STEMMED:
        for token in scope.searcher.schema[name].process_text(original, mode="query"):
            df = max(df, scope.df(name, token))
    return df


def _best_candidate(scope: _Scope, word: str) -> tuple[str, int] | None:
    reader = scope.searcher.reader()
    for distance in (1, 2):
        if len(word) <= 4 and distance == 2:
            break
        found = []
        for term in reader.terms_within("spell", word, distance, prefix=1):
            if term == word:
                continue
            df = scope.df("spell", term)
            if df:  # words of documents the searcher may not see do not exist here
                found.append((df, term))
        if found:
            df, term = min(found, key=lambda item: (-item[0], item[1]))
            return term, df
    return None


def _display_spelling(scope: _Scope, folded: str) -> str:
    """The most common way ``folded`` is written (lowercased) in a few documents that use it."""
    seen: Counter[str] = Counter()
    for count, docnum in enumerate(scope.docs("spell", folded)):
        if count >= 5:
            break
        stored = scope.searcher.stored_fields(docnum)
        for name in _STORED_TEXT:
            for original in words(str(stored.get(name, ""))):
                lowered = original.lower()
                if fold(lowered) == folded:
                    seen[lowered] += 1
    return seen.most_common(1)[0][0] if seen else folded


def suggest(view: IndexView, text: str, visible: np.ndarray | None = None) -> str | None:
    """Return ``text`` with misspelled words corrected, or ``None`` if nothing to correct.

    Other words keep the spelling the user typed. ``visible`` (a boolean per
    global document number of ``view``) restricts the vocabulary to those
    documents; ``None`` means every document.
    """
    scope = _Scope(view, visible)
    replacements: dict[str, str] = {}
    for original in _query_words(text):
        folded = fold(original.lower())
        if len(folded) < 3 or folded.isdigit() or folded in SPANISH_STOP_WORDS:
            continue
        if _known(scope, original, folded):
            continue
        candidate = _best_candidate(scope, folded)
        if candidate is None:
            continue
        replacements[original] = _display_spelling(scope, candidate[0])
    if not replacements:
        return None
    cleaned = clean(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in replacements) + r")(?!\w)")
    return pattern.sub(lambda m: replacements[m.group(1)], cleaned)
