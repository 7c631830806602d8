"""Small stream adapters shared by the storage backends.

``reader()`` turns anything with ``read(n)`` (an open file positioned at a
range start, an S3 response body) into a proper buffered binary stream: it can
be limited to a number of bytes, so a range never reads past its end, and it
translates the source's own exceptions at the boundary. ``SourceReader`` wraps
the caller's stream on the way in: it counts bytes, fills each ``read(n)`` (S3
parts must be whole) and remembers whether a failure came from the source
rather than from the store, so the backend can say which side failed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

from assets.errors import InvalidInput, RangeNotSatisfiable

DEFAULT_BUFFER = 256 * 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class ClosableReadable(Readable, Protocol):
    """A source that ``reader`` closes with its stream (a file, an S3 body)."""

    def close(self) -> None: ...


Translate = Callable[[BaseException], BaseException | None]


class _RawReader(io.RawIOBase):
    """Raw stream over a source, limited to ``limit`` bytes when given."""

    def __init__(
        self,
        source: ClosableReadable,
        *,
        limit: int | None,
        translate: Translate | None,
        name: str,
    ) -> None:
        super().__init__()
        self._source = source
        self._remaining = limit
        self._translate = translate
        self.name = name

    def readable(self) -> bool:
        return True

    def _read(self, size: int) -> bytes:
        try:
            return self._source.read(size)
        except Exception as exc:
            translated = self._translate(exc) if self._translate else None
            if translated is None:
                raise
            raise translated from exc

    def readinto(self, buffer: Any) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed stream.")
        view = memoryview(buffer).cast("B")
        size = len(view)
        if self._remaining is not None:
            size = min(size, self._remaining)
        if size <= 0:
            return 0
        data = self._read(size)
        count = len(data)
        view[:count] = data
        if self._remaining is not None:
            self._remaining -= count
        return count

    def readall(self) -> bytes:
        # One call to the source instead of many small ones: an S3 body reads
        # its whole remaining response efficiently this way.
        if self._remaining is None:
            return self._read(-1)
        parts = []
        while self._remaining > 0:
            chunk = self._read(self._remaining)
            if not chunk:
                break
            self._remaining -= len(chunk)
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        if not self.closed:
            try:
                self._source.close()
            finally:
                super().close()


def reader(
    source: ClosableReadable,
    *,
    limit: int | None = None,
    translate: Translate | None = None,
    name: str = "",
    buffer_size: int = DEFAULT_BUFFER,
) -> BinaryIO:
    """A buffered, readable binary stream over ``source``; closing it closes the source.

    ``translate`` maps an exception raised by the source to the one to raise
    instead (or None to let it through).
    """
    raw = _RawReader(source, limit=limit, translate=translate, name=name)
    return io.BufferedReader(raw, buffer_size)


class SourceReader:
    """The caller's stream as a store reads it: counted, filled, failures remembered."""

    def __init__(self, source: Readable) -> None:
        self._source = source
        self.count = 0
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self._take(-1)
        first = self._take(size)
        if len(first) == size or not first:
            return first
        # A short read is legal for a stream, but a short S3 part in the middle
        # of an upload is refused, so keep reading until size or end of stream.
        parts = [first]
        got = len(first)
        while got < size:
            chunk = self._take(size - got)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def _take(self, size: int) -> bytes:
        try:
            data = self._source.read(size)
        except BaseException as exc:
            self.error = exc
            raise
        if data is None:
            # A non-blocking stream with nothing ready: treating it as the end
            # would store a truncated file.
            self.error = BlockingIOError("The upload stream is non-blocking; it cannot be stored.")
            raise self.error
        self.count += len(data)
        return data


def check_range(start: int, end: int) -> None:
    """Refuse byte ranges that no object could satisfy (negative, reversed)."""
    if start < 0 or end < start:
        raise InvalidInput("The requested byte range is not valid.", start=start, end=end)


def clamp_range(start: int, end: int, size: int) -> int:
    """The inclusive end of ``start..end`` within an object of ``size`` bytes (HTTP semantics)."""
    check_range(start, end)
    if start >= size:
        raise RangeNotSatisfiable(start=start, end=end, size=size)
    return min(end, size - 1)
