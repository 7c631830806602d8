"""Evaluate a Whoosh query tree into a hit mask and a score per document, with numpy.

Whoosh's own matchers produce hits one at a time; to count every hit, facet
them and sort them by a column, we need them all, and one at a time is too
slow on a hundred thousand documents. So the tree the query parser builds is
evaluated here over dense arrays indexed by global document number:

* a ``Term`` reads its postings (:func:`search_index.arrays.postings`; long
  lists are kept decoded per segment, :meth:`~search_index.views.SegmentData.postings`) and
  scores them with BM25 (k1=1.2, b=0.75, Whoosh's idf), times the field
  boost the parser put on the term;
* ``And``/``Or``/``Not``/``AndNot``/``AndMaybe``/``Require`` combine masks
  and add scores;
* a ``Prefix`` is expanded over the unstemmed ``spell`` vocabulary, then each
  word goes through the field's own analyzer, so "vacunaci*" finds every
  word starting that way, whatever its stem;
* a ``Phrase`` is the ``And`` of its words, narrowed by Whoosh's position
  check when the field keeps positions and the words co-occur at all;
* anything else asks Whoosh for its documents (``docs_for_query``).

The evaluator also records, per field, the terms and prefixes that matched
positively, for highlighting.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq

from .views import IndexView

__all__ = ["Evaluator", "Match"]

K1 = 1.2
B = 0.75
MAX_PREFIX_WORDS = 200
MIN_PREFIX = 2
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0, dtype=np.float32)
_EXPAND_VIA_SPELL = {
    "title",
    "description",
    "tags",
    "credit",
    "creator",
    "caption",
    "keywords",
    "event",
    "collection",
}


@dataclass
class Match:
    """Which documents match (``mask``) and how well (``score``), by global doc number."""

    mask: np.ndarray
    score: np.ndarray


class Evaluator:
    """Evaluates query trees against one :class:`IndexView`."""

    def __init__(self, view: IndexView) -> None:
        self.view = view
        self.searcher = view.searcher
        self.schema = view.searcher.schema
        self.n = view.doccount
        self.live_count = max(1, self.searcher.doc_count())
        #: field -> terms that matched positively (for highlighting)
        self.terms: dict[str, set[str]] = defaultdict(set)
        #: field -> folded prefixes that matched positively
        self.prefixes: dict[str, set[str]] = defaultdict(set)

    # Building blocks

    def _empty(self) -> Match:
        return Match(np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32))

    def _all(self) -> Match:
        return Match(np.ones(self.n, dtype=bool), np.zeros(self.n, dtype=np.float32))

    def _postings(
        self, fieldname: str, text: str, boost: float, positive: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Global ids of a term's documents and each one's BM25 score (unique ids)."""
        if fieldname not in self.schema:
            return _NO_IDS, _NO_SCORES
        field = self.schema[fieldname]
        tbytes = field.to_bytes(text)
        id_parts, tf_parts = [], []
        for leaf in self.view.leaves:
            ids, tfs = leaf.data.postings(leaf.reader, fieldname, tbytes)
            if len(ids):
                id_parts.append(ids + leaf.offset)
                tf_parts.append(tfs)
        if not id_parts:
            return _NO_IDS, _NO_SCORES
        if positive:
            self.terms[fieldname].add(text)
        ids = np.concatenate(id_parts)
        tfs = np.concatenate(tf_parts)
        if not field.scorable:
            return ids, np.full(len(ids), boost, dtype=np.float32)
        df = self.searcher.doc_frequency(fieldname, tbytes)
        idf = math.log(self.live_count / (df + 1)) + 1.0
        avgdl = self.searcher.avg_field_length(fieldname) or 1.0
        norm = K1 * ((1.0 - B) + B * self.view.lengths(fieldname)[ids] / avgdl)
        return ids, (boost * idf * (tfs * (K1 + 1.0)) / (tfs + norm)).astype(np.float32)

    def _term(self, fieldname: str, text: str, boost: float, positive: bool) -> Match:
        result = self._empty()
        ids, scores = self._postings(fieldname, text, boost, positive)
        result.mask[ids] = True
        result.score[ids] = scores
        return result

    def _and(self, parts: list[Match]) -> Match:
        if not parts:
            return self._all()
        mask = parts[0].mask.copy()
        score = parts[0].score.copy()
        for part in parts[1:]:
            mask &= part.mask
            score += part.score
        score[~mask] = 0.0
        return Match(mask, score)

    def _or(self, subqueries: list[wq.Query], positive: bool) -> Match:
        # One word becomes an Or of the same term in ten fields: add each
        # term's few postings into one pair of arrays rather than allocating
        # ten full-size ones.
        result = self._empty()
        for q in subqueries:
            if isinstance(q, wq.Term):
                ids, scores = self._postings(q.fieldname, q.text, float(q.boost), positive)
                result.mask[ids] = True
                result.score[ids] += scores
            else:
                part = self.evaluate(q, positive)
                result.mask |= part.mask
                result.score += part.score
        return result

    def _words_for_prefix(self, prefix: str) -> list[str]:
        reader = self.searcher.reader()
        found = []
        for word in reader.expand_prefix("spell", prefix):
            found.append(word.decode("utf-8") if isinstance(word, bytes) else word)
            if len(found) >= MAX_PREFIX_WORDS:
                break
        return found

    def _prefix(self, fieldname: str, prefix: str, boost: float, positive: bool) -> Match:
        if len(prefix) < MIN_PREFIX or fieldname not in self.schema:
            return self._all()
        if positive:
            self.prefixes[fieldname].add(prefix)
        field = self.schema[fieldname]
        terms: set[str] = set()
        if fieldname in _EXPAND_VIA_SPELL:
            for word in self._words_for_prefix(prefix):
                terms.update(field.process_text(word, mode="query"))
        else:
            reader = self.searcher.reader()
            for term in reader.expand_prefix(fieldname, prefix):
                terms.add(term.decode("utf-8") if isinstance(term, bytes) else term)
                if len(terms) >= MAX_PREFIX_WORDS:
                    break
        # Expanded terms are highlighted through the prefix, not one by one.
        return self._or([wq.Term(fieldname, t, boost=boost) for t in sorted(terms)], False)

    def _has_positions(self, fieldname: str) -> bool:
        return fieldname in self.schema and self.schema[fieldname].format.supports("positions")

    def _whoosh_docs(self, q: wq.Query) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        docs = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
        mask[docs] = True
        return mask

    # The tree

    def evaluate(self, q: wq.Query, positive: bool = True) -> Match:
        """Return the documents matching ``q`` (deleted ones included) and their scores."""
        boost = float(getattr(q, "boost", 1.0))
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, boost, positive)
        if isinstance(q, wq.And):
            return self._and_with_nots(q.subqueries, positive)
        if isinstance(q, wq.DisjunctionMax):
            parts = [self.evaluate(s, positive) for s in q.subqueries]
            if not parts:
                return self._empty()
            return Match(
                np.logical_or.reduce([p.mask for p in parts]),
                np.maximum.reduce([p.score for p in parts]),
            )
        if isinstance(q, wq.Or):
            return self._or(q.subqueries, positive)
        if isinstance(q, wq.Not):
            inner = self.evaluate(q.query, not positive)
            return Match(~inner.mask, np.zeros(self.n, dtype=np.float32))
        if isinstance(q, wq.AndNot):
            keep = self.evaluate(q.a, positive)
            drop = self.evaluate(q.b, not positive)
            keep.mask &= ~drop.mask
            keep.score[~keep.mask] = 0.0
            return keep
        if isinstance(q, wq.AndMaybe):
            required = self.evaluate(q.a, positive)
            optional = self.evaluate(q.b, positive)
            required.score += np.where(required.mask, optional.score, 0.0).astype(np.float32)
            return required
        if isinstance(q, wq.Require):
            scored = self.evaluate(q.a, positive)
            needed = self.evaluate(q.b, positive)
            scored.mask &= needed.mask
            scored.score[~scored.mask] = 0.0
            return scored
        if isinstance(q, wq.Phrase):
            words = self._and([self._term(q.fieldname, w, boost, positive) for w in q.words])
            if len(q.words) > 1 and words.mask.any() and self._has_positions(q.fieldname):
                words.mask &= self._whoosh_docs(q)
                words.score[~words.mask] = 0.0
            return words
        if isinstance(q, wq.Prefix):
            return self._prefix(q.fieldname, q.text, boost, positive)
        if isinstance(q, wq.Wildcard):
            literal = q.text
            for i, char in enumerate(literal):
                if char in "*?":
                    literal = literal[:i]
                    break
            return self._prefix(q.fieldname, literal, boost, positive)
        if isinstance(q, wq.Every) or q is wq.NullQuery:
            return self._all()
        return Match(self._whoosh_docs(q), np.zeros(self.n, dtype=np.float32))

    def _and_with_nots(self, subqueries: list[wq.Query], positive: bool) -> Match:
        # "foto -video": Nots inside an And only subtract; evaluating them as
        # complements would allocate and score the whole index for nothing.
        required = [s for s in subqueries if not isinstance(s, wq.Not)]
        excluded = [s.query for s in subqueries if isinstance(s, wq.Not)]
        result = self._and([self.evaluate(s, positive) for s in required])
        for s in excluded:
            result.mask &= ~self.evaluate(s, not positive).mask
        result.score[~result.mask] = 0.0
        return result
