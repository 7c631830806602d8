"""The storage interface every backend implements.

Objects are addressed by opaque keys chosen by the caller (BrandHub keys
originals by content hash, e.g. ``originals/ab/cd/abcdef…``). A key is never
built from user input. Backends translate their own failures into
``assets.errors.StorageError`` / ``ObjectNotFound`` at the boundary: no
backend-specific exception (botocore, urllib3) escapes. The one exception is a
disk failing under a local file already opened for reading, which raises a
plain ``OSError`` (of which ``StorageError`` is a kind): catch ``OSError``
around reads.
"""

from __future__ import annotations

import abc
import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from assets.errors import ObjectNotFound, StorageError

_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9][A-Za-z0-9._\-]*)*")


def validate_key(key: str) -> str:
    """Refuse keys that could escape a folder or confuse a backend.

    A key is one or more ``/``-separated segments of ASCII letters, digits,
    ``.``, ``_`` and ``-``, each starting with a letter or digit (so no segment
    is ``..`` or hidden), at most 512 characters in all.
    """
    if not isinstance(key, str) or len(key) > 512 or not _KEY_RE.fullmatch(key):
        raise StorageError("The storage key is not valid.", key=key)
    return key


@dataclass(frozen=True)
class StoredObject:
    """One stored object as listed: its key, size and when it was last written (UTC)."""

    key: str
    size: int
    modified: datetime


class Storage(abc.ABC):
    """A small object store: put, open, open a range, delete, exists, size, list."""

    name: str = "abstract"

    #: The key a start-up check writes, reads back and removes (``check_writable``).
    PROBE_KEY = "brandhub-probe/write-check"

    @property
    def location(self) -> str:
        """Where the bytes live, for a person reading an error (a folder, a bucket and URL)."""
        return repr(self)

    def check_writable(self) -> None:
        """Write a small object, read it back and remove it; raise ``StorageError`` if not.

        Run at start (``brandhub init``), so a store that is away, refuses
        access or has no room says so then, not at the first upload.
        """
        import io

        payload = b"brandhub write check\n"
        self.put(self.PROBE_KEY, io.BytesIO(payload), content_type="text/plain")
        try:
            if self.read_bytes(self.PROBE_KEY) != payload:
                raise StorageError("The file store returned other bytes than it was given.")
        finally:
            self.delete(self.PROBE_KEY)

    @abc.abstractmethod
    def put(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> int:
        """Store the stream's bytes (read to EOF, never whole in memory) under key.

        Atomic: readers see the old object or the whole new one, never a part.
        Returns the number of bytes written.
        """

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> int:
        """Store the local file at ``path`` under key (as ``put``, from a path).

        Backends that can read a file by parts on their own do so (S3: parts
        uploaded in parallel straight from the file, none held in memory).
        """
        with path.open("rb") as fh:
            return self.put(key, fh, content_type=content_type)

    def copy(self, source: str, key: str, *, content_type: str | None = None) -> int:
        """Store a copy of the object ``source`` under ``key``; its size.

        The default reads it back and puts it; S3 copies inside the store.
        """
        with self.open(source) as stream:
            return self.put(key, stream, content_type=content_type)

    @abc.abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the whole object; the caller closes it."""

    @abc.abstractmethod
    def open_range(self, key: str, start: int, end: int) -> BinaryIO:
        """A readable stream of bytes ``start..end`` inclusive (HTTP Range semantics).

        An ``end`` past the last byte is cut to it; a ``start`` past it raises
        ``RangeNotSatisfiable``; a negative or reversed range ``InvalidInput``.
        """

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def size(self, key: str) -> int:
        """Size in bytes; ``ObjectNotFound`` if missing."""

    @abc.abstractmethod
    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key under prefix (for garbage collection and backups)."""

    def modified(self, key: str) -> datetime:
        """When the object was last written, timezone-aware UTC; ``ObjectNotFound`` if missing.

        Garbage collection keeps objects younger than a grace period: an upload
        in flight has written its bytes but not yet committed its row.
        """
        raise NotImplementedError(f"{type(self).__name__} does not report modification times")

    def remove_partial(self, older_than: datetime, *, dry_run: bool = False) -> list[StoredObject]:
        """Remove what writes interrupted before ``older_than`` left behind; what was removed.

        Such leftovers are never visible as keys (a local temporary file, an S3
        multipart upload never completed), so only this finds them; a process
        killed in the middle of a put leaves one. The default has none.
        """
        return []

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every stored object under prefix with its size and modification time.

        Backends that list sizes and times together (S3) override this; objects
        deleted while listing are skipped.
        """
        for key in self.iter_keys(prefix):
            try:
                yield StoredObject(key, self.size(key), self.modified(key))
            except ObjectNotFound:
                continue

    def presigned_url(
        self,
        key: str,
        *,
        expires: int = 300,
        filename: str | None = None,
        content_type: str | None = None,
        content_disposition: str | None = None,
    ) -> str | None:
        """A short-lived direct GET URL, or None where the backend has none.

        The response carries ``content_type`` and a Content-Disposition that
        downloads as ``filename``; ``content_disposition`` gives the whole header
        value instead (a ``filename`` that already is one is used as it is).
        """
        validate_key(key)
        return None

    def read_bytes(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    @contextlib.contextmanager
    def get_local_path(self, key: str) -> Iterator[Path]:
        """A local file path holding the object for the block's duration.

        Backends that keep files locally yield the real path; others copy to a
        temporary file and remove it afterwards.
        """
        import shutil
        import tempfile

        with tempfile.NamedTemporaryFile(prefix="brandhub-", delete=True) as tmp:
            with self.open(key) as src:
                shutil.copyfileobj(src, tmp, 1024 * 1024)
            tmp.flush()
            yield Path(tmp.name)
