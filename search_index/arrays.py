"""Bulk reads from one Whoosh segment into numpy arrays.

Whoosh answers "which documents contain this term" one document at a time
through matcher objects, which costs about a microsecond per posting in
Python. Counting every hit of a broad query and faceting it that way is what
makes raw ``groupedby`` slow. These functions read the same on-disk data a
block at a time instead:

* :func:`postings` decodes a term's posting blocks (128 postings, delta
  encoded) straight into an id array and a term-frequency array;
* :func:`numeric_column` and :func:`length_column` read a fixed-width
  column file in one slice;
* :func:`bytes_column` reads a variable-width column in one slice.

They reach into Whoosh's codec objects (``W3LeafMatcher``, column readers).
whoosh-reloaded is pinned and frozen, and every function falls back to the
public, slower API when the objects are not the ones it knows, so a
different codec degrades speed, not correctness. Everything here works on
segment-local document numbers; deletions are not applied.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.util.numeric import byte_to_length

__all__ = [
    "LENGTH_TABLE",
    "bytes_column",
    "deleted_array",
    "length_column",
    "numeric_column",
    "postings",
]

#: Whoosh stores field lengths as one byte on a log scale; this decodes them.
LENGTH_TABLE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)

_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float32)


def postings(
    reader: IndexReader, fieldname: str, text: bytes, weights: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(doc ids, term frequencies)`` of a term in one segment reader.

    Ids are segment-local and ascending, deleted documents included. A term
    that is not in the segment gives two empty arrays.
    """
    try:
        matcher: Matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return _EMPTY_IDS, _EMPTY_WEIGHTS
    # Deletions are applied later with a mask; unwrap Whoosh's filter.
    while hasattr(matcher, "child") and not isinstance(matcher, W3LeafMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        return _leaf_arrays(matcher, weights)
    ids, tfs = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        tfs.append(matcher.weight() if weights else 1.0)
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(tfs, dtype=np.float32)


def _leaf_arrays(m: W3LeafMatcher, weights: bool) -> tuple[np.ndarray, np.ndarray]:
    # Each block stores its first id absolutely and the rest as deltas, so
    # one cumulative sum over all blocks works once every block's first
    # delta is rebased on the previous block's last id.
    deltas: list[int] = []
    block_starts: list[int] = []
    previous_last: list[int] = []
    tf_parts: list[Any] = []
    last = 0
    while True:
        if m._data is None:
            m._read_data()
        block_ids, block_weights = m._data[0], m._data[1]
        block_starts.append(len(deltas))
        previous_last.append(last)
        deltas.extend(block_ids)
        if weights:
            count = len(block_ids)
            if block_weights is None:
                tf_parts.append(np.ones(count, dtype=np.float32))
            elif isinstance(block_weights, float):
                tf_parts.append(np.full(count, block_weights, dtype=np.float32))
            else:
                tf_parts.append(np.asarray(block_weights, dtype=np.float32))
        last = m._maxid
        if m._lastblock:
            break
        m._goto(m._nextoffset)
    ids = np.array(deltas, dtype=np.int64)
    if len(block_starts) > 1:
        ids[np.array(block_starts[1:])] -= np.array(previous_last[1:], dtype=np.int64)
    np.cumsum(ids, out=ids)
    tfs = np.concatenate(tf_parts) if weights else np.ones(len(ids), dtype=np.float32)
    return ids, tfs


def _fixed_column_bytes(creader: Any, itemsize: int) -> bytes | None:
    # NumericColumn/FixedBytes readers keep (file, start, count); trailing
    # documents that hold the default value are not written at all.
    try:
        dbfile, basepos, count = creader._dbfile, creader._basepos, creader._count
    except AttributeError:
        return None
    return bytes(dbfile.get(basepos, count * itemsize)) if count else b""


def numeric_column(reader: IndexReader, fieldname: str, default: int) -> np.ndarray:
    """Read a signed 64-bit :class:`NumericColumn` field of one segment as ``int64``."""
    doccount = reader.doc_count_all()
    out = np.full(doccount, default, dtype=np.int64)
    if not reader.has_column(fieldname):
        return out
    creader = reader.column_reader(fieldname, translate=False)
    raw = _fixed_column_bytes(creader, 8)
    if raw is None:
        out[:] = np.fromiter(creader, dtype=np.int64, count=doccount)
    elif raw:
        values = np.frombuffer(raw, dtype=">i8")
        out[: len(values)] = values
    return out


def length_column(reader: IndexReader, fieldname: str) -> np.ndarray:
    """The (approximate, as Whoosh stores it) length in tokens of a field per document."""
    doccount = reader.doc_count_all()
    lenfield = f"_{fieldname}_len"  # where Whoosh's W3 codec keeps field lengths
    perdoc = getattr(reader, "_perdoc", None)
    creader = None
    if perdoc is not None and perdoc.has_column(lenfield):
        creader = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
    codes = np.zeros(doccount, dtype=np.uint8)
    if creader is not None:
        raw = _fixed_column_bytes(creader, 1)
        if raw is None:
            codes[:] = np.fromiter(creader, dtype=np.uint8, count=doccount)
        elif raw:
            values = np.frombuffer(raw, dtype=np.uint8)
            codes[: len(values)] = values
        return LENGTH_TABLE[codes]
    lengths = [reader.doc_field_length(n, fieldname, 0) or 0 for n in range(doccount)]
    return np.array(lengths, dtype=np.float32)


def bytes_column(reader: IndexReader, fieldname: str) -> list[bytes]:
    """Read a :class:`VarBytesColumn` field of one segment, one ``bytes`` per document."""
    doccount = reader.doc_count_all()
    if not reader.has_column(fieldname):
        return [b""] * doccount
    creader = reader.column_reader(fieldname, translate=False)
    try:
        lengths = np.asarray(creader._lengths, dtype=np.int64)
        offsets = np.asarray(creader._offsets, dtype=np.int64)
        blob = bytes(creader._dbfile.get(creader._basepos, int((offsets + lengths).max(initial=0))))
    except AttributeError:
        return list(creader)
    return [blob[o : o + n] for o, n in zip(offsets.tolist(), lengths.tolist(), strict=True)]


def deleted_array(reader: IndexReader) -> np.ndarray:
    """Segment-local numbers of deleted documents."""
    if not reader.has_deletions():
        return _EMPTY_IDS
    return np.fromiter(sorted(reader.deleted_docs_set), dtype=np.int64)
