"""What only the local-folder backend does: atomic files, a full disk, file modes."""

from __future__ import annotations

import errno
import io
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from assets.errors import FileTooLarge, StorageError
from assets.storage import LocalStorage
from tests.faults.small_disk import run_on_small_disk

MIB = 1024 * 1024


def _all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_keys_map_to_files_under_the_root(local_storage: LocalStorage) -> None:
    local_storage.put("originals/ab/cd/abcd", io.BytesIO(b"x"))
    assert _all_files(local_storage.root) == ["originals/ab/cd/abcd"]
    assert local_storage.path_for("originals/ab/cd/abcd") == (
        local_storage.root / "originals" / "ab" / "cd" / "abcd"
    )


def test_a_failing_stream_leaves_the_old_file_and_no_temporary(
    local_storage: LocalStorage, pattern_stream: Any
) -> None:
    local_storage.put("k", io.BytesIO(b"the approved logo"))
    broken = pattern_stream(8 * MIB, fail_at=3 * MIB)
    with pytest.raises(StorageError) as caught:
        local_storage.put("k", broken)
    assert caught.value.message == "The upload could not be read to the end; nothing was stored."
    assert caught.value.__cause__ is broken.error
    assert broken.pos == 3 * MIB  # it did fail mid-way, after writing
    assert local_storage.read_bytes("k") == b"the approved logo"
    assert _all_files(local_storage.root) == ["k"]


@pytest.mark.parametrize("error", [ValueError("bad chunk"), RuntimeError("generator died")])
def test_any_source_failure_becomes_a_storage_error(
    local_storage: LocalStorage, pattern_stream: Any, error: Exception
) -> None:
    with pytest.raises(StorageError) as caught:
        local_storage.put("k", pattern_stream(2 * MIB, fail_at=MIB, error=error))
    assert caught.value.__cause__ is error
    assert _all_files(local_storage.root) == []


@pytest.mark.parametrize("error", [FileTooLarge(), KeyboardInterrupt()])
def test_domain_errors_and_interrupts_pass_through(
    local_storage: LocalStorage, pattern_stream: Any, error: BaseException
) -> None:
    # A size limit enforced by the caller's stream must keep its meaning (413).
    with pytest.raises(type(error)) as caught:
        local_storage.put("k", pattern_stream(2 * MIB, fail_at=MIB, error=error))
    assert caught.value is error
    assert _all_files(local_storage.root) == []


def test_enospc_from_the_write_path_says_the_store_is_full(
    local_storage: LocalStorage, pattern_stream: Any
) -> None:
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    with pytest.raises(StorageError) as caught:
        local_storage.put("k", pattern_stream(2 * MIB, fail_at=MIB, error=full))
    assert caught.value.message == "The file store is full; nothing was written."
    assert _all_files(local_storage.root) == []


_FULL_DISK_SCRIPT = """
import io, json, os, sys
from assets.errors import StorageError
from assets.storage import LocalStorage

store = LocalStorage(sys.argv[1])
store.put("logo", io.BytesIO(b"old logo"))
result = {}
try:
    store.put("logo", io.BytesIO(bytes(2 * 1024 * 1024)))
except StorageError as exc:
    result["message"] = exc.message
    result["errno"] = getattr(exc.__cause__, "errno", None)
result["files"] = sorted(os.listdir(sys.argv[1]))
result["logo"] = store.read_bytes("logo").decode()
print(json.dumps(result))
"""


def test_a_really_full_disk(tmp_path: Path) -> None:
    """A 256 KiB tmpfs, mounted in a private mount namespace, fills up for real."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    argv = [sys.executable, "-c", textwrap.dedent(_FULL_DISK_SCRIPT), str(mount_point)]
    done = run_on_small_disk(mount_point, argv, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result == {
        "message": "The file store is full; nothing was written.",
        "errno": errno.ENOSPC,
        "files": ["logo"],
        "logo": "old logo",
    }


def test_a_root_that_cannot_be_a_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"")
    store = LocalStorage(blocker)
    with pytest.raises(StorageError) as caught:
        store.put("k", io.BytesIO(b"x"))
    assert caught.value.message == ("The file store could not write the file; nothing was written.")
    assert list(store.iter_keys()) == []
    assert not store.exists("k")


def test_stored_files_follow_the_umask(local_storage: LocalStorage) -> None:
    mask = os.umask(0o022)
    try:
        local_storage.put("k", io.BytesIO(b"x"))
    finally:
        os.umask(mask)
    # Readable by the web server or a backup tool, as any file the process writes.
    assert local_storage.path_for("k").stat().st_mode & 0o777 == 0o644


def test_iter_keys_skips_writes_in_progress(local_storage: LocalStorage) -> None:
    local_storage.put("a/b", io.BytesIO(b"x"))
    (local_storage.root / "a" / ".b.0123abcd.tmp").write_bytes(b"half")
    (local_storage.root / ".c.0123abcd.tmp").write_bytes(b"half")
    assert list(local_storage.iter_keys()) == ["a/b"]


def test_open_is_the_real_file(local_storage: LocalStorage) -> None:
    local_storage.put("k", io.BytesIO(b"0123456789"))
    with local_storage.open("k") as fh:
        assert fh.seekable()
        assert fh.fileno() >= 0  # a WSGI server may sendfile() it
        fh.seek(5)
        assert fh.read() == b"56789"


def test_an_empty_or_missing_root_lists_nothing(tmp_path: Path) -> None:
    assert list(LocalStorage(tmp_path / "not-yet").iter_keys()) == []
