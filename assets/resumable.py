"""The bytes of resumable (tus) uploads while they arrive: a staging area of files.

An upload that is not finished yet lives in one file of the staging folder,
named by the upload's id. Each request appends its bytes at the offset the
client names, which must be where the file ends now: a chunk that skips or
overlaps bytes is refused (``OffsetMismatch``). A chunk is checked as it is
written: it may not pass the declared length, and when the client sends a
checksum of the chunk (tus's checksum extension: sha1, sha256, md5) the chunk
is kept only if it matches; a chunk that fails either check is cut off again,
so the file always ends at the last good chunk. A connection that drops in the
middle of a chunk keeps the bytes that arrived, and the upload resumes from
there. One request at a time writes to an upload (``UploadBusy`` for a second).

No Flask, no database: the application keeps the upload's owner, length and
expiry in its own table and calls this for the bytes.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from assets.errors import StorageError
from assets.storage.s3 import MIN_PART, S3Storage
from core.errors import N_, BrandHubError, Conflict, InvalidInput, NotFound

#: The checksum algorithms a client may name (tus ``Tus-Checksum-Algorithm``).
CHECKSUM_ALGORITHMS = ("sha1", "sha256", "md5")
CHUNK = 1024 * 1024
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise StorageError(
            "The chunk could not be written to the staging folder.", error=str(exc)
        ) from exc


class StagingArea:
    """A folder of unfinished uploads, one file each, appended to chunk by chunk."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def path_for(self, upload_id: str) -> Path:
        if not _ID.fullmatch(upload_id):
            raise StorageError("The upload id is not valid.", upload=upload_id[:40])
        return self.folder / f"{upload_id}.part"

    def create(self, upload_id: str) -> None:
        """An empty file for a new upload."""
        path = self.path_for(upload_id)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StorageError(
                "The upload could not be started in the staging folder.", error=str(exc)
            ) from exc
        os.close(fd)

    def offset(self, upload_id: str) -> int:
        """How many bytes of the upload have arrived (0 when its file is gone)."""
        try:
            return self._sent(upload_id) + self.path_for(upload_id).stat().st_size
        except FileNotFoundError:
            return 0

    def exists(self, upload_id: str) -> bool:
        return self.path_for(upload_id).is_file()

    @contextmanager
    def _locked(self, upload_id: str) -> Iterator[int]:
        path = self.path_for(upload_id)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            raise StorageError("The upload's bytes are gone.", upload=upload_id) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UploadBusy() from None
            yield fd
        finally:
            os.close(fd)

    def append(
        self,
        upload_id: str,
        stream: BinaryIO,
        *,
        offset: int,
        length: int,
        checksum: Checksum | None = None,
    ) -> int:
        """Write ``stream`` at ``offset`` (where the file ends); the new offset.

        Reads at most one byte past the declared ``length``: a chunk that goes
        past it is cut off and refused (``PastDeclaredLength``), as is a chunk
        whose ``checksum`` does not match (``ChecksumMismatch``). A stream that
        fails mid-chunk (the connection dropped) keeps what arrived when there
        is no checksum, and nothing of the chunk (the error raised) when there
        is one.
        """
        with self._locked(upload_id) as fd:
            sent = self._sent(upload_id)  # bytes already passed on (S3: in parts)
            pending = os.fstat(fd).st_size
            current = sent + pending
            if offset != current:
                raise OffsetMismatch(
                    N_("The chunk does not start where the upload ends."), offset=current
                )
            hasher = hashlib.new(checksum.algorithm) if checksum else None
            room = length - current
            written = 0
            os.lseek(fd, pending, os.SEEK_SET)
            try:
                while True:
                    try:
                        data = stream.read(min(CHUNK, room - written + 1))
                    except Exception:
                        if hasher is not None:
                            raise  # a checked chunk is kept whole or not at all
                        break  # the connection dropped: keep what arrived, resume from it
                    if not data:
                        break
                    if written + len(data) > room:
                        raise PastDeclaredLength(
                            N_("The chunk goes past the upload's declared length."),
                            length=length,
                        )
                    if hasher is not None:
                        hasher.update(data)
                    _write_all(fd, data)
                    written += len(data)
                if hasher is not None and checksum is not None:
                    if hasher.digest() != checksum.digest:
                        raise ChecksumMismatch(
                            N_("The chunk's checksum does not match; send it again.")
                        )
            except BaseException:
                os.ftruncate(fd, pending)
                raise
            self._pass_on(upload_id, fd)
            return current + written

    def _sent(self, upload_id: str) -> int:
        """Bytes of the upload no longer in its file (none here)."""
        return 0

    def _pass_on(self, upload_id: str, fd: int) -> None:
        """After a chunk: send on what the file holds (here it stays where it is)."""

    def staged_key(self, upload_id: str) -> str | None:
        """The store key of the finished upload, when it is in the store already (S3)."""
        return None

    @contextmanager
    def open(self, upload_id: str) -> Iterator[BinaryIO]:
        """The finished upload's bytes, to read once."""
        with self.path_for(upload_id).open("rb") as fh:
            yield fh

    def remove(self, upload_id: str) -> None:
        """Remove an upload's file; a missing one is not an error."""
        with suppress(FileNotFoundError):
            self.path_for(upload_id).unlink()

    def modified(self, upload_id: str) -> datetime | None:
        """When the upload's file was last written (UTC), or None when it is gone."""
        try:
            return datetime.fromtimestamp(self.path_for(upload_id).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None

    def iter_ids(self) -> Iterator[str]:
        """The ids of every upload with a file here (for cleaning what no row names)."""
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except FileNotFoundError:
            return
        for name in names:
            stem = name.removesuffix(".part")
            if name.endswith(".part") and _ID.fullmatch(stem):
                yield stem


class S3Staging(StagingArea):
    """Unfinished uploads sent on into S3 multipart uploads, part by part, as they arrive.

    Each chunk is written to the upload's file in the staging folder (its
    pending tail), checked as in :class:`StagingArea`; then every whole part
    (``part_size``, at least the 5 MiB S3 asks of every part but the last) is
    uploaded as the next part of the upload's multipart upload under
    ``staging/<id>`` and cut from the file, which keeps less than a part
    between requests. The parts' ETags and sizes are kept beside it
    (``<id>.json``). When the last byte is in, the tail goes up as the last
    part and the parts are joined into the object ``staging/<id>``, which the
    caller reads once (to hash, sniff and check it) and copies to its
    content-hash key inside the store. Removing an upload aborts its multipart
    upload (S3 frees its parts) and deletes the joined object.
    """

    def __init__(self, folder: Path | str, storage: S3Storage, *, part_size: int = MIN_PART):
        super().__init__(folder)
        if part_size < MIN_PART:
            raise ValueError("S3 parts must be at least 5 MiB.")
        self.storage = storage
        self.part_size = part_size

    def _state_path(self, upload_id: str) -> Path:
        return self.path_for(upload_id).with_suffix(".json")

    def _state(self, upload_id: str) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads(self._state_path(upload_id).read_text())
        except FileNotFoundError:
            raise StorageError("The upload's bytes are gone.", upload=upload_id) from None
        return state

    def _save(self, upload_id: str, state: dict[str, Any]) -> None:
        path = self._state_path(upload_id)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, path)

    def staged_key(self, upload_id: str) -> str | None:
        return f"staging/{upload_id}"

    def create(self, upload_id: str) -> None:
        super().create(upload_id)
        try:
            key = f"staging/{upload_id}"
            s3_id = self.storage.start_parts(key)
            self._save(upload_id, {"key": key, "upload": s3_id, "parts": [], "joined": False})
        except BaseException:
            super().remove(upload_id)
            raise

    def _sent(self, upload_id: str) -> int:
        try:
            state = self._state(upload_id)
        except StorageError:
            return 0
        return sum(int(size) for _etag, size in state["parts"])

    def _pass_on(self, upload_id: str, fd: int) -> None:
        pending = os.fstat(fd).st_size
        count = pending // self.part_size
        if not count:
            return
        state = self._state(upload_id)
        first = len(state["parts"]) + 1

        def send(index: int) -> tuple[str, int]:
            data = os.pread(fd, self.part_size, index * self.part_size)
            etag = self.storage.put_part(
                state["key"], state["upload"], first + index, io.BytesIO(data), len(data)
            )
            return etag, len(data)

        # Up to the store's concurrency at once (as boto3 sends a file's parts), each part
        # read from the file when its turn comes: at most that many parts in memory.
        sent: list[tuple[str, int]] = []
        with ThreadPoolExecutor(max_workers=max(1, self.storage.max_concurrency)) as pool:
            futures = [pool.submit(send, index) for index in range(count)]
            try:
                for future in futures:
                    sent.append(future.result())
            finally:
                for future in futures:
                    future.cancel()
        # A part that failed ends the request before anything is recorded or cut: the
        # bytes stay in the file, and the parts go up again under the same numbers.
        if sent:
            position = len(sent) * self.part_size
            state["parts"].extend([etag, size] for etag, size in sent)
            # Cut from the file first, then recorded: a crash in between loses the
            # record of parts S3 has, so the offset comes out smaller, the client
            # sends those bytes again, and they go up under the same part numbers.
            rest = os.pread(fd, pending - position, position)
            os.pwrite(fd, rest, 0)
            os.ftruncate(fd, len(rest))
            self._save(upload_id, state)

    def _join(self, upload_id: str) -> str:
        state = self._state(upload_id)
        if state["joined"]:
            return str(state["key"])
        path = self.path_for(upload_id)
        tail = path.read_bytes() if path.exists() else b""
        if tail or not state["parts"]:
            number = len(state["parts"]) + 1
            etag = self.storage.put_part(
                state["key"], state["upload"], number, io.BytesIO(tail), len(tail)
            )
            state["parts"].append([etag, len(tail)])
            self._save(upload_id, state)
        self.storage.finish_parts(state["key"], state["upload"], [e for e, _s in state["parts"]])
        state["joined"] = True
        self._save(upload_id, state)
        with suppress(FileNotFoundError):
            path.unlink()
        return str(state["key"])

    def offset(self, upload_id: str) -> int:
        try:
            state = self._state(upload_id)
        except StorageError:
            return 0
        sent = sum(int(size) for _etag, size in state["parts"])
        if state["joined"]:
            return sent
        try:
            return sent + self.path_for(upload_id).stat().st_size
        except FileNotFoundError:
            return sent

    @contextmanager
    def open(self, upload_id: str) -> Iterator[BinaryIO]:
        """Join the parts (the tail as the last one) and read the object once."""
        key = self._join(upload_id)
        with self.storage.open(key) as stream:
            yield stream

    def remove(self, upload_id: str) -> None:
        """Abort the multipart upload, delete the joined object, remove the local files."""
        try:
            state = self._state(upload_id)
        except StorageError:
            state = None
        if state is not None:
            if state["joined"]:
                self.storage.delete(state["key"])
            else:
                self.storage.abort_parts(state["key"], state["upload"])
        super().remove(upload_id)
        with suppress(FileNotFoundError):
            self._state_path(upload_id).unlink()

    def iter_ids(self) -> Iterator[str]:
        seen = set(super().iter_ids())
        yield from seen
        try:
            names = [entry.name for entry in os.scandir(self.folder)]
        except FileNotFoundError:
            return
        for name in names:
            stem = name.removesuffix(".json")
            if name.endswith(".json") and _ID.fullmatch(stem) and stem not in seen:
                yield stem

    def modified(self, upload_id: str) -> datetime | None:
        found = super().modified(upload_id)
        if found is not None:
            return found
        try:
            return datetime.fromtimestamp(self._state_path(upload_id).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None
