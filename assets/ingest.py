"""The ingest pipeline without a database: from an upload stream to stored bytes.

``prepare`` does everything that can fail on a bad file before anything is
stored: it spools the stream to a temporary file while hashing it and
enforcing the size limit, sniffs the real type, refuses a lying name,
sanitises SVG (the sanitised drawing is what is stored, hashed and served:
nothing active ever leaves BrandHub), reads the metadata and makes the
standard renditions. ``store`` then writes the original under its content
hash (only if not stored already: the same bytes are kept once) and the
renditions, and returns the keys it newly wrote so the caller can delete
them if its database commit fails. Either the row and its bytes exist, or
neither does.

    with prepare(upload.stream, upload.filename, settings) as prepared:
        written = store(prepared, storage)
        try:
            save_row(prepared)
        except Exception:
            delete_unreferenced(written)
            raise
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from assets.errors import InvalidFile, StorageError
from assets.hashing import CHUNK_SIZE, HashingReader
from assets.metadata import MediaInfo, extract
from assets.renditions import Rendered, RenditionSpec, render_many, standard_specs
from assets.settings import IngestSettings
from assets.sniff import (
    HEAD_BYTES,
    SVG,
    Sniffed,
    audio_only,
    check_extension,
    safe_filename,
    sniff,
)
from assets.storage.base import Storage
from assets.svg import sanitize_svg

EMPTY = "The file is empty."


def original_key(sha256: str) -> str:
    """Where an original is stored: ``originals/ab/cd/<sha256>``."""
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def rendition_key(sha256: str, name: str, ext: str) -> str:
    """Where a rendition is stored: ``renditions/<sha256>/<name>.<ext>``."""
    return f"renditions/{sha256}/{name}.{ext}"


@dataclass
class PreparedFile:
    """An upload checked and processed, waiting in a temporary file to be stored."""

    path: Path
    sha256: str
    size: int
    sniffed: Sniffed
    info: MediaInfo
    filename: str
    renditions: dict[str, Rendered] = field(default_factory=dict)
    sanitized: bool = False  # True when the stored bytes differ from the upload (SVG)
    # True when renditions (and, for video and audio, the metadata) are left to a
    # background job because the file is larger than ``background_bytes``.
    deferred: bool = False

    @property
    def original_key(self) -> str:
        return original_key(self.sha256)

    def rendition_key(self, name: str) -> str:
        return rendition_key(self.sha256, name, self.renditions[name].ext)

    def cleanup(self) -> None:
        """Remove the temporary file (idempotent)."""
        with suppress(FileNotFoundError):
            self.path.unlink()

    def __enter__(self) -> PreparedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def prepare(
    stream: BinaryIO,
    filename: str | None,
    settings: IngestSettings,
    *,
    renditions: Mapping[str, str | RenditionSpec] | None = None,
) -> PreparedFile:
    """Spool, hash, sniff, check, sanitise, read metadata and render an upload.

    Raises ``FileTooLarge`` as soon as the stream passes ``max_upload_bytes``,
    ``InvalidFile`` for an empty or damaged file, ``UnsupportedMediaType`` for
    a type BrandHub does not accept or a name that contradicts the content.
    Nothing is left on disk when it raises.
    """
    path, sha256, size, head = _spool(stream, settings)
    try:
        if size == 0:
            raise InvalidFile(EMPTY)
        sniffed = sniff(head, filename)
        check_extension(sniffed, filename)
        sanitized = False
        if sniffed == SVG:
            original = path.read_bytes()
            clean = sanitize_svg(original, max_image_pixels=settings.max_image_pixels)
            sanitized = clean != original
            path.write_bytes(clean)
            sha256, size = hashlib.sha256(clean).hexdigest(), len(clean)
        deferred = settings.background_bytes is not None and size > settings.background_bytes
        if deferred and sniffed.kind in ("video", "audio"):
            info = MediaInfo()  # probing a long recording waits for the job too
        else:
            info = extract(path, sniffed, settings)
        if sniffed.kind == "video" and "video" not in info.metadata and not deferred:
            sniffed = audio_only(sniffed)
        specs = standard_specs(settings) if renditions is None else renditions
        rendered = {} if deferred else render_many(path, sniffed, specs, settings)
        return PreparedFile(
            path=path,
            sha256=sha256,
            size=size,
            sniffed=sniffed,
            info=info,
            filename=safe_filename(filename),
            renditions=rendered,
            sanitized=sanitized,
            deferred=deferred,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _spool(stream: BinaryIO, settings: IngestSettings) -> tuple[Path, str, int, bytes]:
    """Copy the stream to a temporary file; returns path, sha256, size and head."""
    try:
        fd, name = tempfile.mkstemp(prefix="brandhub-ingest-", dir=settings.tmp_dir)
    except OSError as exc:
        raise StorageError(error=str(exc)) from exc
    path = Path(name)
    reader = HashingReader(stream, limit=settings.max_upload_bytes)
    head = bytearray()
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := reader.read(CHUNK_SIZE):
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                out.write(chunk)
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, StorageError):
            raise StorageError(error=str(exc)) from exc
        raise
    return path, reader.sha256, reader.size, bytes(head)


def store(prepared: PreparedFile, storage: Storage) -> list[str]:
    """Write the original (unless already stored) and renditions; the keys newly written.

    If a write fails, whatever this call wrote is deleted before the error
    propagates. Two uploads of the same bytes may race to write the same
    original: before deleting returned keys after a failed commit, check that
    no other row references the same hash.
    """
    written: list[str] = []
    try:
        key = prepared.original_key
        if not storage.exists(key):
            with prepared.path.open("rb") as fh:
                storage.put(key, fh, content_type=prepared.sniffed.mime)
            written.append(key)
        for name, rendered in prepared.renditions.items():
            key = prepared.rendition_key(name)
            if storage.exists(key):
                continue
            storage.put(key, io.BytesIO(rendered.data), content_type=rendered.mime)
            written.append(key)
    except BaseException:
        for key in reversed(written):
            with suppress(StorageError):
                storage.delete(key)
        raise
    return written
