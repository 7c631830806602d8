"""What only the S3 backend does: multipart, aborts, prefixes, links, unreachable stores.

The tests of what a server does (prefixes, parts, aborts, bucket setup, links,
checksums) run on moto and on SeaweedFS (``target``); the faults (a closed
port, a server that never answers, a missing key) only on moto, which is there
for fault injection.
"""

from __future__ import annotations

import io
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assets.errors import FileTooLarge, InvalidInput, RangeNotSatisfiable, StorageError
from assets.storage import S3Storage
from assets.storage.s3 import attachment_disposition
from tests.plugins.s3 import small_part_storage
from tests.plugins.seaweedfs import CREDENTIALS

MIB = 1024 * 1024
UNREACHABLE = "The file store cannot be reached; check its address and the network."


@dataclass
class Target:
    """An S3 server under test: its URL, a plain client, a fresh bucket, a store on it."""

    server: str
    client: Any
    bucket: str
    storage: S3Storage
    #: What a store made by hand needs to sign its requests on this server.
    options: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(params=["moto", "seaweedfs"])
def target(request: pytest.FixtureRequest) -> Target:
    prefix = "s3" if request.param == "moto" else "seaweedfs"
    return Target(
        request.getfixturevalue(f"{prefix}_server"),
        request.getfixturevalue(f"{prefix}_client"),
        request.getfixturevalue(f"{prefix}_bucket"),
        request.getfixturevalue(f"{prefix}_storage"),
        {} if request.param == "moto" else dict(CREDENTIALS),
    )


def _object_keys(s3_client: Any, bucket: str) -> list[str]:
    listed = s3_client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def _uploads(s3_client: Any, bucket: str) -> list[Any]:
    return list(s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads", []))


def test_objects_live_under_the_prefix(target: Target) -> None:
    target.storage.put("originals/ab/abc", io.BytesIO(b"x"), content_type="image/png")
    assert _object_keys(target.client, target.storage.bucket) == ["brandhub/originals/ab/abc"]
    head = target.client.head_object(Bucket=target.storage.bucket, Key="brandhub/originals/ab/abc")
    assert head["ContentType"] == "image/png"


def test_iter_keys_ignores_other_objects_in_the_bucket(target: Target) -> None:
    target.storage.put("a/1", io.BytesIO(b"x"))
    for foreign in ["other-app/a/1", "brandhub-old/a/2", "brandhub/folder/", "a/3"]:
        target.client.put_object(Bucket=target.storage.bucket, Key=foreign, Body=b"y")
    assert list(target.storage.iter_keys()) == ["a/1"]
    assert list(target.storage.iter_keys("a/")) == ["a/1"]


def test_a_large_put_goes_up_in_parts(target: Target, pattern_stream: Any) -> None:
    size = 11 * MIB
    assert target.storage.put("big", pattern_stream(size)) == size
    head = target.client.head_object(Bucket=target.storage.bucket, Key="brandhub/big")
    assert head["ETag"].strip('"').endswith("-3")  # three 5 MiB parts
    assert head["ContentLength"] == size


@pytest.mark.parametrize("size", [12 * MIB, 100_000], ids=["multipart", "single"])
def test_a_failure_mid_upload_leaves_nothing(
    target: Target, pattern_stream: Any, size: int
) -> None:
    target.storage.put("k", io.BytesIO(b"the approved logo"))
    broken = pattern_stream(size, fail_at=size * 7 // 12)
    with pytest.raises(StorageError) as caught:
        target.storage.put("k", broken)
    assert caught.value.message == "The upload could not be read to the end; nothing was stored."
    assert caught.value.__cause__ is broken.error
    assert target.storage.read_bytes("k") == b"the approved logo"
    assert _object_keys(target.client, target.storage.bucket) == ["brandhub/k"]
    assert _uploads(target.client, target.storage.bucket) == []


def test_a_size_limit_from_the_caller_passes_through(target: Target, pattern_stream: Any) -> None:
    too_large = FileTooLarge()
    with pytest.raises(FileTooLarge) as caught:
        target.storage.put("k", pattern_stream(12 * MIB, fail_at=7 * MIB, error=too_large))
    assert caught.value is too_large
    assert _object_keys(target.client, target.storage.bucket) == []
    assert _uploads(target.client, target.storage.bucket) == []


def test_parts_kept_open_join_with_their_crc32s(target: Target) -> None:
    """A resumable upload's parts: each sent with its CRC32, named again at the join."""
    import base64
    import zlib

    store = target.storage
    first, second = bytes(range(256)) * (5 * MIB // 256), b"the tail of the file"
    upload = store.start_parts("originals/tus/abc")
    receipts = [
        store.put_part("originals/tus/abc", upload, 1, io.BytesIO(first), len(first)),
        store.put_part("originals/tus/abc", upload, 2, io.BytesIO(second), len(second)),
    ]
    for receipt, data in zip(receipts, (first, second), strict=True):
        etag, _, crc = receipt.partition(" crc32=")
        assert etag.startswith('"') and " " not in etag
        # Both servers answer the part's CRC32: the one of its bytes.
        assert base64.b64decode(crc) == zlib.crc32(data).to_bytes(4, "big")
    store.finish_parts("originals/tus/abc", upload, receipts)
    with store.open("originals/tus/abc") as fh:
        assert fh.read() == first + second
    assert _uploads(target.client, target.bucket) == []


def test_a_missing_bucket_is_not_a_missing_object(s3_server: str) -> None:
    store = S3Storage("brandhub-no-such-bucket", endpoint_url=s3_server, max_attempts=1)
    with pytest.raises(StorageError) as caught:
        store.open("k")
    assert type(caught.value) is StorageError
    assert "bucket does not exist" in caught.value.message


@pytest.mark.parametrize("backend", ["moto", "seaweedfs"])
def test_ensure_bucket_creates_it_once(request: pytest.FixtureRequest, backend: str) -> None:
    prefix = "s3" if backend == "moto" else "seaweedfs"
    server = request.getfixturevalue(f"{prefix}_server")
    client = request.getfixturevalue(f"{prefix}_client")
    options = {} if backend == "moto" else dict(CREDENTIALS)
    name = "brandhub-ensure-test"
    store = S3Storage(name, "media", endpoint_url=server, region="us-east-1", **options)
    try:
        assert store.ensure_bucket() is True
        assert store.ensure_bucket() is False
        store.put("k", io.BytesIO(b"x"))
        assert store.read_bytes("k") == b"x"
        rules = client.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]
        assert rules[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    finally:
        store.delete("k")
        client.delete_bucket(Bucket=name)


def test_presigned_url_with_a_spanish_filename(target: Target) -> None:
    target.storage.put("k", io.BytesIO(b"pdf bytes"))
    url = target.storage.presigned_url("k", filename="Manual de marca 2025 – versión año.pdf")
    assert url is not None
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"pdf bytes"
        disposition = response.headers["Content-Disposition"]
    assert disposition == attachment_disposition("Manual de marca 2025 – versión año.pdf")
    assert "filename*=UTF-8''Manual%20de%20marca%202025%20%E2%80%93%20versi%C3%B3n" in disposition


def test_presigned_url_takes_a_ready_disposition(target: Target) -> None:
    target.storage.put("k", io.BytesIO(b"png"))
    ready = "inline; filename=\"logo.png\"; filename*=UTF-8''logo.png"
    for url in [
        target.storage.presigned_url("k", content_disposition=ready),
        target.storage.presigned_url("k", filename=ready),
    ]:
        assert url is not None
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.headers["Content-Disposition"] == ready


@pytest.mark.parametrize("expires", [0, -5, 7 * 24 * 3600 + 1])
def test_presigned_url_lifetime_is_bounded(s3_storage: S3Storage, expires: int) -> None:
    with pytest.raises(InvalidInput):
        s3_storage.presigned_url("k", expires=expires)


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("logo.png", "attachment; filename=\"logo.png\"; filename*=UTF-8''logo.png"),
        ("año.png", "attachment; filename=\"ao.png\"; filename*=UTF-8''a%C3%B1o.png"),
        ('a"b\\c.png', "attachment; filename=\"c.png\"; filename*=UTF-8''c.png"),
        ("../../etc/x", "attachment; filename=\"x\"; filename*=UTF-8''x"),
        ("ñ\r\n", "attachment; filename=\"file\"; filename*=UTF-8''%C3%B1"),
    ],
)
def test_attachment_disposition(filename: str, expected: str) -> None:
    assert attachment_disposition(filename) == expected


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])


def _assert_domain_error(exc: BaseException, message: str) -> None:
    assert type(exc) is StorageError
    assert exc.message == message
    assert not type(exc).__module__.startswith(("botocore", "boto3", "urllib3", "s3transfer"))


# Tests naming ``s3_server`` without using it need the dummy credentials it
# puts in the environment, so that the failure tested is not a missing key.


def test_an_unreachable_store(s3_server: str, closed_port: int) -> None:
    endpoint = f"http://127.0.0.1:{closed_port}"
    store = S3Storage("bucket", endpoint_url=endpoint, max_attempts=1)
    calls = [
        lambda: store.open("k"),
        lambda: store.open_range("k", 0, 1),
        lambda: store.size("k"),
        lambda: store.exists("k"),
        lambda: store.delete("k"),
        lambda: list(store.iter_keys()),
        lambda: store.ensure_bucket(),
        lambda: store.put("k", io.BytesIO(b"x")),
    ]
    for call in calls:
        with pytest.raises(StorageError) as caught:
            call()
        _assert_domain_error(caught.value, UNREACHABLE)


def test_an_unreachable_store_fails_fast_even_with_a_retry(
    s3_server: str, closed_port: int
) -> None:
    store = S3Storage("bucket", endpoint_url=f"http://127.0.0.1:{closed_port}", max_attempts=2)
    for call in (lambda: store.put("k", io.BytesIO(b"x")), lambda: store.open("k")):
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            call()
        assert time.monotonic() - started < 3
        _assert_domain_error(caught.value, UNREACHABLE)


def test_a_store_that_does_not_answer(s3_server: str, silent_server: int) -> None:
    store = S3Storage(
        "bucket",
        endpoint_url=f"http://127.0.0.1:{silent_server}",
        read_timeout=0.3,
        max_attempts=1,
    )
    started = time.monotonic()
    with pytest.raises(StorageError) as caught:
        store.size("k")
    assert time.monotonic() - started < 3
    _assert_domain_error(
        caught.value, "The file store did not answer in time; try again in a moment."
    )


class _WholeObjectHandler(BaseHTTPRequestHandler):
    """Answers every GET with the whole object and no Content-Range."""

    def do_GET(self) -> None:
        body = b"0123456789"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def range_ignoring_store() -> Iterator[str]:
    """An S3-like endpoint that ignores Range headers, as some stores do."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WholeObjectHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_range_answered_with_the_whole_object(s3_server: str, range_ignoring_store: str) -> None:
    store = S3Storage("bucket", endpoint_url=range_ignoring_store, max_attempts=1)
    with store.open_range("k", 2, 5) as fh:
        assert fh.read() == b"2345"
    with store.open_range("k", 7, 100) as fh:
        assert fh.read() == b"789"
    with pytest.raises(RangeNotSatisfiable):
        store.open_range("k", 10, 12)


def test_missing_credentials(
    s3_server: str, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    store = S3Storage(s3_bucket, endpoint_url=s3_server, max_attempts=1)
    with pytest.raises(StorageError) as caught:
        store.size("k")
    _assert_domain_error(caught.value, "The file store credentials are missing or incomplete.")
    with pytest.raises(StorageError):
        store.presigned_url("k")


def test_explicit_credentials_are_used_and_not_shown(s3_server: str, s3_bucket: str) -> None:
    store = S3Storage(
        s3_bucket,
        endpoint_url=s3_server,
        access_key="AKIAEXAMPLEBRANDHUB",
        secret_key="very-secret-value",
    )
    url = store.presigned_url("k")
    assert url is not None and "AKIAEXAMPLEBRANDHUB" in url
    assert "very-secret-value" not in repr(store) + url


@pytest.mark.parametrize("checksums", ["crc32", "off"])
def test_both_checksum_modes_store_the_same_bytes(
    target: Target,
    pattern_stream: Any,
    tmp_path: Any,
    checksums: str,
) -> None:
    storage = small_part_storage(
        target.server, target.bucket, checksums=checksums, **target.options
    )
    signed: list[str] = []

    def record(request: Any, **_kwargs: Any) -> None:
        if request.method == "PUT":
            signed.append(request.headers["X-Amz-Content-SHA256"].decode())

    storage._client.meta.events.register("before-send.s3", record)
    size = 11 * MIB
    assert storage.put("stream", pattern_stream(size)) == size
    source = tmp_path / "file.bin"
    source.write_bytes(pattern_stream(size).read())
    assert storage.put_file("file", source) == size
    for key in ("stream", "file"):
        with storage.open(key) as fh:
            assert fh.read() == source.read_bytes()
        head = target.client.head_object(
            Bucket=target.bucket, Key=f"brandhub/{key}", ChecksumMode="ENABLED"
        )
        # crc32: the store got (and checked) a CRC32 of the upload; off: none was sent.
        assert ("ChecksumCRC32" in head) is (checksums == "crc32")
    # Over plain HTTP too, a body that carries its CRC32 is not hashed a second time to
    # be signed; without checksums its SHA-256 is signed.
    assert signed
    if checksums == "crc32":
        assert set(signed) == {"UNSIGNED-PAYLOAD"}
    else:
        assert all(len(value) == 64 and value != "UNSIGNED-PAYLOAD" for value in signed)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"checksums": "md5"},
        {"bucket": ""},
        {"bucket": "a/b"},
        {"prefix": "../x"},
        {"prefix": "a b"},
        {"addressing_style": "sideways"},
        {"multipart_chunksize": MIB},
        {"max_concurrency": 0},
        {"max_attempts": 0},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"bucket": "bucket", **kwargs}
    with pytest.raises(ValueError):
        S3Storage(**arguments)


def test_prefix_slashes_are_normalised() -> None:
    assert S3Storage("bucket", "/tenant/media/").prefix == "tenant/media/"
    assert S3Storage("bucket").prefix == ""
