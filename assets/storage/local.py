"""The local-folder backend: one file per key under a root folder.

The default store of a single-machine installation. A key maps to a path by
its ``/``-separated segments (``originals/ab/cd/abcd…`` →
``root/originals/ab/cd/abcd…``); ``validate_key`` guarantees no segment is
hidden or ``..``, so a path never leaves the root.

Writes are atomic: bytes go to a hidden temporary file beside the target,
which is flushed to disk and then renamed over it. Readers see the old file or
the whole new one; a failed write leaves nothing behind. Hidden names are never
valid keys, so ``iter_keys`` can skip temporary files by their leading dot.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from assets.errors import BrandHubError, ObjectNotFound, StorageError

from .base import Storage, StoredObject, validate_key
from .streams import SourceReader, Translate, clamp_range, reader

CHUNK = 1024 * 1024

_FULL = {errno.ENOSPC, errno.EDQUOT}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def _write_error(exc: BaseException, key: str, *, from_source: bool) -> BaseException:
    """The StorageError to raise for a failed put, or ``exc`` itself when it must pass."""
    if isinstance(exc, BrandHubError) or not isinstance(exc, Exception):
        # Domain errors from the caller's stream (a size limit) and interrupts
        # keep their meaning; the temporary file is already gone.
        return exc
    code = exc.errno if isinstance(exc, OSError) else None
    if code in _FULL:
        return StorageError("The file store is full; nothing was written.", key=key)
    if from_source:
        return StorageError("The upload could not be read to the end; nothing was stored.", key=key)
    if code in _DENIED:
        return StorageError(
            "The file store does not allow writing; check the permissions of its folder.",
            key=key,
        )
    return StorageError("The file store could not write the file; nothing was written.", key=key)


def _read_error(exc: BaseException, key: str) -> BaseException:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, IsADirectoryError)):
        return ObjectNotFound("The stored file does not exist.", key=key)
    if isinstance(exc, PermissionError):
        return StorageError(
            "The file store does not allow reading; check the permissions of its folder.",
            key=key,
        )
    return StorageError("The file store could not read the file.", key=key)


def _translate_read(key: str) -> Translate:
    def translate(exc: BaseException) -> BaseException | None:
        return _read_error(exc, key) if isinstance(exc, OSError) else None

    return translate


class LocalStorage(Storage):
    """Objects as files under ``root``; ``presigned_url`` is None (the app serves them)."""

    name = "local"

    def __init__(self, root: Path | str, *, fsync: bool = True) -> None:
        self.root = Path(root).absolute()
        self._fsync = fsync

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    @property
    def location(self) -> str:
        return str(self.root)

    def path_for(self, key: str) -> Path:
        """The file that holds ``key`` (whether or not it exists)."""
        validate_key(key)
        return self.root.joinpath(*key.split("/"))

    # -- writing -----------------------------------------------------------

    def put(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> int:
        path = self.path_for(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
            # os.open with 0o666 honours the umask, as a plain open() would;
            # mkstemp would make every stored file private to this user.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise _write_error(exc, key, from_source=False) from exc
        source = SourceReader(stream)
        try:
            with os.fdopen(fd, "wb", buffering=0) as out:
                while chunk := source.read(CHUNK):
                    view = memoryview(chunk)
                    while view:
                        view = view[out.write(view) :]
                if self._fsync:
                    os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            error = _write_error(exc, key, from_source=source.error is exc)
            if error is exc:
                raise
            raise error from exc
        if self._fsync:
            self._sync_folder(path.parent)
        return source.count

    @staticmethod
    def _sync_folder(folder: Path) -> None:
        # The rename is durable only once the folder entry is on disk; some
        # file systems cannot fsync a folder, and the data itself is safe.
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def delete(self, key: str) -> None:
        path = self.path_for(key)
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return
        except OSError as exc:
            raise StorageError("The file store could not delete the file.", key=key) from exc

    # -- reading -----------------------------------------------------------

    def open(self, key: str) -> BinaryIO:
        path = self.path_for(key)
        try:
            # The real file object: seekable, and with a fileno() a WSGI
            # server can hand to sendfile.
            fh = path.open("rb")
        except OSError as exc:
            raise _read_error(exc, key) from exc
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            fh.close()
            raise ObjectNotFound("The stored file does not exist.", key=key)
        return fh

    def open_range(self, key: str, start: int, end: int) -> BinaryIO:
        fh = self.open(key)
        try:
            last = clamp_range(start, end, os.fstat(fh.fileno()).st_size)
            fh.seek(start)
        except BaseException:
            fh.close()
            raise
        return reader(fh, limit=last - start + 1, translate=_translate_read(key), name=fh.name)

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def _stat(self, key: str) -> os.stat_result:
        """The stored file's status; ObjectNotFound when there is no such file."""
        try:
            st = self.path_for(key).stat()
        except OSError as exc:
            raise _read_error(exc, key) from exc
        if not stat.S_ISREG(st.st_mode):
            raise ObjectNotFound("The stored file does not exist.", key=key)
        return st

    def size(self, key: str) -> int:
        return self._stat(key).st_size

    def modified(self, key: str) -> datetime:
        return datetime.fromtimestamp(self._stat(key).st_mtime, UTC)

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        for key in self.iter_keys(prefix):
            try:
                st = self.path_for(key).stat()
            except FileNotFoundError:
                continue  # deleted while listing
            except OSError as exc:
                raise _read_error(exc, key) from exc
            yield StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def remove_partial(self, older_than: datetime, *, dry_run: bool = False) -> list[StoredObject]:
        """Temporary files of puts that never finished (``.name.<random>.tmp``)."""
        removed = []
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                if not (name.startswith(".") and name.endswith(".tmp")):
                    continue
                path = Path(folder, name)
                try:
                    st = path.lstat()
                    when = datetime.fromtimestamp(st.st_mtime, UTC)
                    if when >= older_than:
                        continue
                    if not dry_run:
                        path.unlink()
                except FileNotFoundError:
                    continue  # finished or removed meanwhile
                except OSError as exc:
                    raise StorageError("The file store could not delete the file.") from exc
                key = path.relative_to(self.root).as_posix()
                removed.append(StoredObject(key, st.st_size, when))
        return removed

    def iter_keys(self, prefix: str = "") -> Iterator[str]:
        folder = self.root
        head, _, _ = prefix.rpartition("/")
        if head:
            # Start the walk at the deepest folder the prefix names; a prefix
            # that cannot be a key's start simply matches nothing.
            try:
                validate_key(head)
            except StorageError:
                return
            folder = self.root.joinpath(*head.split("/"))
        yield from (key for key in self._walk(folder) if key.startswith(prefix))

    def _walk(self, folder: Path) -> Iterator[str]:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise StorageError("The file store could not list its files.") from exc
        for entry in entries:
            if entry.name.startswith("."):  # temporary files of writes in progress
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                yield Path(entry.path).relative_to(self.root).as_posix()

    @contextlib.contextmanager
    def get_local_path(self, key: str) -> Iterator[Path]:
        """The stored file itself: read it, never modify it."""
        path = self.path_for(key)
        if not path.is_file():
            raise ObjectNotFound("The stored file does not exist.", key=key)
        yield path
