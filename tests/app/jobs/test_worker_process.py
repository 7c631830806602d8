"""A real ``brandhub worker`` process, on the SQLite queue and on Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest

from brandhub.jobs.commands import _WORKER
from tests.app.jobs.support import jobs
from tests.assets.media_factory import make_jpeg, make_mp4
from tests.factories import Api, add_token, add_user


def _worker_env(app: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDHUB_")}
    env.update(
        BRANDHUB_INSTANCE_PATH=app.instance_path,
        BRANDHUB_DATABASE_URL=app.config["DATABASE_URL"],
        BRANDHUB_SECRET_KEY="test-secret",
        BRANDHUB_JOBS_BACKEND=app.config["JOBS_BACKEND"],
        BRANDHUB_JOBS_QUEUE_NAME=app.config["JOBS_QUEUE_NAME"],
        BRANDHUB_MEDIA_BACKGROUND_MB="0",
    )
    if app.config.get("REDIS_URL"):
        env["BRANDHUB_REDIS_URL"] = app.config["REDIS_URL"]
    return env


def _wait_for(check: Any, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.2)


@pytest.mark.search_backend("whoosh")  # the Whoosh outbox and its drain
@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_worker_process_finishes_videos_and_is_the_index_writer(app_factory, backend, request):
    extra: dict[str, Any] = {}
    if backend == "redis":
        extra["REDIS_URL"] = request.getfixturevalue("redis_url")
    app = app_factory(
        JOBS_BACKEND=backend,
        JOBS_QUEUE_NAME=f"brandhub-test-{uuid.uuid4().hex[:8]}",
        MEDIA_BACKGROUND_MB=0,
        **extra,
    )
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    video = api.upload(make_mp4(2.0, 320, 180), "acto.mp4", title="Acto de apertura").get_json()
    for n in range(3):
        r = api.upload(make_jpeg(80 + n, 60), f"f{n}.jpg", title=f"Acto foto {n}")
        assert r.status_code == 201
    # Nothing has run yet: no poster, and the index has not been written.
    assert video["processing"]["state"] == "queued" and video["links"]["renditions"] == {}
    assert api.get("/search?q=acto").get_json()["total"] == 0

    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, "worker", "--workers", "2"],
        env=_worker_env(app),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(lambda: all(j.state == "done" for j in jobs(app)) and len(jobs(app)) == 4)
        _wait_for(lambda: api.get("/search?q=acto").get_json()["total"] == 4)
        after = api.get(f"/assets/{video['id']}").get_json()
        assert set(after["links"]["renditions"]) == {"thumb", "preview"}
        assert (after["width"], after["height"], after["processing"]) == (320, 180, None)
        # A change made now reaches the index through the worker too.
        api.patch(f"/assets/{video['id']}", json={"title": "Clausura"})
        _wait_for(lambda: api.get("/search?q=clausura").get_json()["total"] == 1)
    finally:
        worker.send_signal(signal.SIGINT)  # graceful: finish the task at hand, then stop
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "Traceback" not in output, output
