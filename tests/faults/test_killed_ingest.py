"""A process killed (SIGKILL) in the middle of an upload leaves nothing half-written.

A child process serves one upload through the app (the real request path, its
own database connection) with a pause at a chosen point: right after the bytes
were stored and before the row was committed, or in the middle of writing the
original to the store. The test kills it there, then, as a restarted instance:
there is no row; the bytes are orphans that ``brandhub gc`` finds and removes
(with the temporary files); the same upload then succeeds, also before any gc
ran (the leftover original is adopted, and gc then removes nothing in use).
No hook lives in the application: the child wraps functions of its own copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from brandhub.services import storage
from tests.assets import media_factory as mf
from tests.factories import Api, add_token, add_user
from tests.security.support import State

ROOT = Path(__file__).resolve().parent.parent.parent

CHILD = textwrap.dedent(
    """
    import io, json, sys, time
    config, token, path, point = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

    import brandhub.operations.assets as operations
    import assets.storage.local as local

    def pause(what):
        print(what, flush=True)
        time.sleep(120)  # killed here

    if point == "after-store":
        real_store = operations.store

        def store(prepared, store):
            written = real_store(prepared, store)
            pause("STORED " + " ".join(written))
            return written

        operations.store = store
    else:  # in the middle of writing the original

        class Slow(local.SourceReader):
            def read(self, size=-1):
                if self.count:
                    pause("WRITING")
                return super().read(size)

        local.SourceReader = Slow

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart
    from brandhub import create_app

    app = create_app(config)
    data = open(path, "rb").read()
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "acto.jpg")})
    response = app.test_client().post(
        "/api/v1/assets", data=body, headers={"Authorization": "Bearer " + token},
        content_type="multipart/form-data; boundary=" + boundary,
    )
    print("ANSWERED", response.status_code, flush=True)
    """
)


@pytest.fixture
def instance(app_factory, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    app = app_factory(UPLOAD_TMP_DIR=str(spool))
    user = add_user(app, "editor", "salud")
    token = add_token(app, user)
    photo = tmp_path / "acto.jpg"
    photo.write_bytes(mf.make_jpeg(800, 600, pattern="noise"))
    return app, token, photo, spool


def _kill_at(app, token: str, photo: Path, point: str) -> str:
    keys = ("INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY", "UPLOAD_TMP_DIR", "JOBS_BACKEND")
    config = {k: app.config[k] for k in keys} | {"TESTING": True}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(config), token, str(photo), point],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # blocks until the child reaches the pause
        assert line.startswith(("STORED", "WRITING")), line + child.stderr.read()[-3000:]
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()  # type: ignore[union-attr]
        child.stderr.close()  # type: ignore[union-attr]
    return line


def _no_asset_rows(app) -> None:
    counts = dict(State.of(app).rows)
    assert counts["assets"] == 0 and counts["renditions"] == 0
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_killed_after_storing_before_the_commit(instance) -> None:
    app, token, photo, spool = instance
    line = _kill_at(app, token, photo, "after-store")
    written = line.split()[1:]
    assert any(k.startswith("originals/") for k in written)
    assert any(k.startswith("renditions/") for k in written)
    _no_asset_rows(app)
    assert set(written) <= State.of(app).keys  # the orphans

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["gc", "--grace", "0", "--dry-run"])
    assert dry.exit_code == 0 and all(key in dry.output for key in written), dry.output
    done = runner.invoke(args=["gc", "--grace", "0"])
    assert done.exit_code == 0, done.output
    assert "liberados" in done.output
    assert not State.of(app).keys & set(written)
    assert list(spool.iterdir()) == []

    api = Api(app.test_client(), token)
    retry = api.upload(photo.read_bytes(), "acto.jpg")
    assert retry.status_code == 201
    served = api.get(f"/assets/{retry.get_json()['id']}/file").data
    assert hashlib.sha256(served).hexdigest() == hashlib.sha256(photo.read_bytes()).hexdigest()


def test_a_retry_before_gc_adopts_the_leftovers(instance) -> None:
    app, token, photo, _spool = instance
    _kill_at(app, token, photo, "after-store")
    api = Api(app.test_client(), token)
    retry = api.upload(photo.read_bytes(), "acto.jpg")
    assert retry.status_code == 201
    asset = retry.get_json()
    before = State.of(app).keys
    done = app.test_cli_runner().invoke(args=["gc", "--grace", "0"])
    assert done.exit_code == 0, done.output
    assert "originals/" not in done.output and "renditions/" not in done.output
    assert "brandhub-ingest-" in done.output  # only the killed upload's spooled file
    assert State.of(app).keys == before
    for url in [asset["links"]["file"], *asset["links"]["renditions"].values()]:
        assert api.client.get(url, headers=api._headers()).status_code == 200


def test_killed_while_writing_the_original(instance) -> None:
    app, token, photo, spool = instance
    _kill_at(app, token, photo, "mid-put")
    _no_asset_rows(app)
    assert State.of(app).keys == frozenset()  # the half-written file is not an object
    with app.app_context():
        root = storage().root  # type: ignore[attr-defined]
    partial = [p for p in root.rglob(".*.tmp")]
    assert partial, "expected the killed write's temporary file"
    assert list(spool.iterdir()), "expected the killed upload's spooled file"

    young = app.test_cli_runner().invoke(args=["gc"])  # within the grace period: kept
    assert young.exit_code == 0 and all(p.exists() for p in partial)
    done = app.test_cli_runner().invoke(args=["gc", "--grace", "0"])
    assert done.exit_code == 0, done.output
    assert not any(p.exists() for p in partial)
    assert list(spool.iterdir()) == []
    retry = Api(app.test_client(), token).upload(photo.read_bytes(), "acto.jpg")
    assert retry.status_code == 201
