"""Posting lists and the term index on disk, written the way Whoosh 2.7's default codec writes them.

:class:`PostingsWriter` writes one term's postings, given whole, block by
block as ``W3PostingsWriter`` does (128 postings a block, each block's
statistics pickled before its pickled and compressed data) and returns the
term's ``W3TermInfo`` bytes; :class:`TermIndex` adds the terms to Whoosh's
ordered hash file as ``OrderedHashWriter.add`` does. Both buffer their
output. :mod:`search_index.writing` decides what goes in; the tests compare
the files with Whoosh's byte for byte.
"""

from __future__ import annotations

import zlib
from array import array
from pickle import dumps
from struct import Struct
from typing import Any

from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS
from whoosh.util.numeric import byte_to_length, length_to_byte

__all__ = ["EXISTENCE", "FREQUENCY", "POSITIONS", "PostingsWriter", "TermIndex"]

#: What a field's postings hold (Whoosh's formats): nothing, a frequency, positions.
EXISTENCE, FREQUENCY, POSITIONS = 0, 1, 2

_BLOCK = 128  # postings per block: Whoosh's default ``blocklimit``
_COMPRESSION = 3  # Whoosh's default zlib level for posting blocks
_MAGIC = b"W3Bl"
_INT = Struct("!i")
_TERMINFO = Struct("!BfIBBfIIqi")  # W3TermInfo's fields, then the postings' offset and length
# Whoosh records a block's shortest and longest length as the length read back
# from a length byte and encoded again.
_REBYTE = bytes([0] + [length_to_byte(byte_to_length(b)) for b in range(1, 256)])


class TermIndex:
    """Adds terms to Whoosh's ordered hash file as ``OrderedHashWriter.add`` does, buffered.

    The keys come sorted; the writer's own ``close`` writes the hash tables
    and the key index after them.
    """

    def __init__(self, termfile: Any) -> None:
        self.writer = OrderedHashWriter(termfile)
        self._file = termfile
        self._offset = termfile.tell()
        self._buffer = bytearray()
        self._positions: list[int] = []

    def add(self, key: bytes, value: bytes) -> None:
        pos = self._offset + len(self._buffer)
        self._positions.append(pos)
        self._buffer += _KEY_VALUE_LENGTHS.pack(len(key), len(value))
        self._buffer += key
        self._buffer += value
        h = self.writer.hashfn(key)
        self.writer.buckets[h & 255].append((h, pos))
        if len(self._buffer) > 1 << 20:
            self._flush()

    def _flush(self) -> None:
        self._file.write(bytes(self._buffer))
        self._offset += len(self._buffer)
        self._buffer = bytearray()

    def close(self) -> None:
        self._flush()
        positions = self._positions
        if positions:
            # The type Whoosh's growing array ends with for these positions.
            top = positions[-1]
            typecode = "H" if top < 2**16 else "i" if top < 2**31 else "I" if top < 2**32 else "q"
            self.writer.index.array = array(typecode, positions)
        self.writer.close()


class PostingsWriter:
    """Writes posting lists block by block as ``W3PostingsWriter`` does, from whole arrays."""

    def __init__(self, postfile: Any) -> None:
        self._file = postfile
        self._offset = postfile.tell()
        self._buffer = bytearray()

    def write(
        self,
        kind: int,
        boost: float,
        pairs: array[int],
        positions: list[bytes] | None,
        lengths: bytes | None,
    ) -> bytes:
        """Write one term's postings; return its term info bytes."""
        if kind == EXISTENCE:
            docs, freqs = pairs, None
        else:
            docs, freqs = pairs[0::2], pairs[1::2]
        buffer = self._buffer
        start = self._offset + len(buffer)
        buffer += _MAGIC
        count = len(docs)
        total_weight = 0.0
        max_weight: float = 0
        min_byte = 0
        max_byte = 0
        for at in range(0, count, _BLOCK):
            ids = docs[at : at + _BLOCK]
            n = len(ids)
            if freqs is None:
                weights = array("f", [boost]) * n
                block_max: float = boost
                values: Any = None
            else:
                block_freqs = freqs[at : at + _BLOCK]
                if boost == 1.0:
                    weights = array("f", block_freqs)
                else:
                    weights = array("f", [f * boost for f in block_freqs])
                block_max = max(block_freqs) * boost
                if positions is None:
                    values = _uints(n).pack(*block_freqs)
                else:
                    values = tuple(positions[at : at + _BLOCK])
            block_weight = sum(weights)
            if weights.count(1.0) == n:
                mini_weights: Any = None
            elif weights.count(weights[0]) == n:
                mini_weights = weights[0]
            else:
                mini_weights = tuple(weights)
            if n == 1:
                deltas: tuple[int, ...] = (ids[0],)
            else:
                deltas = (ids[0], *[b - a for a, b in zip(ids, ids[1:], strict=False)])
            data = zlib.compress(dumps((deltas, mini_weights, values), 2), _COMPRESSION)
            lo = hi = 0
            if lengths is not None:
                block_bytes = bytes(map(lengths.__getitem__, ids))
                lo, hi = _REBYTE[min(block_bytes)], _REBYTE[max(block_bytes)]
            info = dumps((n, ids[-1], block_max if block_max > 0 else 0, _COMPRESSION, lo, hi), 2)
            size = len(info) + len(data)
            buffer += _INT.pack(-size if at + _BLOCK >= count else size)
            buffer += info
            buffer += data
            total_weight += block_weight
            if block_max > max_weight:
                max_weight = block_max
            if lo and (not min_byte or lo < min_byte):
                min_byte = lo
            if hi > max_byte:
                max_byte = hi
        end = self._offset + len(buffer)
        if len(buffer) > 1 << 20:
            self._file.write(bytes(buffer))
            self._offset = end
            self._buffer = bytearray()
        return _TERMINFO.pack(
            0,
            total_weight,
            count,
            min_byte,
            max_byte,
            max_weight,
            docs[0],
            docs[-1],
            start,
            end - start,
        )

    def close(self) -> None:
        self._file.write(bytes(self._buffer))
        self._buffer = bytearray()


_UINT_STRUCTS: dict[int, Struct] = {}


def _uints(n: int) -> Struct:
    """The struct packing ``n`` frequencies as Whoosh's ``pack_uint`` packs each."""
    st = _UINT_STRUCTS.get(n)
    if st is None:
        st = _UINT_STRUCTS[n] = Struct(f"!{n}I")
    return st
