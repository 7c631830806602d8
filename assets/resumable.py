"""The bytes of resumable (tus) uploads while they arrive, hashed as they pass.

An upload's progress is an ``UploadState``: how many bytes arrived, the
running SHA-256 of those bytes (its serialized midstate, from
:mod:`assets.midstate`: hashlib objects cannot be saved between requests),
the first bytes of the file (for sniffing), and on S3 the multipart upload,
its parts' ETags and the tail of less than a part. The application keeps
that state in its database and hands it to every call here, so a chunk may
arrive at any process of any host sharing the database and the store; the
state comes back changed, to be saved with the upload's offset in one commit.

Each request appends its bytes at the offset the client names, which must be
where the upload ends now: a chunk that skips or overlaps bytes is refused
(``OffsetMismatch``). A chunk is checked as it is read: it may not pass the
declared length, and when the client sends a checksum of the chunk (tus's
checksum extension: sha1, sha256, md5) the chunk is kept only if it matches;
a chunk that fails either check leaves the state as it was. A connection that
drops in the middle of a chunk keeps the bytes that arrived (when the chunk
has no checksum), and the upload resumes from there.

Two kinds of staging:

- ``StagingArea``: the local store. The bytes append to one file per upload
  in a staging folder; at the last byte the file is handed over whole.
- ``S3Staging``: the S3 store. Every whole part (the store's part size, at
  least the 5 MiB S3 asks of every part but the last) goes up as the next
  part of a multipart upload as soon as it is in memory, a few at a time;
  what is left at the end of a request (less than a part) is the state's
  ``tail``, kept by the application with the state. The multipart upload is
  started under the key where the original will stay
  (``originals/tus/<upload id>``), so the last part completes the object in
  place: no copy, no read-back. The SHA-256 is final at the last byte.

No Flask, no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import mmap
import os
import re
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, cast

from assets.errors import StorageError
from assets.midstate import Sha256
from assets.sniff import HEAD_BYTES
from assets.sniff.polyglot import WINDOW as END_BYTES
from assets.storage.s3 import MIN_PART, S3Storage
from core.errors import N_, BrandHubError, Conflict, InvalidInput, NotFound

#: The checksum algorithms a client may name (tus ``Tus-Checksum-Algorithm``).
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
CHUNK = 1024 * 1024
#: Where an S3 upload's object is made: its final key, named by the upload's id.
RESUMABLE_PREFIX = "originals/tus/"
_ID = re.compile(r"[0-9a-f]{32}")


class UploadExpired(NotFound):
    """The upload was not finished in time and its bytes were removed; start it again."""

    code = "upload_expired"


class OffsetMismatch(Conflict):
    """The chunk does not start where the upload ends: it would skip or repeat bytes."""

    code = "offset_mismatch"


class UploadBusy(Conflict):
    """Another request is writing to this upload at this moment."""

    code = "upload_busy"


class ChecksumMismatch(BrandHubError):
    """The chunk's checksum does not match the bytes that arrived; they were not kept."""

    code = "checksum_mismatch"


class PastDeclaredLength(InvalidInput):
    """The chunk goes past the upload's declared length; it was not kept."""

    code = "past_declared_length"


@dataclass(frozen=True)
class UploadLimits:
    """How large, how long and how many: an instance's settings for resumable uploads."""

    max_bytes: int
    lifetime: timedelta
    max_unfinished: int


@dataclass(frozen=True)
class Checksum:
    """A chunk's checksum as a client sent it: the algorithm and the raw digest."""

    algorithm: str
    digest: bytes

    @classmethod
    def parse(cls, header: str) -> Checksum:
        """``"sha1 <base64>"`` (tus ``Upload-Checksum``); ``InvalidInput`` if malformed."""
        name, _sep, value = header.strip().partition(" ")
        name = name.lower()
        if name not in CHECKSUM_ALGORITHMS:
            raise InvalidInput(
                N_("The checksum algorithm is not supported; use sha1, sha256 or md5."),
                algorithm=name[:20],
            )
        try:
            digest = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(N_("The checksum is not valid base64.")) from None
        if len(digest) != hashlib.new(name).digest_size:
            raise InvalidInput(N_("The checksum has the wrong length for its algorithm."))
        return cls(name, digest)


@dataclass(frozen=True)
class UploadState:
    """How far an upload got: what the application saves between requests.

    ``hash_state`` is the serialized SHA-256 of the ``offset`` bytes that
    arrived, ``head`` the file's first bytes (up to ``HEAD_BYTES``). On S3,
    ``key`` is the object the parts will make, ``store_upload`` the multipart
    upload's id (None once the parts are joined), ``parts`` each sent part's
    ETag and size, and ``tail`` the bytes after the last part; once the parts
    are joined, ``tail`` keeps the file's last bytes (up to ``END_BYTES``) as
    they passed, so that nothing reads them back from the store.
    """

    offset: int = 0
    hash_state: bytes | None = None
    head: bytes = b""
    key: str | None = None
    store_upload: str | None = None
    parts: tuple[tuple[str, int], ...] = ()
    tail: bytes = b""

    @property
    def joined(self) -> bool:
        """On S3: the parts were joined into the object ``key``."""
        return self.key is not None and self.store_upload is None

    def hasher(self) -> Sha256:
        return Sha256.deserialize(self.hash_state) if self.hash_state else Sha256()


@dataclass(frozen=True)
class Staged:
    """A finished upload's bytes: their SHA-256, size and head, and where they are.

    ``path`` is a local file handed over to the caller (the local store);
    ``key`` the object already in the store, at the key where it stays (S3).
    """

    sha256: str
    size: int
    head: bytes
    path: Path | None = None
    key: str | None = None
    end: bytes = b""  # the file's last bytes, when they were kept as they passed


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise StorageError(
            "The chunk could not be written to the staging folder.", error=str(exc)
        ) from exc


#: Called while bytes arrive (at least every MiB), to show the request is alive.
Heartbeat = Callable[[], None]


class _Chunk:
    """One request's bytes as they are read: the declared-length and checksum checks,
    the running SHA-256 of the whole upload and its head."""

    def __init__(
        self,
        state: UploadState,
        length: int,
        checksum: Checksum | None,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.heartbeat = heartbeat
        self.room = length - state.offset
        self.checksum = checksum
        self.check = hashlib.new(checksum.algorithm) if checksum else None
        self.hasher = state.hasher()
        self.head = bytearray(state.head)
        self.read = 0

    def fill(self, stream: BinaryIO, target: memoryview) -> int:
        """Read the request's next bytes into ``target`` (at most a MiB), checked and
        hashed; how many, 0 at the end of the request's data.

        The bytes land where the caller keeps them (a part's buffer): a stream
        with ``readinto`` is read without a copy.
        """
        want = min(len(target), CHUNK, self.room - self.read + 1)
        try:
            count = _read_into(stream, target[:want])
        except Exception:
            if self.check is not None:
                raise  # a checked chunk is kept whole or not at all
            return 0  # the connection dropped: keep what arrived, resume from it
        if not count:
            return 0
        if self.read + count > self.room:
            raise PastDeclaredLength(
                N_("The chunk goes past the upload's declared length."),
                length=self.room,
            )
        data = target[:count]
        if self.check is not None:
            self.check.update(data)
        self.hasher.update(data)
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        self.read += count
        if self.heartbeat is not None:
            self.heartbeat()  # still alive: the caller keeps its hold on the upload
        return count

    def verify(self) -> None:
        """At the end of the request's data: the client's checksum of the chunk must match."""
        if self.check is not None and self.checksum is not None:
            if self.check.digest() != self.checksum.digest:
                raise ChecksumMismatch(N_("The chunk's checksum does not match; send it again."))

    def state(self, state: UploadState, **changes: object) -> UploadState:
        return replace(
            state,
            offset=state.offset + self.read,
            hash_state=bytes(self.hasher.serialize()),
            head=bytes(self.head),
            **changes,  # type: ignore[arg-type]
        )


def _read_into(stream: BinaryIO, target: memoryview) -> int:
    """Bytes of ``stream`` read into ``target``: in place where the stream can."""
    readinto = getattr(stream, "readinto", None)
    if readinto is not None:
        return int(readinto(target) or 0)
    data = stream.read(len(target))
    target[: len(data)] = data
    return len(data)


def _check_offset(state: UploadState, offset: int) -> None:
    if offset != state.offset:
        raise OffsetMismatch(
            N_("The chunk does not start where the upload ends."), offset=state.offset
        )


class StagingArea:
    """The local store's unfinished uploads: a folder, one file each, appended to."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path_for(self, upload_id: str) -> Path:
        if not _ID.fullmatch(upload_id):
            raise StorageError("The upload id is not valid.", upload=upload_id[:40])
        return self.folder / f"{upload_id}.part"

    def create(self, upload_id: str) -> UploadState:
        """An empty file for a new upload; its state."""
        path = self.path_for(upload_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StorageError(
                "The upload could not be started in the staging folder.", error=str(exc)
            ) from exc
        os.close(fd)
        return UploadState()

    def append(
        self,
        upload_id: str,
        state: UploadState,
        stream: BinaryIO,
        *,
        offset: int,
        length: int,
        checksum: Checksum | None = None,
        heartbeat: Heartbeat | None = None,
    ) -> UploadState:
        """Write ``stream`` at ``offset`` (where the upload ends); the new state.

        Reads at most one byte past the declared ``length``: a chunk that goes
        past it is refused (``PastDeclaredLength``), as is a chunk whose
        ``checksum`` does not match (``ChecksumMismatch``); the state is then
        unchanged. The caller runs one append of an upload at a time.
        """
        _check_offset(state, offset)
        try:
            fd = os.open(self.path_for(upload_id), os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            raise StorageError("The upload's bytes are gone.", upload=upload_id) from None
        try:
            size = os.fstat(fd).st_size
            if size < state.offset:
                raise StorageError("The upload's bytes are gone.", upload=upload_id)
            # Bytes past the saved offset were written by a request that did not
            # finish (its state was never saved): cut, the client sends them again.
            os.ftruncate(fd, state.offset)
            os.lseek(fd, state.offset, os.SEEK_SET)
            chunk = _Chunk(state, length, checksum, heartbeat)
            scratch = memoryview(bytearray(CHUNK))
            try:
                while count := chunk.fill(stream, scratch):
                    _write_all(fd, scratch[:count])
                chunk.verify()
            except BaseException:
                os.ftruncate(fd, state.offset)
                raise
        finally:
            os.close(fd)
        return chunk.state(state)

    def taken_path(self, upload_id: str) -> Path:
        """Where a finished upload's file waits while the caller takes it over."""
        return self.path_for(upload_id).with_suffix(".taken")

    def finish(self, upload_id: str, state: UploadState) -> Staged:
        """The whole upload, its file handed over to the caller (who removes it)."""
        path = self.path_for(upload_id)
        taken = self.taken_path(upload_id)
        try:
            os.replace(path, taken)
        except FileNotFoundError:
            raise StorageError("The upload's bytes are gone.", upload=upload_id) from None
        return Staged(
            sha256=state.hasher().finalize(), size=state.offset, head=state.head, path=taken
        )

    def remove(self, upload_id: str, state: UploadState | None = None) -> None:
        """Remove an upload's bytes, arriving or handed over (a process that ended
        before it took them over leaves a ``.taken`` file); a missing file is not an error."""
        for path in (self.path_for(upload_id), self.taken_path(upload_id)):
            with suppress(FileNotFoundError):
                path.unlink()

    def modified(self, upload_id: str) -> datetime | None:
        """When the upload's bytes were last written (UTC), or None when they are gone."""
        found = []
        for path in (self.path_for(upload_id), self.taken_path(upload_id)):
            with suppress(FileNotFoundError):
                found.append(datetime.fromtimestamp(path.stat().st_mtime, UTC))
        return max(found, default=None)

    def iter_ids(self) -> Iterator[str]:
        """The ids of every upload with bytes here, arriving or handed over (for cleaning
        what no row names)."""
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except FileNotFoundError:
            return
        seen: set[str] = set()
        for name in names:
            stem, dot, suffix = name.rpartition(".")
            if dot and suffix in ("part", "taken") and _ID.fullmatch(stem) and stem not in seen:
                seen.add(stem)
                yield stem


class S3Staging(StagingArea):
    """Unfinished uploads sent on into S3 multipart uploads, part by part, as they arrive.

    Nothing is written on this host: a request holds the part it is filling
    and at most ``in_flight`` parts on their way to S3, then gives back the
    tail (less than a part) in the state. Its next request, on this process
    or another, starts from that tail. At the last byte the tail goes up as
    the last part and the parts are joined into the object ``key``, where the
    original stays. Removing an upload aborts its multipart upload (S3 frees
    its parts) or deletes the joined object.
    """

    def __init__(self, storage: S3Storage, *, part_size: int = MIN_PART, in_flight: int = 3):
        super().__init__(Path("/nonexistent"))
        if part_size < MIN_PART:
            raise ValueError("S3 parts must be at least 5 MiB.")
        if in_flight < 1:
            raise ValueError("At least one part must be allowed on its way.")
        self.storage = storage
        self.part_size = part_size
        self.in_flight = in_flight

    @staticmethod
    def key_for(upload_id: str) -> str:
        if not _ID.fullmatch(upload_id):
            raise StorageError("The upload id is not valid.", upload=upload_id[:40])
        return f"{RESUMABLE_PREFIX}{upload_id}"

    def create(self, upload_id: str) -> UploadState:
        key = self.key_for(upload_id)
        return UploadState(key=key, store_upload=self.storage.start_parts(key))

    def append(
        self,
        upload_id: str,
        state: UploadState,
        stream: BinaryIO,
        *,
        offset: int,
        length: int,
        checksum: Checksum | None = None,
        heartbeat: Heartbeat | None = None,
    ) -> UploadState:
        """Read the chunk, sending every whole part as it fills; the new state.

        A part is numbered by its place in the file, so parts a failed request
        sent but never recorded go up again under the same numbers and replace
        them. At the last byte the parts are joined (``joined`` is then true).
        """
        _check_offset(state, offset)
        if state.joined or state.key is None or state.store_upload is None:
            if state.joined and state.offset == length:
                return state  # already whole: the caller finishes it again
            raise StorageError("The upload's bytes are gone.", upload=upload_id)
        key, store_upload = state.key, state.store_upload
        parts = list(state.parts)
        chunk = _Chunk(state, length, checksum, heartbeat)
        size = self.part_size
        # ``in_flight`` + 1 part buffers at most, each filled in place and sent as it
        # is (no copy): what a request costs in memory, however large the chunk. They
        # are mapped memory of their own, given back to the system when the request
        # ends (freed malloc memory of that size would stay with the process).
        spare: list[mmap.mmap] = []
        waiting: deque[tuple[Future[str], mmap.mmap]] = deque()
        buffer = mmap.mmap(-1, size)
        filled = len(state.tail)
        buffer[:filled] = state.tail

        def send(number: int, data: mmap.mmap, count: int) -> str:
            body = cast(BinaryIO, _View(memoryview(data)[:count]))
            return self.storage.put_part(key, store_upload, number, body, count)

        def collect(block_until: int) -> None:
            while len(waiting) > block_until:
                future, sent = waiting.popleft()
                parts.append((future.result(), size))
                spare.append(sent)

        # The buffer of the last whole part sent by this request: never refilled after
        # (the next buffer is another one), so it still holds the bytes before the tail.
        last_sent: mmap.mmap | None = None
        pool = ThreadPoolExecutor(max_workers=self.in_flight, thread_name_prefix="tus-part")
        try:
            # The request's bytes are read straight into the part's buffer.
            while count := chunk.fill(stream, memoryview(buffer)[filled:]):
                filled += count
                if filled < size:
                    continue
                # Wait for a place first: at most ``in_flight`` parts travel at once.
                collect(self.in_flight - 1)
                number = len(parts) + len(waiting) + 1
                waiting.append((pool.submit(send, number, buffer, size), buffer))
                last_sent = buffer
                buffer = spare.pop() if spare else mmap.mmap(-1, size)
                filled = 0
            chunk.verify()
            collect(0)
            if state.offset + chunk.read < length:
                return chunk.state(state, parts=tuple(parts), tail=bytes(buffer[:filled]))
            if filled or not parts:  # the last part may be smaller than the rest
                etag = send(len(parts) + 1, buffer, filled)
                parts.append((etag, filled))
            self.storage.finish_parts(key, store_upload, [etag for etag, _size in parts])
            # The file's last bytes, still in the buffers: the last part's, and before
            # it the last whole part's when the last part is short or empty (a file
            # ending at a part's end). Only a short last part whose whole part went up
            # in an earlier request leaves them to be read back.
            end = bytes(buffer[max(0, filled - END_BYTES) : filled])
            if len(end) < END_BYTES and last_sent is not None:
                end = bytes(last_sent[size - (END_BYTES - len(end)) : size]) + end
            if len(end) < END_BYTES and state.offset + chunk.read > len(end):
                end = b""
            return chunk.state(state, parts=tuple(parts), tail=end, store_upload=None)
        finally:
            for future, _sent in waiting:
                future.cancel()
            pool.shutdown(wait=True)

    def finish(self, upload_id: str, state: UploadState) -> Staged:
        """The joined object, where it stays: no byte is read back."""
        if not state.joined or state.key is None:
            raise StorageError("The upload is not whole yet.", upload=upload_id)
        return Staged(
            sha256=state.hasher().finalize(),
            size=state.offset,
            head=state.head,
            key=state.key,
            end=state.tail,
        )

    def remove(self, upload_id: str, state: UploadState | None = None) -> None:
        """Abort the multipart upload, or delete the joined object."""
        key = state.key if state is not None and state.key else self.key_for(upload_id)
        if state is None or state.store_upload is None:
            self.storage.delete(key)
        uploads = (
            [state.store_upload]
            if state is not None and state.store_upload
            else [found for _key, found, _when in self.storage.iter_part_uploads(key)]
        )
        for store_upload in uploads:
            self.storage.abort_parts(key, store_upload)

    def modified(self, upload_id: str) -> datetime | None:
        key = self.key_for(upload_id)
        found = [when for _key, _upload, when in self.storage.iter_part_uploads(key)]
        return max(found, default=None)

    def iter_ids(self) -> Iterator[str]:
        """Uploads with a multipart upload open in the store."""
        seen: set[str] = set()
        for key, _upload, _when in self.storage.iter_part_uploads(RESUMABLE_PREFIX):
            upload_id = key.removeprefix(RESUMABLE_PREFIX)
            if _ID.fullmatch(upload_id) and upload_id not in seen:
                seen.add(upload_id)
                yield upload_id


class _View(io.RawIOBase):
    """A part's bytes as the seekable stream botocore reads (and rewinds to retry),
    read where they lie: no copy of the part. ``read`` gives views of the buffer, not
    copies (http.client sends a part 8 KiB at a time: a thousand copies a part, saved);
    each is used before the part's request ends, and the buffer changes only after."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view = view
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> Any:
        end = len(self._view) if size is None or size < 0 else min(self._at + size, len(self._view))
        chunk = self._view[self._at : end]
        self._at = max(self._at, end)
        return chunk

    def readall(self) -> Any:
        return self.read()

    def readinto(self, target: Any) -> int:
        count = min(len(target), len(self._view) - self._at)
        target[:count] = self._view[self._at : self._at + count]
        self._at += count
        return count

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: len(self._view)}[whence]
        self._at = max(0, min(base + offset, len(self._view)))
        return self._at

    def tell(self) -> int:
        return self._at
