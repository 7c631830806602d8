"""Per-segment and per-generation numpy caches: facet codes, dates, ids, lengths.

A Whoosh index is a list of immutable segments plus, per generation, the set
of deleted documents. So the expensive part (reading every posting of every
facet value, every column) is done once per *segment* and kept in a
:class:`SegmentData` keyed by the segment's id; a commit that adds a small
segment leaves the big segments' arrays untouched. An :class:`IndexView`
binds one searcher (one generation) to its segments' data, concatenated into
arrays indexed by global document number, plus the generation's deletions.

Facets are stored as codes: ``codes[doc]`` is the index of the document's
value in ``values`` (-1 when it has none), so counting a facet over a hit
mask is one ``numpy.bincount``. Tags are many per document and are kept as
(document, code) pairs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from . import arrays
from .schema import FACET_FIELDS, MISSING_TIME

_T = TypeVar("_T")

__all__ = [
    "POSTINGS_CACHE_BYTES",
    "POSTINGS_CACHE_MIN",
    "FacetColumn",
    "IndexView",
    "SegmentCache",
    "SegmentData",
]

MULTI_VALUED = frozenset({"tag"})
#: The facets plus "public", which only the visibility filter uses.
_FACET_FIELDS = {**FACET_FIELDS, "public": "public"}


@dataclass(frozen=True)
class FacetColumn:
    """One facet over a set of documents.

    Single-valued facets fill ``codes`` (one per document); multi-valued ones
    fill ``pair_docs``/``pair_codes`` (one pair per document and value).
    """

    values: list[str]
    codes: np.ndarray | None = None
    pair_docs: np.ndarray | None = None
    pair_codes: np.ndarray | None = None

    def code_of(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.values)}


def _facet_column(reader: IndexReader, fieldname: str, multi: bool) -> FacetColumn:
    doccount = reader.doc_count_all()
    values: list[str] = []
    id_parts: list[np.ndarray] = []
    code_parts: list[np.ndarray] = []
    if fieldname in reader.indexed_field_names():
        for code, term in enumerate(reader.lexicon(fieldname)):
            values.append(term.decode("utf-8"))
            ids, _ = arrays.postings(reader, fieldname, term, weights=False)
            id_parts.append(ids)
            code_parts.append(np.full(len(ids), code, dtype=np.int32))
    ids = np.concatenate(id_parts) if id_parts else np.zeros(0, dtype=np.int64)
    codes = np.concatenate(code_parts) if code_parts else np.zeros(0, dtype=np.int32)
    if multi:
        return FacetColumn(values, pair_docs=ids, pair_codes=codes)
    column = np.full(doccount, -1, dtype=np.int32)
    column[ids] = codes
    return FacetColumn(values, codes=column)


#: Posting lists of at least this many documents are kept decoded per segment:
#: Whoosh stores them in compressed, pickled blocks of 128 postings, and
#: decoding a frequent word's lists in fourteen fields is most of a search for
#: it on a large index. Rarer words decode in well under a millisecond.
POSTINGS_CACHE_MIN = 2048
#: Bytes of decoded posting lists one segment keeps (least recently used go first).
POSTINGS_CACHE_BYTES = 48 * 2**20


class SegmentData:
    """Arrays of one segment, built on first use and never changed.

    Deletions are not applied here: a segment keeps its id when documents in
    it are deleted, and its arrays stay valid. Builders take the reader of
    the caller's generation (several generations may share a segment).
    """

    def __init__(self, doccount: int) -> None:
        self.doccount = doccount
        self._items: dict[str, Any] = {}
        self._postings: OrderedDict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = (
            OrderedDict()
        )
        self._postings_bytes = 0
        # Searches of one process share a segment's data from several threads.
        self._postings_lock = threading.Lock()

    def postings(
        self, reader: IndexReader, fieldname: str, text: bytes
    ) -> tuple[np.ndarray, np.ndarray]:
        """A term's ``(doc ids, term frequencies)`` (:func:`arrays.postings`), long lists kept.

        The arrays are read-only: they may be shared with later searches.
        """
        key = (fieldname, text)
        with self._postings_lock:
            kept = self._postings.get(key)
            if kept is not None:
                self._postings.move_to_end(key)
                return kept
        ids, tfs = arrays.postings(reader, fieldname, text)  # decoded outside the lock
        size = ids.nbytes + tfs.nbytes
        if len(ids) < POSTINGS_CACHE_MIN or size > POSTINGS_CACHE_BYTES // 4:
            return ids, tfs
        ids.setflags(write=False)
        tfs.setflags(write=False)
        with self._postings_lock:
            if key in self._postings:  # another thread decoded it meanwhile
                return self._postings[key]
            self._postings[key] = (ids, tfs)
            self._postings_bytes += size
            while self._postings_bytes > POSTINGS_CACHE_BYTES:
                _, (old_ids, old_tfs) = self._postings.popitem(last=False)
                self._postings_bytes -= old_ids.nbytes + old_tfs.nbytes
        return ids, tfs

    def _get(self, key: str, build: Callable[[], _T]) -> _T:
        if key not in self._items:
            self._items[key] = build()
        return cast(_T, self._items[key])  # each key always holds what its builder makes

    def numeric(self, reader: IndexReader, fieldname: str, default: int) -> np.ndarray:
        return self._get(
            "num:" + fieldname, lambda: arrays.numeric_column(reader, fieldname, default)
        )

    def lengths(self, reader: IndexReader, fieldname: str) -> np.ndarray:
        return self._get("len:" + fieldname, lambda: arrays.length_column(reader, fieldname))

    def facet(self, reader: IndexReader, facet: str) -> FacetColumn:
        fieldname = _FACET_FIELDS[facet]
        multi = facet in MULTI_VALUED
        return self._get("facet:" + facet, lambda: _facet_column(reader, fieldname, multi))

    def title_order(self, reader: IndexReader) -> tuple[np.ndarray, np.ndarray]:
        """``(rank per document, sort key per document)`` for "title" order."""

        def build() -> tuple[np.ndarray, np.ndarray]:
            keys = arrays.bytes_column(reader, "titlekey")
            width = max((len(k) for k in keys), default=1) or 1
            keyarray = np.array(keys, dtype=f"S{width}")
            order = np.argsort(keyarray, kind="stable")
            rank = np.empty(len(keys), dtype=np.int64)
            rank[order] = np.arange(len(keys))
            return rank, keyarray

        return self._get("title", build)


class SegmentCache:
    """Keeps :class:`SegmentData` by segment id for as long as the segment is in use."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], SegmentData] = {}

    def for_reader(self, scope: str, reader: IndexReader) -> SegmentData:
        key = (scope, reader.segment().segment_id())
        data = self._data.get(key)
        if data is None or data.doccount != reader.doc_count_all():
            data = self._data[key] = SegmentData(reader.doc_count_all())
        return data

    def retain(self, scope: str, segment_ids: set[str]) -> None:
        """Forget segments of ``scope`` that are no longer in the index, and other scopes."""
        for key in list(self._data):
            if key[0] != scope or key[1] not in segment_ids:
                del self._data[key]


@dataclass
class _Leaf:
    reader: IndexReader
    offset: int
    data: SegmentData


@dataclass
class IndexView:
    """One generation of the index: its searcher, segments and global arrays.

    Global document numbers are Whoosh's: a segment's local number plus the
    segment's offset. Arrays are built on first use and shared by every
    query on this generation. Not thread-safe: the index serialises use of
    a view (and of its searcher, whose files are read with seek and read).
    """

    searcher: Searcher
    leaves: list[_Leaf]
    doccount: int
    _items: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, searcher: Searcher, cache: SegmentCache, scope: str) -> IndexView:
        leaves = [
            _Leaf(reader, offset, cache.for_reader(scope, reader))
            for reader, offset in searcher.reader().leaf_readers()
            if reader.segment() is not None  # an empty index has a segmentless reader
        ]
        cache.retain(scope, {leaf.reader.segment().segment_id() for leaf in leaves})
        return cls(searcher, leaves, searcher.doc_count_all())

    def _get(self, key: str, build: Callable[[], _T]) -> _T:
        if key not in self._items:
            self._items[key] = build()
        return cast(_T, self._items[key])  # each key always holds what its builder makes

    def _concat(self, parts: list[np.ndarray], dtype: Any) -> np.ndarray:
        if not parts:
            return np.zeros(0, dtype=dtype)
        return np.concatenate(parts).astype(dtype, copy=False)

    @property
    def live(self) -> np.ndarray:
        """``True`` for documents that are not deleted."""

        def build() -> np.ndarray:
            live = np.ones(self.doccount, dtype=bool)
            for leaf in self.leaves:
                deleted = arrays.deleted_array(leaf.reader)
                live[deleted + leaf.offset] = False
            return live

        return self._get("live", build)

    def numeric(self, fieldname: str, default: int = MISSING_TIME) -> np.ndarray:
        return self._get(
            "num:" + fieldname,
            lambda: self._concat(
                [leaf.data.numeric(leaf.reader, fieldname, default) for leaf in self.leaves],
                np.int64,
            ),
        )

    @property
    def asset_ids(self) -> np.ndarray:
        return self.numeric("idnum", 0)

    def lengths(self, fieldname: str) -> np.ndarray:
        return self._get(
            "len:" + fieldname,
            lambda: self._concat(
                [leaf.data.lengths(leaf.reader, fieldname) for leaf in self.leaves], np.float32
            ),
        )

    def facet(self, facet: str) -> FacetColumn:
        """The facet over the whole generation, with one shared vocabulary."""

        def build() -> FacetColumn:
            columns = [leaf.data.facet(leaf.reader, facet) for leaf in self.leaves]
            values = sorted({v for column in columns for v in column.values})
            index = {v: i for i, v in enumerate(values)}
            if facet in MULTI_VALUED:
                docs: list[np.ndarray] = []
                codes: list[np.ndarray] = []
                for leaf, column in zip(self.leaves, columns, strict=True):
                    assert column.pair_docs is not None and column.pair_codes is not None
                    remap = np.array([index[v] for v in column.values], dtype=np.int32)
                    docs.append(column.pair_docs + leaf.offset)
                    codes.append(remap[column.pair_codes] if len(remap) else column.pair_codes)
                return FacetColumn(
                    values,
                    pair_docs=self._concat(docs, np.int64),
                    pair_codes=self._concat(codes, np.int32),
                )
            parts = []
            for column in columns:
                assert column.codes is not None
                remap = np.array([index[v] for v in column.values] + [-1], dtype=np.int32)
                # code -1 picks the appended -1: "no value" stays "no value".
                parts.append(remap[column.codes])
            return FacetColumn(values, codes=self._concat(parts, np.int32))

        return self._get("facet:" + facet, build)

    def facet_totals(self, facet: str) -> np.ndarray:
        """How many documents (deleted ones included) hold each value of ``facet``."""

        def build() -> np.ndarray:
            column = self.facet(facet)
            size = len(column.values)
            if column.codes is not None:
                return np.bincount(column.codes + 1, minlength=size + 1)[1:]
            assert column.pair_codes is not None
            return np.bincount(column.pair_codes, minlength=size)

        return self._get("totals:" + facet, build)

    def pairs_by_doc(self, facet: str) -> tuple[np.ndarray, np.ndarray]:
        """A multi-valued facet's pairs ordered by document: ``(starts, codes)``.

        Document ``d``'s values are ``codes[starts[d]:starts[d + 1]]``, so the
        values of a few documents are read without going over every pair.
        """

        def build() -> tuple[np.ndarray, np.ndarray]:
            column = self.facet(facet)
            assert column.pair_docs is not None and column.pair_codes is not None
            order = np.argsort(column.pair_docs, kind="stable")
            docs = column.pair_docs[order]
            starts = np.searchsorted(docs, np.arange(self.doccount + 1))
            return starts, column.pair_codes[order]

        return self._get("bydoc:" + facet, build)
