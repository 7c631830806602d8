"""Content hashing while a stream is read, so bytes are hashed in one pass.

BrandHub addresses originals by SHA-256 of their bytes; hashing happens while
the upload is spooled, never as a second read of a large file.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from assets.errors import FileTooLarge

CHUNK_SIZE = 1024 * 1024


class HashingReader:
    """A read-only file-like wrapper that hashes and counts what passes through.

    With ``limit`` set, reading past that many bytes raises ``FileTooLarge``
    at once, before the rest of an oversized upload is consumed.
    """

    def __init__(self, stream: BinaryIO, *, limit: int | None = None) -> None:
        self._stream = stream
        self._hash = hashlib.sha256()
        self._limit = limit
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        if data:
            self.size += len(data)
            if self._limit is not None and self.size > self._limit:
                raise FileTooLarge(
                    "The file is larger than allowed.", limit=self._limit, read=self.size
                )
            self._hash.update(data)
        return data

    def readable(self) -> bool:
        return True

    @property
    def sha256(self) -> str:
        """Hex digest of everything read so far."""
        return self._hash.hexdigest()

    def __enter__(self) -> HashingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        # The wrapped stream belongs to the caller: it is not closed here.
        return None


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """SHA-256 hex digest and size of a stream read to its end in 1 MiB chunks."""
    reader = HashingReader(stream)
    while reader.read(CHUNK_SIZE):
        pass
    return reader.sha256, reader.size
