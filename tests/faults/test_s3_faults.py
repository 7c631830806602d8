"""An S3 store that is unreachable, fails a part, drops a connection or dies mid-upload.

The app stores through ``FaultyProxy`` (tests/faults/s3proxy.py) in front of moto,
with 5 MiB parts, so a 12 MB upload goes up in three parts the proxy can fail.
Whatever happens: the client gets a 503 ``storage_error`` with a Spanish (or
English) message within 10 s, no row is left and no row points at missing
bytes, no object or unfinished multipart upload is left behind, and the same
upload works once the store is back.
"""

from __future__ import annotations

import hashlib
import io
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assets.storage import S3Storage
from brandhub.db import database
from brandhub.maintenance import collect_garbage
from brandhub.models import Asset
from tests.assets import media_factory as mf
from tests.factories import Api, add_token, add_user, session
from tests.faults.s3proxy import FaultyProxy
from tests.plugins.s3 import client_for, start_moto, stop_moto
from tests.security.support import answered, error_of

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def recording() -> bytes:
    """A 13.4 MB WAV: three parts of at most 5 MiB."""
    data = mf.make_wav(140, rate=48000)
    assert 10 * MIB < len(data) <= 15 * MIB
    return data


class Rig:
    """An app on an S3 bucket behind a faulty proxy, and ways to look behind it."""

    def __init__(self, app_factory, proxy: FaultyProxy, bucket: str, upstream: str) -> None:
        self.proxy, self.bucket, self.upstream = proxy, bucket, upstream
        self.app = app_factory(
            STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=proxy.url, S3_REGION="us-east-1"
        )
        self.store = S3Storage(
            bucket,
            endpoint_url=proxy.url,
            region="us-east-1",
            multipart_threshold=5 * MIB,
            multipart_chunksize=5 * MIB,
            max_concurrency=1,
            max_attempts=3,
            connect_timeout=2,
            read_timeout=10,
        )
        self.app.extensions["brandhub.storage"] = self.store
        user = add_user(self.app, "editor", "salud")
        self.api = Api(self.app.test_client(), add_token(self.app, user))

    def upload(self, data: bytes, lang: str = "es") -> Any:
        name = "cuña.wav" if data.startswith(b"RIFF") else "foto.jpg"
        # Encoded in memory (the test client would spool a large body to a file it
        # never closes).
        boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
        response, _took = answered(
            lambda: self.api.client.post(
                "/api/v1/assets",
                data=body,
                content_type=f"multipart/form-data; boundary={boundary}",
                headers=self.api._headers({"Accept-Language": lang}),
            )
        )
        return response

    def objects(self) -> list[str]:
        client = client_for(self.upstream)
        listed = client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return sorted(o["Key"] for o in listed)

    def unfinished(self) -> list[str]:
        client = client_for(self.upstream)
        return [
            u["Key"] for u in client.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])
        ]

    def rows_point_at_bytes(self) -> None:
        """No row refers to bytes the store does not have."""
        with session(self.app) as db:
            for asset in db.query(Asset):
                for key in [asset.storage_key, *(r.storage_key for r in asset.renditions)]:
                    assert key in self.objects(), key

    def asset_count(self) -> int:
        with session(self.app) as db:
            return db.query(Asset).count()


@pytest.fixture
def rig(app_factory, s3_server, s3_bucket) -> Iterator[Rig]:
    with FaultyProxy(s3_server) as proxy:
        yield Rig(app_factory, proxy, s3_bucket, s3_server)


def _refused_cleanly(rig: Rig, response: Any, message: str) -> None:
    assert response.status_code == 503, response.data[:300]
    error = error_of(response)
    assert error["code"] == "storage_error"
    assert error["message"] == message
    assert rig.asset_count() == 0
    assert rig.objects() == []
    assert rig.unfinished() == []


def _works_again(rig: Rig, data: bytes) -> None:
    rig.proxy.heal()
    response = rig.upload(data)
    assert response.status_code == 201, response.data[:300]
    asset = response.get_json()
    served = rig.api.get(f"/assets/{asset['id']}/file")
    assert hashlib.sha256(served.data).hexdigest() == hashlib.sha256(data).hexdigest()
    rig.rows_point_at_bytes()


BUSY_ES = "El almacenamiento está ocupado; vuelva a intentarlo en un momento."
BUSY_EN = "The file store is busy; try again in a moment."


def test_a_part_that_always_fails(rig: Rig, recording: bytes) -> None:
    rig.proxy.fail_part(2, "503")
    _refused_cleanly(rig, rig.upload(recording), BUSY_ES)
    assert rig.proxy.parts().count(2) == 3  # the first try and two retries
    english = rig.upload(recording, lang="en")
    assert english.status_code == 503 and error_of(english)["message"] == BUSY_EN
    _works_again(rig, recording)


def test_a_part_that_fails_once_is_retried(rig: Rig, recording: bytes) -> None:
    rig.proxy.fail_part(3, "500", times=1)
    response = rig.upload(recording)
    assert response.status_code == 201, response.data[:300]
    assert rig.proxy.parts().count(3) == 2
    rig.rows_point_at_bytes()


def test_a_dropped_connection_mid_upload(rig: Rig, recording: bytes) -> None:
    rig.proxy.fail_part(2, "drop")
    response = rig.upload(recording)
    _refused_cleanly(
        rig,
        response,
        "Se interrumpió la conexión con el almacenamiento; vuelva a intentarlo en un momento.",
    )
    _works_again(rig, recording)


def test_a_store_that_cannot_be_reached(rig: Rig, recording: bytes) -> None:
    rig.proxy.down = True
    small = mf.make_jpeg(64, 48, color=(3, 1, 4))
    for data in (small, recording):
        response = rig.upload(data)
        assert response.status_code == 503, response.data[:300]
        assert error_of(response)["code"] == "storage_error"
        assert rig.asset_count() == 0
    rig.proxy.down = False
    assert rig.objects() == [] and rig.unfinished() == []
    _works_again(rig, small)


def test_the_store_dies_in_the_middle_of_an_upload(app_factory, s3_server, recording) -> None:
    moto, url = start_moto()
    try:
        client_for(url).create_bucket(Bucket="prensa")
        with FaultyProxy(url) as proxy:
            rig = Rig(app_factory, proxy, "prensa", url)
            proxy.on_kill = lambda: stop_moto(moto, kill=True)
            proxy.fail_part(2, "kill", times=1)
            response = rig.upload(recording)
            assert response.status_code == 503, response.data[:300]
            assert error_of(response)["code"] == "storage_error"
            assert rig.asset_count() == 0  # no row, so none points at missing bytes
            # The store comes back (empty: moto keeps nothing), is set up again, and the
            # same upload goes through.
            moto, url = start_moto()
            proxy.upstream = rig.upstream = url
            rig.store.ensure_bucket()
            _works_again(rig, recording)
    finally:
        stop_moto(moto, kill=True)


def test_gc_aborts_multipart_uploads_a_dead_process_left(rig: Rig) -> None:
    client = client_for(rig.upstream)
    started = client.create_multipart_upload(Bucket=rig.bucket, Key="originals/ab/cd/x")
    client.upload_part(
        Bucket=rig.bucket,
        Key="originals/ab/cd/x",
        UploadId=started["UploadId"],
        PartNumber=1,
        Body=b"x" * (5 * MIB),
    )
    assert rig.unfinished() == ["originals/ab/cd/x"]
    engine = database(rig.app).engine
    # moto dates every multipart upload 2010-11-10, so any grace period has passed.
    dry = collect_garbage(engine, rig.store, dry_run=True)
    assert [p.key for p in dry.partial] == ["originals/ab/cd/x"]
    assert rig.unfinished() == ["originals/ab/cd/x"]
    found = collect_garbage(engine, rig.store)
    assert [p.key for p in found.partial] == ["originals/ab/cd/x"]
    assert rig.unfinished() == []
    before = datetime(2010, 1, 1, tzinfo=UTC)  # and one started after the cut-off stays
    client.create_multipart_upload(Bucket=rig.bucket, Key="originals/ab/cd/y")
    assert rig.store.remove_partial(before) == [] and rig.unfinished() == ["originals/ab/cd/y"]


def test_an_unreachable_store_answers_quickly(app_factory, s3_server) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = app_factory(
        STORAGE="s3",
        S3_BUCKET="nadie",
        S3_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        S3_REGION="us-east-1",
    )
    user = add_user(app, "editor", "salud")
    api = Api(app.test_client(), add_token(app, user))
    response, took = answered(lambda: api.upload(mf.make_jpeg(32, 32), "a.jpg"))
    assert response.status_code == 503
    assert error_of(response)["message"] == (
        "No se puede conectar con el almacenamiento; revise su dirección y la red."
    )
    assert took < 10
