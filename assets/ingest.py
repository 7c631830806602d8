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

import errno
import hashlib
import io
import os
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from assets import office
from assets.budget import run_within
from assets.errors import N_, FileTooLarge, InvalidFile, StorageError, UnsupportedMediaType
from assets.hashing import CHUNK_SIZE, HashingReader
from assets.metadata import MediaInfo, extract
from assets.proxy import needs_proxy
from assets.renditions import Rendered, RenditionSpec, render_many, standard_specs
from assets.resumable import Staged
from assets.settings import IngestSettings
from assets.sniff import (
    HEAD_BYTES,
    PDF,
    SVG,
    Sniffed,
    audio_only,
    check_extension,
    refine_pdf,
    safe_filename,
    sniff,
)
from assets.sniff.office import is_office
from assets.sniff.polyglot import APPENDED_ARCHIVE, appended_archive, appended_archive_in
from assets.storage.base import Storage
from assets.svg import sanitize_svg

EMPTY = N_("The file is empty.")
SPOOL_FULL = N_("The temporary folder is full; nothing was stored.")
SPOOL_FAILED = N_("The upload could not be written to the temporary folder; nothing was stored.")


def spool_error(exc: OSError) -> StorageError:
    """The error for a temporary copy of an upload that could not be made."""
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return StorageError(SPOOL_FULL if full else SPOOL_FAILED, error=str(exc))


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
    # Where the same bytes already are in the store, to stay (a finished resumable
    # upload's joined parts): ``store`` writes no original, the asset names this key.
    placed_key: str | None = None
    # True for a video browsers cannot play: a background job makes its web proxy.
    proxy: bool = False

    @property
    def original_key(self) -> str:
        if self.placed_key is not None and not self.sanitized:
            return self.placed_key
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
    if isinstance(stream, SpooledUpload) and stream.untouched:
        path, sha256, size, head = stream.take()  # spooled and hashed as it arrived
        if size > settings.max_upload_bytes:
            path.unlink(missing_ok=True)
            raise FileTooLarge("The file is larger than allowed.", limit=settings.max_upload_bytes)
    else:
        path, sha256, size, head = _spool(stream, settings)
    return _prepare_file(path, sha256, size, head, filename, settings, renditions)


def _prepare_file(
    path: Path,
    sha256: str,
    size: int,
    head: bytes,
    filename: str | None,
    settings: IngestSettings,
    renditions: Mapping[str, str | RenditionSpec] | None,
) -> PreparedFile:
    """``prepare`` of a local file already hashed; the file is the caller's no more."""
    try:
        if size == 0:
            raise InvalidFile(EMPTY)
        sniffed = sniff(head, filename)
        check_extension(sniffed, filename)
        # SVG is rewritten whole below; an office document is a ZIP archive itself.
        if sniffed != SVG and not is_office(sniffed) and appended_archive(path):
            raise UnsupportedMediaType(APPENDED_ARCHIVE, seems="appended ZIP archive")
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
            # Pillow decodes a PNG whole to look for EXIF after its pixels: budgeted too.
            info = run_within(settings.budget, extract, path, sniffed, settings)
        if sniffed.kind == "video" and "video" not in info.metadata and not deferred:
            sniffed = audio_only(sniffed)
        sniffed = refine_pdf(sniffed, info.metadata)  # a PDF that is an Illustrator file
        specs = standard_specs(settings) if renditions is None else renditions
        # Drawing is where a small file can cost minutes: within the work budget.
        rendered = {}
        if not deferred and is_office(sniffed):
            rendered = _office_renditions(path, sniffed, specs, settings)
        elif not deferred:
            rendered = run_within(settings.budget, render_many, path, sniffed, specs, settings)
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
            proxy=not deferred and needs_proxy(sniffed, info.metadata),
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _office_renditions(
    path: Path,
    sniffed: Sniffed,
    specs: Mapping[str, str | RenditionSpec],
    settings: IngestSettings,
) -> dict[str, Rendered]:
    """An office document's PDF (the ``pdf`` rendition) and the previews of its first page.

    LibreOffice converts it once; the previews are drawn from that PDF. Without
    LibreOffice on the server the document is stored without previews.
    """
    if not office.available():
        return {}
    pdf = run_within(settings.budget, office.to_pdf, path, sniffed, settings)
    with tempfile.TemporaryDirectory(prefix="brandhub-office-", dir=settings.tmp_dir) as tmp:
        pdf_path = Path(tmp) / "document.pdf"
        pdf_path.write_bytes(pdf)
        rendered = run_within(settings.budget, render_many, pdf_path, PDF, specs, settings)
    first = max(rendered.values(), key=lambda r: r.width * r.height, default=None)
    size = (first.width, first.height) if first else (0, 0)
    rendered[OFFICE_PDF] = Rendered(pdf, PDF.mime, size[0], size[1], "pdf", OFFICE_PDF)
    return rendered


#: The rendition name of an office document converted to PDF.
OFFICE_PDF = "pdf"


def prepare_staged(
    staged: Staged, filename: str | None, settings: IngestSettings, storage: Storage
) -> PreparedFile:
    """``prepare`` for a finished resumable upload, hashed as its bytes arrived.

    A local file (``staged.path``) is taken over: no copy, no second hash.
    Bytes already in the store (``staged.key``, S3) stay where they are, and
    become the original there. A video or a recording past
    ``background_bytes`` (its metadata and renditions wait for the background
    job) is prepared from what is known without reading it: the type from its
    first bytes, and the end of the file (``WINDOW``, 64 KiB) for an appended
    archive: kept as the last request's bytes passed (``staged.end``), or read
    by range. The brand's checks read only its type and size then
    (``guidelines.piece.Pending``); the job that reads it checks the rest.
    ``StoredFile`` makes a temporary copy only if something asks for its
    ``path``. Any other file is
    copied here once to be read: at most ``background_bytes`` for what is
    made at once, the whole file for a large image or document.
    """
    if staged.size > settings.max_upload_bytes:
        if staged.path is not None:
            staged.path.unlink(missing_ok=True)
        raise FileTooLarge("The file is larger than allowed.", limit=settings.max_upload_bytes)
    if staged.path is not None:
        return _prepare_file(
            staged.path, staged.sha256, staged.size, staged.head, filename, settings, None
        )
    key = staged.key
    assert key is not None
    if staged.size == 0:
        raise InvalidFile(EMPTY)
    sniffed = sniff(staged.head, filename)
    check_extension(sniffed, filename)
    deferred = settings.background_bytes is not None and staged.size > settings.background_bytes
    if deferred and sniffed.kind in ("video", "audio"):

        def read_at(start: int, count: int) -> bytes:
            kept_from = staged.size - len(staged.end)
            if staged.end and start >= kept_from:  # kept as they passed: no request
                return staged.end[start - kept_from : start - kept_from + count]
            with storage.open_range(key, start, start + count - 1) as fh:
                return fh.read(count)

        if appended_archive_in(read_at, staged.size):
            raise UnsupportedMediaType(APPENDED_ARCHIVE, seems="appended ZIP archive")
        return StoredFile(
            storage,
            key,
            settings.tmp_dir,
            sha256=staged.sha256,
            size=staged.size,
            sniffed=sniffed,
            info=MediaInfo(),  # probing a long recording waits for the job
            filename=safe_filename(filename),
            deferred=True,
            placed_key=key,
        )
    path = _local_copy(storage, key, settings.tmp_dir)
    prepared = _prepare_file(
        path, staged.sha256, staged.size, staged.head, filename, settings, None
    )
    prepared.placed_key = key
    return prepared


def _local_copy(storage: Storage, key: str, tmp_dir: Path | None) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix="brandhub-ingest-", dir=tmp_dir)
    except OSError as exc:
        raise spool_error(exc) from exc
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out, storage.open(key) as source:
            while chunk := source.read(CHUNK_SIZE):
                out.write(chunk)
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, StorageError):
            raise spool_error(exc) from exc
        raise
    return path


class StoredFile(PreparedFile):
    """A prepared upload whose bytes are in the store, not here: ``path`` makes a
    temporary copy the first time something asks for it (the brand's checks), and
    ``cleanup`` removes it."""

    def __init__(self, storage: Storage, key: str, tmp_dir: Path | None, **fields: Any) -> None:
        self._storage, self._key, self._tmp_dir = storage, key, tmp_dir
        self._local: Path | None = None
        super().__init__(path=Path(), **fields)

    @property
    def path(self) -> Path:
        if self._local is None:
            self._local = _local_copy(self._storage, self._key, self._tmp_dir)
        return self._local

    @path.setter
    def path(self, value: Path) -> None:
        pass  # set by the dataclass's __init__; the copy is made when asked for

    @property
    def copied(self) -> bool:
        """Whether the bytes were read back from the store."""
        return self._local is not None

    def cleanup(self) -> None:
        if self._local is not None:
            self._local.unlink(missing_ok=True)


class SpooledUpload(io.RawIOBase):
    """A temporary file that hashes what is written into it, for a form parser.

    A web server's multipart parser writes an upload into a file anyway; when
    that file is one of these, ``prepare`` takes it over (path, SHA-256, size,
    head) instead of copying it into a second one: one write of the bytes
    instead of two, one read less (about 2 s for 1 GiB here). The size limit
    is the web server's (the request's content length) while it is written,
    and ``prepare``'s once taken: a form parser turns errors raised inside
    ``write`` into a missing field. Closing it without ``take`` deletes the file.
    """

    def __init__(self, *, tmp_dir: Path | None = None) -> None:
        try:
            fd, name = tempfile.mkstemp(prefix="brandhub-upload-", dir=tmp_dir)
        except OSError as exc:
            raise spool_error(exc) from exc
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._hash = hashlib.sha256()
        self._head = bytearray()
        self._taken = False
        self.size = 0
        self.untouched = True  # nothing read from it yet: ``take`` gives the whole upload

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # a hashing sink takes bytes only
        self.size += len(data)
        self._hash.update(data)
        if len(self._head) < HEAD_BYTES:
            self._head += data[: HEAD_BYTES - len(self._head)]
        return self._file.write(data)

    def read(self, size: int = -1) -> bytes:
        self.untouched = False
        return self._file.read(size)

    def readinto(self, buffer: Any) -> int:
        self.untouched = False
        return self._file.readinto(buffer)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        if not self._file.closed:
            self._file.flush()

    def take(self) -> tuple[Path, str, int, bytes]:
        """Hand the file over (the caller deletes it): path, sha256, size, head."""
        self._file.close()
        self._taken = True
        return self.path, self._hash.hexdigest(), self.size, bytes(self._head)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
            if not self._taken:
                self.path.unlink(missing_ok=True)
        super().close()


def _spool(stream: BinaryIO, settings: IngestSettings) -> tuple[Path, str, int, bytes]:
    """Copy the stream to a temporary file; returns path, sha256, size and head."""
    try:
        fd, name = tempfile.mkstemp(prefix="brandhub-ingest-", dir=settings.tmp_dir)
    except OSError as exc:
        raise spool_error(exc) from exc
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
            raise spool_error(exc) from exc
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
        if key == prepared.placed_key:
            # Already where it stays (a resumable upload's parts, joined in place):
            # no byte written or read; the caller's to delete if its commit fails.
            written.append(key)
        elif not storage.exists(key):
            storage.put_file(key, prepared.path, content_type=prepared.sniffed.mime)
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
