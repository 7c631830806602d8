"""The storage contract: one test class, run against every backend.

Each backend (a local folder; S3 on moto's server and on SeaweedFS, a real
S3 server) must pass the same tests:
round trips, streaming puts in bounded memory, ranges, deletes, listing, key
validation, local paths and direct links. Backend-only behaviour (atomic files,
a full disk, an unreachable endpoint, aborted multipart uploads) is tested in
``test_storage_local.py`` and ``test_storage_s3.py``.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tracemalloc
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from assets.errors import InvalidInput, ObjectNotFound, RangeNotSatisfiable, StorageError
from assets.storage import Storage

MIB = 1024 * 1024
BIG = 20_000_000

# What a 20 MB (19.1 MiB) put may hold in memory at its peak. The local store
# copies in 1 MiB chunks. The S3 fixture uploads 5 MiB parts one at a time
# while the next part is read, so two parts, plus botocore hashing the part in
# 1 MiB reads to sign it: about 12.2 MiB measured.
PUT_MEMORY_BUDGET = {"local": 3 * MIB, "s3": 13 * MIB}


@pytest.fixture(params=["local", "s3", "seaweedfs"])
def storage(request: pytest.FixtureRequest) -> Storage:
    fixture = {"local": "local_storage", "s3": "s3_storage", "seaweedfs": "seaweedfs_storage"}[
        request.param
    ]
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


def _digest(stream: Any) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with stream:
        while chunk := stream.read(MIB):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class TestStorageContract:
    """What every ``Storage`` backend promises."""

    def test_put_and_open_round_trip(self, storage: Storage) -> None:
        data = b"Direccion de Comunicacion Social\x00\xff" * 10
        assert storage.put("originals/ab/cd/abcd", io.BytesIO(data)) == len(data)
        assert storage.exists("originals/ab/cd/abcd")
        assert storage.size("originals/ab/cd/abcd") == len(data)
        with storage.open("originals/ab/cd/abcd") as fh:
            assert fh.read() == data
        assert storage.read_bytes("originals/ab/cd/abcd") == data

    def test_empty_object(self, storage: Storage) -> None:
        assert storage.put("empty", io.BytesIO(b"")) == 0
        assert storage.exists("empty")
        assert storage.size("empty") == 0
        assert storage.read_bytes("empty") == b""

    def test_open_gives_a_proper_binary_file(self, storage: Storage) -> None:
        data = bytes(range(256)) * 40
        storage.put("k", io.BytesIO(data))
        fh = storage.open("k")
        with fh:
            assert fh.readable()
            assert fh.read(10) == data[:10]
            assert fh.read(1000) == data[10:1010]
            out = io.BytesIO()
            shutil.copyfileobj(fh, out, 333)
            assert out.getvalue() == data[1010:]
            assert fh.read(5) == b""
        assert fh.closed

    def test_big_put_streams_in_bounded_memory(self, storage: Storage, pattern_stream: Any) -> None:
        source = io.BufferedReader(pattern_stream(BIG), MIB)
        tracemalloc.start()
        try:
            written = storage.put("big", source, content_type="video/mp4")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert written == BIG
        assert peak < PUT_MEMORY_BUDGET[storage.name], f"peak {peak / MIB:.1f} MiB"
        assert storage.size("big") == BIG
        assert _digest(storage.open("big")) == (BIG, pattern_stream.sha256(BIG))

    def test_short_reads_still_store_every_byte(
        self, storage: Storage, pattern_stream: Any
    ) -> None:
        # A socket-like source returns a little at a time; S3 parts must still be whole.
        size = 6 * MIB + 123
        assert storage.put("short", pattern_stream(size, max_read=4096)) == size
        assert _digest(storage.open("short")) == (size, pattern_stream.sha256(size))

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            (0, 0),  # first byte
            (9_999, 9_999),  # last byte
            (1_000, 1_999),  # middle
            (0, 9_999),  # whole
            (9_990, 20_000),  # past the end: cut to the last byte
            (5, 10**12),  # open-ended, as "bytes=5-"
        ],
    )
    def test_open_range(self, storage: Storage, pattern_stream: Any, start: int, end: int) -> None:
        storage.put("r", pattern_stream(10_000))
        with storage.open_range("r", start, end) as fh:
            got = fh.read()
        assert got == pattern_stream.expected(start, min(end, 9_999))

    def test_open_range_streams_in_pieces(self, storage: Storage, pattern_stream: Any) -> None:
        storage.put("r", pattern_stream(10_000))
        with storage.open_range("r", 100, 8_099) as fh:
            pieces = iter(lambda: fh.read(1000), b"")
            assert [len(piece) for piece in pieces] == [1000] * 8
        assert fh.closed

    def test_open_range_outside_the_object(self, storage: Storage) -> None:
        storage.put("r", io.BytesIO(b"0123456789"))
        storage.put("empty", io.BytesIO(b""))
        with pytest.raises(RangeNotSatisfiable):
            storage.open_range("r", 10, 20)
        with pytest.raises(RangeNotSatisfiable):
            storage.open_range("empty", 0, 0)

    @pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 4)])
    def test_open_range_refuses_nonsense(self, storage: Storage, start: int, end: int) -> None:
        storage.put("r", io.BytesIO(b"0123456789"))
        with pytest.raises(InvalidInput):
            storage.open_range("r", start, end)

    def test_delete_is_idempotent(self, storage: Storage) -> None:
        storage.put("gone/soon", io.BytesIO(b"x"))
        storage.delete("gone/soon")
        assert not storage.exists("gone/soon")
        storage.delete("gone/soon")
        storage.delete("never/there")
        assert list(storage.iter_keys()) == []

    def test_missing_objects(self, storage: Storage) -> None:
        assert not storage.exists("missing")
        with pytest.raises(ObjectNotFound):
            storage.size("missing")
        with pytest.raises(ObjectNotFound):
            storage.open("missing")
        with pytest.raises(ObjectNotFound):
            storage.open_range("missing", 0, 10)
        with pytest.raises(ObjectNotFound):
            storage.read_bytes("missing")
        with pytest.raises(ObjectNotFound), storage.get_local_path("missing"):
            pass  # pragma: no cover

    def test_a_folder_is_not_an_object(self, storage: Storage) -> None:
        storage.put("originals/ab/abc", io.BytesIO(b"x"))
        assert not storage.exists("originals/ab")
        with pytest.raises(ObjectNotFound):
            storage.open("originals/ab")
        with pytest.raises(ObjectNotFound):
            storage.size("originals")

    def test_overwrite_replaces_the_whole_object(self, storage: Storage) -> None:
        storage.put("k", io.BytesIO(b"old and longer contents"))
        reader = storage.open("k")
        storage.put("k", io.BytesIO(b"new"))
        assert storage.read_bytes("k") == b"new"
        assert storage.size("k") == 3
        with reader:  # opened before the overwrite: still the whole old object
            assert reader.read() == b"old and longer contents"

    def test_iter_keys(self, storage: Storage) -> None:
        keys = ["a/1", "a/2", "a/b/3", "ab/4", "b/5", "a-c"]
        for key in keys:
            storage.put(key, io.BytesIO(key.encode()))
        assert sorted(storage.iter_keys()) == sorted(keys)
        assert sorted(storage.iter_keys("a/")) == ["a/1", "a/2", "a/b/3"]
        assert sorted(storage.iter_keys("a")) == ["a-c", "a/1", "a/2", "a/b/3", "ab/4"]
        assert sorted(storage.iter_keys("a/b/")) == ["a/b/3"]
        assert list(storage.iter_keys("zz/")) == []
        assert list(storage.iter_keys("../")) == []

    def test_modified_and_iter_objects(self, storage: Storage) -> None:
        before = datetime.now(UTC) - timedelta(seconds=5)
        storage.put("originals/ab/1", io.BytesIO(b"uno"))
        storage.put("renditions/x/thumb.webp", io.BytesIO(b"dos!"))
        after = datetime.now(UTC) + timedelta(seconds=5)
        when = storage.modified("originals/ab/1")
        assert when.tzinfo is not None and before <= when <= after
        listed = {o.key: o for o in storage.iter_objects()}
        assert set(listed) == {"originals/ab/1", "renditions/x/thumb.webp"}
        assert listed["renditions/x/thumb.webp"].size == 4
        assert all(before <= o.modified <= after for o in listed.values())
        assert [o.key for o in storage.iter_objects("originals/")] == ["originals/ab/1"]
        with pytest.raises(ObjectNotFound):
            storage.modified("originals/ab/missing")

    @pytest.mark.parametrize(
        "key",
        [
            "../x",
            "/abs",
            "",
            "a//b",
            "a/../b",
            "a/",
            ".hidden",
            "a/.b",
            "a\\b",
            "año",
            "a b",
            "a\n",
        ],
    )
    def test_invalid_keys_are_refused(self, storage: Storage, key: str) -> None:
        calls = [
            lambda: storage.put(key, io.BytesIO(b"x")),
            lambda: storage.open(key),
            lambda: storage.open_range(key, 0, 0),
            lambda: storage.delete(key),
            lambda: storage.exists(key),
            lambda: storage.size(key),
            lambda: storage.presigned_url(key),
        ]
        for call in calls:
            with pytest.raises(StorageError) as caught:
                call()
            assert not isinstance(caught.value, ObjectNotFound)
        with pytest.raises(StorageError), storage.get_local_path(key):
            pass  # pragma: no cover
        assert list(storage.iter_keys()) == []

    def test_check_writable_leaves_nothing(self, storage: Storage) -> None:
        storage.check_writable()
        storage.check_writable()
        assert list(storage.iter_keys()) == []

    def test_too_long_key_is_refused(self, storage: Storage) -> None:
        with pytest.raises(StorageError):
            storage.put("a" * 513, io.BytesIO(b"x"))

    def test_get_local_path(self, storage: Storage, pattern_stream: Any) -> None:
        storage.put("k", pattern_stream(300_000))
        with storage.get_local_path("k") as path:
            assert isinstance(path, Path)
            assert path.read_bytes() == pattern_stream.expected(0, 299_999)
        if storage.name == "s3":
            assert not path.exists()  # the temporary copy is gone
        else:
            assert path.exists()  # the stored file itself

    def test_presigned_url(self, storage: Storage) -> None:
        data = b"\x89PNG fake logo bytes"
        storage.put("logos/escudo", io.BytesIO(data), content_type="application/octet-stream")
        url = storage.presigned_url(
            "logos/escudo", expires=60, filename="escudo oficial.png", content_type="image/png"
        )
        if storage.name == "local":
            assert url is None  # the application streams local files itself
            return
        assert url is not None
        assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
        assert "X-Amz-Expires=60" in url
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.read() == data
            assert response.headers["Content-Type"] == "image/png"
            disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "escudo%20oficial.png" in disposition
