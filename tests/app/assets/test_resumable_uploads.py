"""Resumable uploads (tus 1.0 at /api/v1/uploads), driven by tuspy and by hand.

tuspy, a third-party tus client, uploads a photo over HTTP to the app served
on 127.0.0.1: cut at half (the client stopped and a new one started from the
upload's URL), it resumes from the server's offset, sends only what was
missing, and the asset is byte-identical with the right SHA-256. The
protocol's edges and the hostile requests (offsets that skip or overlap, a
chunk past the length, a checksum that does not match, another person's
upload, too many unfinished ones, an expired one) are sent by hand with the
test client.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tusclient import client as tus
from tusclient.exceptions import TusCommunicationError
from werkzeug.serving import WSGIRequestHandler, make_server

from assets.sniff.polyglot import WINDOW
from brandhub.models import ResumableUpload
from tests.assets.media_factory import make_jpeg
from tests.factories import PASSWORD, add_token, add_user, encode, scene, session

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 32 * 1024


class _Quiet(WSGIRequestHandler):
    def log(self, *args: Any) -> None:
        pass


class PatchBytes:
    """WSGI middleware counting the body bytes of every PATCH (what a resume costs)."""

    def __init__(self, app: Any) -> None:
        self.app, self.total = app, 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "PATCH":
            self.total += int(environ.get("CONTENT_LENGTH") or 0)
        return self.app(environ, start_response)


@contextmanager
def served(app: Any) -> Iterator[tuple[str, PatchBytes]]:
    counter = PatchBytes(app.wsgi_app)
    app.wsgi_app = counter
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", counter
    finally:
        server.shutdown()
        thread.join()
        app.wsgi_app = counter.app


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """A photo of several 32 KiB chunks."""
    data = encode(scene(7, (2400, 1600)), quality=95)
    assert len(data) > 3 * CHUNK, len(data)
    return data


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **TUS, **extra}


def _start(client: Any, token: str, length: int, **meta: str) -> str:
    r = client.post(
        "/api/v1/uploads",
        headers=_headers(
            token, **{"Upload-Length": str(length)}, **{"Upload-Metadata": _meta(**meta)}
        ),
    )
    assert r.status_code == 201, r.get_data(True)
    return r.headers["Location"].split("/api/v1", 1)[1]


def _patch(client: Any, token: str, path: str, offset: int, data: bytes, **extra: str) -> Any:
    return client.patch(
        "/api/v1" + path,
        data=data,
        headers=_headers(
            token,
            **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
            **extra,
        ),
    )


def _offset(client: Any, token: str, path: str) -> int:
    r = client.head("/api/v1" + path, headers=_headers(token))
    assert r.status_code == 200
    return int(r.headers["Upload-Offset"])


@pytest.fixture
def editor(app):
    user = add_user(app, "editor")
    return user, add_token(app, user)


def test_tuspy_cut_at_half_resumes_and_the_asset_is_byte_identical(app, editor, big_photo):
    user, token = editor
    with served(app) as (base, sent):
        first = tus.TusClient(
            f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"}
        )
        uploader = first.uploader(
            file_stream=io.BytesIO(big_photo),
            chunk_size=CHUNK,
            metadata={"filename": "acto-oficial.jpg", "credit": "Prensa Salud"},
            upload_checksum=True,  # sha1 of every chunk, checked by the server
        )
        half = len(big_photo) // 2
        uploader.upload(stop_at=half)  # then the client is gone
        url = uploader.url
        assert url is not None
        cut = sent.total
        assert half <= cut < half + CHUNK

        again = tus.TusClient(
            f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"}
        )
        resumed = again.uploader(
            file_stream=io.BytesIO(big_photo),
            url=url,
            chunk_size=CHUNK,
            upload_checksum=True,
        )
        assert resumed.get_offset() == cut  # asked the server where it stopped
        resumed.upload()
        assert sent.total == len(big_photo)  # the resume sent only the missing bytes

    client = app.test_client()
    path = url.split("/api/v1", 1)[1]
    head = client.head("/api/v1" + path, headers=_headers(token))
    asset_url = head.headers["BrandHub-Asset"]
    asset_path = asset_url.split("/api/v1", 1)[1]
    asset = client.get("/api/v1" + asset_path, headers=_headers(token)).get_json()
    assert asset["sha256"] == hashlib.sha256(big_photo).hexdigest()
    assert asset["credit"] == "Prensa Salud"
    stored = client.get(f"/api/v1/assets/{asset['id']}/file", headers=_headers(token))
    assert stored.data == big_photo
    assert not any(Path(app.config["UPLOAD_STAGING_PATH"]).iterdir())  # nothing left waiting


def test_two_clients_upload_at_once(app, editor):
    _user, token = editor
    pictures = [make_jpeg(900 + n, 700, color=(30 * n, 90, 160)) for n in range(2)]
    errors: list[BaseException] = []
    urls: list[str] = []

    def send(data: bytes, name: str) -> None:
        try:
            c = tus.TusClient(
                f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"}
            )
            up = c.uploader(
                file_stream=io.BytesIO(data),
                chunk_size=8 * 1024,
                metadata={"filename": name},
            )
            up.upload()
            urls.append(up.url or "")
        except BaseException as exc:  # reported below
            errors.append(exc)

    with served(app) as (base, _sent):
        threads = [
            threading.Thread(target=send, args=(data, f"foto{n}.jpg"))
            for n, data in enumerate(pictures)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    client = app.test_client()
    hashes = set()
    for url in urls:
        head = client.head("/api/v1" + url.split("/api/v1", 1)[1], headers=_headers(token))
        asset_path = head.headers["BrandHub-Asset"].split("/api/v1", 1)[1]
        hashes.add(client.get("/api/v1" + asset_path, headers=_headers(token)).get_json()["sha256"])
    assert hashes == {hashlib.sha256(p).hexdigest() for p in pictures}


def test_discovery_needs_no_token(client):
    r = client.options("/api/v1/uploads")
    assert r.status_code == 204
    assert r.headers["Tus-Version"] == "1.0.0"
    assert set(r.headers["Tus-Extension"].split(",")) == {
        "creation",
        "creation-with-upload",
        "termination",
        "checksum",
        "expiration",
    }
    assert "sha1" in r.headers["Tus-Checksum-Algorithm"].split(",")
    assert "sha256" in r.headers["Tus-Checksum-Algorithm"].split(",")


def test_without_the_protocol_version_or_a_token(client, app, editor):
    _user, token = editor
    r = client.post(
        "/api/v1/uploads", headers={"Authorization": f"Bearer {token}", "Upload-Length": "5"}
    )
    assert r.status_code == 412 and r.headers["Tus-Resumable"] == "1.0.0"
    r = client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "5"})
    assert r.status_code == 401


def test_creation_with_upload_and_termination(app, editor):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    r = client.post(
        "/api/v1/uploads",
        data=data[:1000],
        headers=_headers(
            token,
            **{
                "Upload-Length": str(len(data)),
                "Upload-Metadata": _meta(filename="a.jpg"),
                "Content-Type": "application/offset+octet-stream",
            },
        ),
    )
    assert r.status_code == 201 and r.headers["Upload-Offset"] == "1000"
    assert "GMT" in r.headers["Upload-Expires"]
    path = r.headers["Location"].split("/api/v1", 1)[1]
    assert client.delete("/api/v1" + path, headers=_headers(token)).status_code == 204
    assert client.head("/api/v1" + path, headers=_headers(token)).status_code == 404
    assert not any(Path(app.config["UPLOAD_STAGING_PATH"]).iterdir())


def test_offsets_that_skip_or_overlap_are_refused(app, editor):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data), filename="a.jpg")
    assert _patch(client, token, path, 0, data[:500]).status_code == 204
    skip = _patch(client, token, path, 600, data[600:700])
    assert skip.status_code == 409 and skip.get_json()["error"]["code"] == "offset_mismatch"
    overlap = _patch(client, token, path, 400, data[400:700])
    assert overlap.status_code == 409
    assert _offset(client, token, path) == 500
    done = _patch(client, token, path, 500, data[500:])
    assert done.status_code == 204 and "BrandHub-Asset" in done.headers


def test_a_chunk_past_the_declared_length_is_refused(app, editor):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data) - 10, filename="a.jpg")  # a length that lies
    r = _patch(client, token, path, 0, data)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "past_declared_length"
    assert _offset(client, token, path) == 0  # none of the chunk was kept


def test_a_length_larger_than_the_file_never_makes_an_asset(app, editor):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data) + 1000, filename="a.jpg")
    r = _patch(client, token, path, 0, data)
    assert r.status_code == 204 and "BrandHub-Asset" not in r.headers
    assert int(r.headers["Upload-Offset"]) == len(data)
    assert client.get("/api/v1/assets", headers=_headers(token)).get_json()["total"] == 0


def test_a_length_past_the_upload_limit(app_factory):
    app = app_factory(MAX_UPLOAD_MB=1)
    token = add_token(app, add_user(app, "editor"))
    r = app.test_client().post(
        "/api/v1/uploads", headers=_headers(token, **{"Upload-Length": str(2 * 1024 * 1024)})
    )
    assert r.status_code == 413


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_a_checksum_mismatch_is_refused_and_nothing_kept(app, editor, algorithm):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data), filename="a.jpg")
    wrong = base64.b64encode(hashlib.new(algorithm, b"other bytes").digest()).decode()
    r = _patch(client, token, path, 0, data[:800], **{"Upload-Checksum": f"{algorithm} {wrong}"})
    assert r.status_code == 460 and r.get_json()["error"]["code"] == "checksum_mismatch"
    assert _offset(client, token, path) == 0
    right = base64.b64encode(hashlib.new(algorithm, data[:800]).digest()).decode()
    r = _patch(client, token, path, 0, data[:800], **{"Upload-Checksum": f"{algorithm} {right}"})
    assert r.status_code == 204 and r.headers["Upload-Offset"] == "800"
    bad = _patch(client, token, path, 800, data[800:], **{"Upload-Checksum": "crc99 AAAA"})
    assert bad.status_code == 400


def test_another_persons_upload_is_not_found(app, editor):
    _user, token = editor
    other = add_token(app, add_user(app, "editor", agency="salud"))
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data), filename="a.jpg")
    assert client.head("/api/v1" + path, headers=_headers(other)).status_code == 404
    assert _patch(client, other, path, 0, data).status_code == 404
    assert client.delete("/api/v1" + path, headers=_headers(other)).status_code == 404
    assert _offset(client, token, path) == 0
    assert client.head("/api/v1/uploads/" + "0" * 32, headers=_headers(token)).status_code == 404
    assert client.head("/api/v1/uploads/..%2Fx", headers=_headers(token)).status_code == 404


def test_unfinished_uploads_are_bounded_per_person(app_factory):
    app = app_factory(MAX_UNFINISHED_UPLOADS=3)
    token = add_token(app, add_user(app, "editor"))
    other = add_token(app, add_user(app, "editor"))
    client = app.test_client()
    paths = [_start(client, token, 100, filename=f"{n}.jpg") for n in range(3)]
    r = client.post("/api/v1/uploads", headers=_headers(token, **{"Upload-Length": "100"}))
    assert r.status_code == 429
    _start(client, other, 100, filename="x.jpg")  # the bound is per person
    client.delete("/api/v1" + paths[0], headers=_headers(token))
    _start(client, token, 100, filename="again.jpg")


def test_a_viewer_may_not_upload(app):
    token = add_token(app, add_user(app, "viewer"))
    r = app.test_client().post("/api/v1/uploads", headers=_headers(token, **{"Upload-Length": "9"}))
    assert r.status_code == 403


def test_a_refused_file_ends_its_upload(app, editor):
    _user, token = editor
    client = app.test_client()
    data = b"#!/bin/sh\necho not a picture\n" * 40
    path = _start(client, token, len(data), filename="foto.jpg")
    r = _patch(client, token, path, 0, data)
    assert r.status_code == 415, r.get_data(True)
    assert client.head("/api/v1" + path, headers=_headers(token)).status_code == 404
    assert not any(Path(app.config["UPLOAD_STAGING_PATH"]).iterdir())


def test_bad_metadata_is_refused_at_the_start(app, editor):
    _user, token = editor
    client = app.test_client()
    r = client.post(
        "/api/v1/uploads",
        headers=_headers(token, **{"Upload-Length": "9", "Upload-Metadata": "filename %%%"}),
    )
    assert r.status_code == 400
    r = client.post(
        "/api/v1/uploads",
        headers=_headers(
            token, **{"Upload-Length": "9", "Upload-Metadata": _meta(category="nonsense")}
        ),
    )
    assert r.status_code == 422
    r = client.post(
        "/api/v1/uploads",
        headers=_headers(token, **{"Upload-Length": "9", "Upload-Metadata": _meta(event="999")}),
    )
    assert r.status_code == 404


def _expire(app: Any, path: str) -> None:
    with session(app) as db:
        row = db.get(ResumableUpload, path.rsplit("/", 1)[1])
        assert row is not None
        row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.commit()


def test_an_expired_upload_is_refused_and_cleaned(app_factory, tmp_path):
    app = app_factory(UPLOAD_TMP_DIR=str(tmp_path / "spool"))  # gc sweeps only this spool
    (tmp_path / "spool").mkdir()
    runner = app.test_cli_runner()
    token = add_token(app, add_user(app, "editor"))
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data), filename="a.jpg")
    assert _patch(client, token, path, 0, data[:300]).status_code == 204
    _expire(app, path)
    r = _patch(client, token, path, 300, data[300:])
    assert r.status_code == 410 and r.get_json()["error"]["code"] == "upload_expired"
    assert client.head("/api/v1" + path, headers=_headers(token)).status_code == 404
    assert not any(Path(app.config["UPLOAD_STAGING_PATH"]).iterdir())

    forgotten = _start(client, token, len(data), filename="b.jpg")
    _patch(client, token, forgotten, 0, data[:300])
    _expire(app, forgotten)
    result = runner.invoke(args=["gc"])
    assert result.exit_code == 0, result.output
    assert "1 subida reanudable vencida eliminada" in result.output
    with session(app) as db:
        assert db.get(ResumableUpload, forgotten.rsplit("/", 1)[1]) is None
    assert not any(Path(app.config["UPLOAD_STAGING_PATH"]).iterdir())


def test_a_browser_session_uploads_with_its_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    user = add_user(app, "editor")
    client = app.test_client()
    page = client.get("/login").get_data(True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    page = client.get("/").get_data(True)  # the signed-in session's token
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "9"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "csrf"
    r = client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "9", "X-CSRFToken": token})
    assert r.status_code == 201
    path = r.headers["Location"].split("/api/v1", 1)[1]
    assert client.head("/api/v1" + path, headers=TUS).status_code == 200
    assert client.delete("/api/v1" + path, headers=TUS).status_code == 403
    assert client.delete("/api/v1" + path, headers={**TUS, "X-CSRFToken": token}).status_code == 204


def test_a_tuspy_upload_refused_at_the_end_raises_in_the_client(app, editor):
    _user, token = editor
    with served(app) as (base, _sent):
        c = tus.TusClient(f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"})
        up = c.uploader(
            file_stream=io.BytesIO(b"plain text, not a picture\n" * 100),
            chunk_size=CHUNK,
            metadata={"filename": "foto.jpg"},
        )
        with pytest.raises(TusCommunicationError):
            up.upload()


@pytest.fixture(scope="module")
def long_recording() -> bytes:
    """A WAV of about 11.5 MiB: two 5 MiB parts and a tail."""
    from tests.assets.media_factory import make_wav

    return make_wav(seconds=125.0)


class ReadBack:
    """Counts what a store is asked to read back while it is watched."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, storage: Any) -> None:
        self.whole: list[str] = []
        self.ranges: list[int] = []
        whole, ranged = storage.open, storage.open_range

        def open_(key: str) -> Any:
            # The background job (run at once in the tests) reads its copy: not the request.
            if not any("brandhub/jobs/" in frame.filename for frame in traceback.extract_stack()):
                self.whole.append(key)
            return whole(key)

        def open_range(key: str, start: int, end: int) -> Any:
            self.ranges.append(end - start + 1)
            return ranged(key, start, end)

        monkeypatch.setattr(storage, "open", open_)
        monkeypatch.setattr(storage, "open_range", open_range)


def _s3_app(request: Any, app_factory: Any, backend: str, **extra: Any) -> tuple[Any, Any, str]:
    prefix = "s3" if backend == "moto" else "seaweedfs"
    config = request.getfixturevalue(f"{prefix}_config")
    s3 = request.getfixturevalue(f"{prefix}_client")
    # Recordings past 1 MiB wait for the background job: nothing of them is read here.
    app = app_factory(**config, MEDIA_BACKGROUND_MB=1, **extra)
    app.extensions["brandhub.staging"].part_size = 5 * 1024 * 1024  # the smallest S3 takes
    return app, s3, config["S3_BUCKET"]


@pytest.mark.parametrize("backend", ["moto", "seaweedfs"])
def test_on_s3_the_parts_go_up_as_they_arrive_hashed_as_they_pass(
    request, app_factory, long_recording, backend, monkeypatch
):
    app, s3, bucket = _s3_app(request, app_factory, backend)
    token = add_token(app, add_user(app, "editor"))
    part = app.extensions["brandhub.staging"].part_size
    data = long_recording
    assert len(data) > 2 * part
    reads = ReadBack(monkeypatch, app.extensions["brandhub.storage"])
    with served(app) as (base, sent):
        c = tus.TusClient(f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"})
        up = c.uploader(
            file_stream=io.BytesIO(data),
            chunk_size=2 * 1024 * 1024,
            metadata={"filename": "entrevista.wav"},
        )
        up.upload(stop_at=part + 3 * 1024 * 1024)  # cut past the first part
        upload_id = (up.url or "").rsplit("/", 1)[1]
        with session(app) as db:
            row = db.get(ResumableUpload, upload_id)
            assert row is not None and row.tail is not None and row.hash_state is not None
            # Only the tail waits, in the database; the rest is in S3. Nothing on this host.
            assert 0 < len(row.tail) < part
            assert row.offset == part + len(row.tail) == up.get_offset()
            assert row.head == data[:4096]
        assert not Path(app.config["UPLOAD_STAGING_PATH"]).exists()
        [open_upload] = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        assert open_upload["Key"] == f"originals/tus/{upload_id}"
        parts = s3.list_parts(
            Bucket=bucket, Key=open_upload["Key"], UploadId=open_upload["UploadId"]
        )["Parts"]
        assert [p["Size"] for p in parts] == [part]

        again = tus.TusClient(
            f"{base}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"}
        )
        again.uploader(
            file_stream=io.BytesIO(data), url=up.url, chunk_size=2 * 1024 * 1024
        ).upload()
        assert sent.total == len(data)
    # The SHA-256 came from the bytes as they passed, and so did the file's last 64 KiB
    # (an archive appended to the recording?), kept from the last part: nothing read back.
    assert len(data) % part >= WINDOW
    assert reads.whole == [] and reads.ranges == []
    digest = hashlib.sha256(data).hexdigest()
    client = app.test_client()
    head = client.head(f"/api/v1/uploads/{upload_id}", headers=_headers(token))
    asset_path = head.headers["BrandHub-Asset"].split("/api/v1", 1)[1]
    asset = client.get("/api/v1" + asset_path, headers=_headers(token)).get_json()
    assert asset["sha256"] == digest
    assert client.get(f"/api/v1/assets/{asset['id']}/file", headers=_headers(token)).data == data
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    # Joined where it stays: no copy under the content key, no staging object.
    assert f"originals/tus/{upload_id}" in keys
    assert not any(key.startswith(f"originals/{digest[:2]}/") for key in keys)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_on_s3_an_upload_begun_on_one_host_ends_on_another(
    request, app_factory, long_recording, seaweedfs_config
):
    """Two app instances, one database and one bucket, each its own instance folder."""
    first, s3, bucket = _s3_app(request, app_factory, "seaweedfs")
    database = first.config["DATABASE_URL"]
    second, _s3, _bucket = _s3_app(request, app_factory, "seaweedfs", DATABASE_URL=database)
    assert first.instance_path != second.instance_path
    token = add_token(first, add_user(first, "editor"))
    data = long_recording
    with served(first) as (one, _sent):
        c = tus.TusClient(f"{one}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"})
        up = c.uploader(
            file_stream=io.BytesIO(data), chunk_size=3 * 1024 * 1024, metadata={"filename": "e.wav"}
        )
        up.upload(stop_at=7 * 1024 * 1024)  # a part in S3 and a tail in the database
        path = "/uploads/" + (up.url or "").rsplit("/", 1)[1]
    with served(second) as (two, sent):
        url = f"{two}/api/v1{path}"
        c = tus.TusClient(f"{two}/api/v1/uploads", headers={"Authorization": f"Bearer {token}"})
        c.uploader(file_stream=io.BytesIO(data), url=url, chunk_size=3 * 1024 * 1024).upload()
        assert sent.total == len(data) - 7 * 1024 * 1024
    client = second.test_client()
    head = client.head("/api/v1" + path, headers=_headers(token))
    asset_path = head.headers["BrandHub-Asset"].split("/api/v1", 1)[1]
    asset = client.get("/api/v1" + asset_path, headers=_headers(token)).get_json()
    assert asset["sha256"] == hashlib.sha256(data).hexdigest()
    assert client.get(f"/api/v1/assets/{asset['id']}/file", headers=_headers(token)).data == data
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_one_request_at_a_time_writes_to_an_upload(app, editor):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data), filename="a.jpg")
    with session(app) as db:  # another host's request holds it
        row = db.get(ResumableUpload, path.rsplit("/", 1)[1])
        assert row is not None
        row.lease, row.lease_until = "x" * 32, datetime.now(UTC) + timedelta(minutes=1)
        db.commit()
    r = _patch(client, token, path, 0, data)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "upload_busy"
    with session(app) as db:  # that request died: its lease runs out
        row = db.get(ResumableUpload, path.rsplit("/", 1)[1])
        assert row is not None
        row.lease_until = datetime.now(UTC) - timedelta(seconds=1)
        db.commit()
    assert _patch(client, token, path, 0, data).status_code == 204
    assert "BrandHub-Asset" in client.head("/api/v1" + path, headers=_headers(token)).headers


def test_on_s3_a_cancelled_upload_aborts_its_parts(app_factory, seaweedfs_config, seaweedfs_client):
    app = app_factory(**seaweedfs_config)
    token = add_token(app, add_user(app, "editor"))
    client = app.test_client()
    path = _start(client, token, 100, filename="a.jpg")
    bucket = seaweedfs_config["S3_BUCKET"]
    assert len(seaweedfs_client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])) == 1
    assert _patch(client, token, path, 0, b"x" * 40).status_code == 204
    assert client.delete("/api/v1" + path, headers=_headers(token)).status_code == 204
    assert seaweedfs_client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    with session(app) as db:
        assert db.get(ResumableUpload, path.rsplit("/", 1)[1]) is None


def test_an_upload_begun_before_its_hash_was_kept_starts_again(app, editor):
    _user, token = editor
    client = app.test_client()
    data = make_jpeg(300, 200)
    path = _start(client, token, len(data), filename="a.jpg")
    assert _patch(client, token, path, 0, data[:300]).status_code == 204
    with session(app) as db:  # as the table held it before the state was saved with it
        row = db.get(ResumableUpload, path.rsplit("/", 1)[1])
        assert row is not None
        row.hash_state = None
        db.commit()
    r = _patch(client, token, path, 300, data[300:])
    assert r.status_code == 410 and r.get_json()["error"]["code"] == "upload_expired"
    assert not any(Path(app.config["UPLOAD_STAGING_PATH"]).iterdir())


@pytest.mark.parametrize("kind", ["photo", "drawing"])
def test_on_s3_a_small_file_is_read_once_and_kept_where_its_parts_joined(
    app_factory, s3_config, s3_client, kind
):
    from tests.assets.media_factory.documents import make_svg

    app = app_factory(**s3_config)
    token = add_token(app, add_user(app, "editor"))
    client = app.test_client()
    name, data = (
        ("a.jpg", make_jpeg(300, 200))
        if kind == "photo"
        else (
            "logo.svg",
            make_svg("<script>alert(1)</script>"),
        )
    )
    path = _start(client, token, len(data), filename=name)
    upload_id = path.rsplit("/", 1)[1]
    r = _patch(client, token, path, 0, data)
    assert r.status_code == 204, r.get_data(True)
    asset = client.get(
        "/api/v1" + r.headers["BrandHub-Asset"].split("/api/v1", 1)[1], headers=_headers(token)
    ).get_json()
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_config["S3_BUCKET"])["Contents"]]
    stored = client.get(f"/api/v1/assets/{asset['id']}/file", headers=_headers(token)).data
    if kind == "photo":
        assert stored == data and f"originals/tus/{upload_id}" in keys
    else:  # the sanitised drawing is stored under its own hash; the upload's object is gone
        assert b"<script" not in stored and f"originals/tus/{upload_id}" not in keys
        digest = hashlib.sha256(stored).hexdigest()
        assert f"originals/{digest[:2]}/{digest[2:4]}/{digest}" in keys


def test_on_s3_a_recording_with_an_archive_appended_is_refused_from_its_end(
    request, app_factory, long_recording, monkeypatch
):
    import zipfile

    app, s3, bucket = _s3_app(request, app_factory, "moto")
    token = add_token(app, add_user(app, "editor"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.txt", "hidden")
    data = long_recording + archive.getvalue()
    reads = ReadBack(monkeypatch, app.extensions["brandhub.storage"])
    client = app.test_client()
    path = _start(client, token, len(data), filename="entrevista.wav")
    r = _patch(client, token, path, 0, data)
    assert r.status_code == 415, r.get_data(True)
    # Found in the last bytes as they passed (the last part holds more than 64 KiB).
    assert reads.whole == [] and reads.ranges == []
    assert s3.list_objects_v2(Bucket=bucket).get("Contents", []) == []
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


@pytest.mark.parametrize(
    ("last_part", "requests"),
    [(1000, 1), (0, 1), (1000, 2)],
    ids=["short-last-part", "ending-at-a-part-end", "short-last-part-alone"],
)
def test_on_s3_the_end_of_a_file_spanning_two_parts_is_kept_as_it_passed(
    request, app_factory, long_recording, monkeypatch, last_part, requests
):
    """A file whose last part holds less than 64 KiB, or nothing (it ends where a
    part ends): its end is kept from the last two parts' buffers as they passed, and
    the archive check finds the archive there. Only when the short last part comes
    alone, after a request that sent the whole part before it, is the end read back
    by one range."""
    import zipfile

    app, s3, bucket = _s3_app(request, app_factory, "moto")
    part = app.extensions["brandhub.staging"].part_size
    token = add_token(app, add_user(app, "editor"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.txt", "hidden")
    zipped = archive.getvalue()
    data = long_recording[: 2 * part + last_part - len(zipped)] + zipped
    assert len(data) % part == last_part < WINDOW
    reads = ReadBack(monkeypatch, app.extensions["brandhub.storage"])
    client = app.test_client()
    path = _start(client, token, len(data), filename="entrevista.wav")
    if requests == 2:
        first = _patch(client, token, path, 0, data[: 2 * part])
        assert first.status_code == 204, first.get_data(True)
        r = _patch(client, token, path, 2 * part, data[2 * part :])
    else:
        r = _patch(client, token, path, 0, data)
    assert r.status_code == 415, r.get_data(True)
    assert reads.whole == []
    if requests == 2:
        assert 0 < sum(reads.ranges) <= WINDOW + 4
    else:
        assert reads.ranges == []
    assert s3.list_objects_v2(Bucket=bucket).get("Contents", []) == []
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_on_s3_a_long_recording_is_checked_by_its_type_now_and_read_by_the_job(
    request, app_factory, long_recording, monkeypatch
):
    """The brand's audio rules: type and size at the last chunk, without copying the
    recording here; loudness, sample rate and duration once the job has read it."""
    from sqlalchemy import select

    from brandhub.models import Asset, ComplianceReport

    app, _s3, _bucket = _s3_app(request, app_factory, "moto")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["brands", "load"]).exit_code == 0
    assert runner.invoke(args=["brands", "assign", "radio", "gobierno-provincial"]).exit_code == 0
    token = add_token(app, add_user(app, "editor", agency="radio"))
    reads = ReadBack(monkeypatch, app.extensions["brandhub.storage"])
    client = app.test_client()
    path = _start(client, token, len(long_recording), filename="spot.wav")
    r = _patch(client, token, path, 0, long_recording)
    assert r.status_code == 204, r.get_data(True)
    assert reads.whole == []  # not a byte of it read back in the request
    with session(app) as db:
        [asset] = db.scalars(select(Asset)).all()
        rows = db.scalars(
            select(ComplianceReport)
            .where(ComplianceReport.asset_id == asset.id)
            .order_by(ComplianceReport.id)
        ).all()
        first, last = rows
        at_upload = {res["rule"]: res for res in first.report["checks"]}
        assert at_upload["audio-formato"]["status"] == "pass"
        for rule in ("audio-muestreo", "audio-volumen", "audio-duracion"):
            assert at_upload[rule]["status"] == "skip"
            assert at_upload[rule]["code"] == "media_pending"
            assert "segundo plano" in at_upload[rule]["message"]
        # The job (run at once here) read the recording and checked it again.
        after = {res["rule"]: res for res in last.report["checks"]}
        assert not any(res["code"] == "media_pending" for res in after.values())
        assert after["audio-muestreo"]["status"] == "pass"
        assert after["audio-duracion"]["status"] == "warn"  # 125 s, spots last at most 120
        assert after["audio-volumen"]["status"] in ("pass", "fail")
        assert "LUFS" in after["audio-volumen"]["values"]["measured"]
        assert asset.compliance == last.status
