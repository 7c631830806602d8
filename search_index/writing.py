"""What rebuilds write with: Whoosh's own format, with cheaper bookkeeping.

A rebuild writes each segment's postings in one pass at the end; for every
posting Whoosh's writer asks the segment's per-document reader for that
document's length in the posting's field (to record the shortest and the
longest length of each block). Whoosh's reader answers each call by reading
one byte through a file object, and for a field that keeps no lengths (the
exact fields: id, kind, agency, tag…) by asking the file system whether the
column file exists, every time. Measured on a rebuild of 20,000 documents:
1.4 million such calls, about a sixth of the rebuild's CPU time.

:class:`BuildCodec` writes exactly the files Whoosh's default codec writes
(the segments it creates name the default codec, so readers never need this
module); only its per-document reader differs: it reads each field's length
column once, whole, into a table and answers from it.

:class:`BuildPool` is Whoosh's posting pool (it gathers every posting of a
segment, spills sorted runs to disk past ``limitmb`` and merges them at the
end) without the type assertions it makes on each of the millions of
postings a rebuild adds: the postings come from Whoosh's own fields.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, W3Segment, _lenfield
from whoosh.filedb.filestore import Storage
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool

__all__ = ["BuildCodec", "BuildPool"]

# A length byte's length; 0 means "no length" and reads as None, as in Whoosh.
_BYTE_LENGTHS: list[int | None] = [None] + [byte_to_length(b) for b in range(1, 256)]


class BuildCodec(W3Codec):
    """Whoosh's default codec whose writer reads document lengths from whole-column tables."""

    def per_document_reader(self, storage: Storage, segment: Any) -> W3PerDocReader:
        return LengthTableReader(storage, segment)

    def new_segment(self, storage: Storage, indexname: str) -> W3Segment:
        # The segment is pickled into the index's table of contents with its
        # codec: name Whoosh's own, whose files these are.
        plain = W3Codec(
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )
        return W3Segment(plain, indexname)


class LengthTableReader(W3PerDocReader):
    """A per-document reader that answers field lengths from a table read once per field."""

    def __init__(self, storage: Storage, segment: Any) -> None:
        super().__init__(storage, segment)
        self._tables: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        try:
            table = self._tables[fieldname]
        except KeyError:
            table = self._tables[fieldname] = self._length_table(fieldname)
        if table is None:
            return default
        return table[docnum] if docnum < len(table) else None

    def _length_table(self, fieldname: str) -> list[int | None] | None:
        """Each document's length in ``fieldname``, or None if the field keeps no lengths."""
        lenfield = _lenfield(fieldname)
        if not self.has_column(lenfield):
            return None
        reader = self.column_reader(lenfield, LENGTHS_COLUMN)
        count = min(reader._count, self._doccount)
        raw = reader._dbfile.get(reader._basepos, count) if count else b""
        return [_BYTE_LENGTHS[b] for b in raw]


class BuildPool(PostingPool):
    """Whoosh's posting pool, adding postings without checking their types."""

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        # item = (fieldname, term bytes, docnum, weight, value bytes); the size
        # estimate is Whoosh's, so runs spill at the same points.
        fieldname, tbytes, _docnum, _weight, vbytes = item
        self.fieldnames.add(fieldname)
        self.currentsize += 150 + len(fieldname) + 2 * len(tbytes) + len(vbytes or "")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)
