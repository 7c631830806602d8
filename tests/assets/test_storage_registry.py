"""Choosing a backend from settings, and the boundary translation of S3 errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from assets.errors import BrandHubError, ObjectNotFound, RangeNotSatisfiable, StorageError
from assets.storage import (
    BACKENDS,
    LocalStorage,
    S3Storage,
    Storage,
    StorageSettings,
    create_storage,
    register_backend,
)
from assets.storage.s3_errors import translate


def test_local_is_the_default(tmp_path: Path) -> None:
    store = create_storage(StorageSettings(local_root=tmp_path / "store"))
    assert isinstance(store, LocalStorage)
    assert store.root == tmp_path / "store"


def test_s3_from_settings() -> None:
    store = create_storage(
        StorageSettings(
            backend="s3",
            s3_bucket="agency-media",
            s3_prefix="brandhub",
            s3_endpoint_url="http://minio.internal:9000",
            s3_region="sa-east-1",
            s3_access_key="AKIAEXAMPLE",
            s3_secret_key="secret",
            s3_addressing_style="path",
        )
    )
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix, store.endpoint_url) == (
        "agency-media",
        "brandhub/",
        "http://minio.internal:9000",
    )


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (StorageSettings(backend="ftp"), "Unknown storage backend 'ftp'; choose one of: local, s3"),
        (StorageSettings(backend="local"), "needs a folder"),
        (StorageSettings(backend="s3"), "needs a bucket"),
        (StorageSettings(backend="s3", s3_bucket="b", s3_addressing_style="x"), "addressing"),
    ],
)
def test_bad_settings_say_what_is_wrong(settings: StorageSettings, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        create_storage(settings)


def test_a_new_backend_registers_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class MirrorStorage(LocalStorage):
        name = "mirror"

    monkeypatch.setitem(BACKENDS, "mirror", BACKENDS["local"])  # restored afterwards
    register_backend("mirror", lambda settings: MirrorStorage(tmp_path))
    store: Storage = create_storage(StorageSettings(backend="mirror"))
    assert isinstance(store, MirrorStorage)
    store.put("k", io.BytesIO(b"x"))
    assert store.read_bytes("k") == b"x"


def test_settings_do_not_show_the_secret() -> None:
    settings = StorageSettings(backend="s3", s3_bucket="b", s3_secret_key="very-secret")
    assert "very-secret" not in repr(settings)


def _client_error(code: str, status: int) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": "..."},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "GetObject")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (_client_error("NoSuchKey", 404), ObjectNotFound, "The stored file does not exist."),
        (_client_error("404", 404), ObjectNotFound, "The stored file does not exist."),
        (_client_error("NoSuchBucket", 404), StorageError, "The storage bucket does not exist"),
        (_client_error("AccessDenied", 403), StorageError, "refused access"),
        (_client_error("403", 403), StorageError, "refused access"),
        (_client_error("SignatureDoesNotMatch", 403), StorageError, "refused access"),
        (_client_error("InvalidRange", 416), RangeNotSatisfiable, "byte range"),
        (_client_error("SlowDown", 503), StorageError, "busy"),
        (_client_error("Teapot", 418), StorageError, "The file store failed"),
        (EndpointConnectionError(endpoint_url="http://x"), StorageError, "cannot be reached"),
        (ConnectTimeoutError(endpoint_url="http://x"), StorageError, "cannot be reached"),
    ],
)
def test_boto_errors_become_domain_errors(
    error: Exception, kind: type[BrandHubError], message: str
) -> None:
    translated = translate(error, "originals/ab/abc")
    assert type(translated) is kind
    assert isinstance(translated, BrandHubError)
    assert message in translated.message
    assert translated.details["key"] == "originals/ab/abc"


def test_other_errors_are_not_translated() -> None:
    assert translate(ValueError("mine")) is None
