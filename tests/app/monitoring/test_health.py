"""``/healthz`` and ``/readyz``: a load balancer's probes, red within one probe, green again.

The store is a moto S3 server in a child process that the test stops (killed,
then a hung one with SIGSTOP) and starts again on the same address.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from brandhub import create_app, health
from brandhub.db import database
from brandhub.models import IndexChange, utcnow
from brandhub.search import service
from tests.factories import app_config, session
from tests.plugins.s3 import AWS_ENV, AWS_UNSET

from .support import StoppableS3, prepare_parts


@pytest.fixture
def stoppable_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[StoppableS3]:
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)
    for name in AWS_UNSET:
        monkeypatch.delenv(name, raising=False)
    server = StoppableS3(f"probe-{uuid.uuid4().hex[:12]}")
    server.start()
    yield server
    server.stop()


#: Probes come this often here (a load balancer's come every few seconds); answers are
#: reused for ``READY_CACHE_SECONDS``, which the tests set shorter than this.
INTERVAL = 0.25


def _probe(app: Flask) -> tuple[int, dict[str, object], float]:
    time.sleep(INTERVAL)
    started = time.monotonic()
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json(), time.monotonic() - started


def test_healthz_answers_without_touching_anything(app: Flask) -> None:
    response = app.test_client().get("/healthz", headers={"X-Request-ID": "lb-probe-1"})
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["X-Request-ID"] == "lb-probe-1"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_green_on_a_ready_instance_and_sets_no_cookie(app: Flask) -> None:
    prepare_parts(app)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "store", "index", "queue", "outbox"}
    assert all(check == {"ok": True} for check in body["checks"].values())
    assert "Set-Cookie" not in response.headers


def test_a_stopped_store_turns_readyz_red_at_the_next_probe_and_green_when_back(
    app_factory: Callable[..., Flask],
    stoppable_s3: StoppableS3,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three seconds per check: a write to the store on a machine running the suite on
    # every core can take more than one.
    app = app_factory(**stoppable_s3.config(), READY_CHECK_TIMEOUT=3, READY_CACHE_SECONDS=0.2)
    prepare_parts(app)
    writes: list[float] = []
    real_write = health.write_probe

    def counting_write(store: object) -> None:
        writes.append(time.monotonic())
        real_write(store)  # type: ignore[arg-type]

    monkeypatch.setattr(health, "write_probe", counting_write)

    status, body, _ = _probe(app)
    assert status == 200, body
    status, body, _ = _probe(app)
    assert status == 200, body
    assert len(writes) == 1  # the second probe trusted the first one's write

    stoppable_s3.stop()
    status, body, took = _probe(app)
    assert status == 503
    assert body["failed"] == ["store"]
    assert body["checks"]["store"] == {"ok": False, "reason": "unreachable"}
    assert took < 2.0
    text = str(body)
    assert stoppable_s3.url not in text and str(stoppable_s3.port) not in text

    stoppable_s3.start()
    status, body, _ = _probe(app)
    assert status == 200, body
    assert len(writes) == 2  # a failure is never trusted: the store was written again

    # A store that hangs (the process stopped, its socket still open) answers "timeout"
    # within the check's deadline, and the probe after it is green again.
    assert stoppable_s3.proc is not None
    os.kill(stoppable_s3.proc.pid, signal.SIGSTOP)
    try:
        status, body, took = _probe(app)
        assert status == 503
        assert body["checks"]["store"]["reason"] in ("timeout", "unreachable")
        assert took < 4.5  # the check's deadline, and not the client's own retries
    finally:
        os.kill(stoppable_s3.proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + 10
    while (status := _probe(app)[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 200


@pytest.mark.search_backend("whoosh")  # deletes the Whoosh index folder
def test_readyz_names_a_missing_index_and_warns_of_a_stopped_indexer(
    app_factory: Callable[..., Flask],
) -> None:
    app = app_factory(READY_CACHE_SECONDS=0.2)
    prepare_parts(app)
    shutil.rmtree(Path(app.config["INDEX_PATH"]))
    status, body, _ = _probe(app)
    assert status == 503
    assert body["checks"]["index"] == {"ok": False, "reason": "missing"}
    assert str(app.config["INDEX_PATH"]) not in str(body)

    service(app).forget()  # as ``brandhub reindex`` does after building a new one
    prepare_parts(app)
    with session(app) as db:
        db.add(IndexChange(asset_id=1, created_at=utcnow() - timedelta(hours=2)))
        db.commit()
    status, body, _ = _probe(app)
    # A stopped indexer is the whole instance's, not this host's: every host would
    # leave the load balancer at once. The probe stays green and names it.
    assert status == 200
    assert body["status"] == "ready"
    assert "failed" not in body
    assert body["warnings"] == ["outbox"]
    assert body["checks"]["outbox"] == {"ok": False, "reason": "lagging"}
    assert health.outbox_lag(app) > 7000

    shutil.rmtree(Path(app.config["INDEX_PATH"]))  # and a host's own failure still counts
    time.sleep(0.25)
    status, body, _ = _probe(app)
    assert status == 503
    assert body["failed"] == ["index"]
    assert body["warnings"] == ["outbox"]


def test_an_unreachable_database_is_named(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()  # a folder where the database file should be
    url = f"sqlite:///{tmp_path}/taken"
    app = create_app(app_config(tmp_path / "instance", DATABASE_URL=url))
    status, body, _ = _probe(app)
    database(app).dispose()
    assert status == 503
    assert body["checks"]["database"]["ok"] is False
    assert str(tmp_path) not in str(body)


def test_a_flood_of_probes_runs_the_checks_once_a_second(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_parts(app)
    rounds: list[float] = []
    real = health.run_bounded

    def counted(app: Flask, names: tuple[str, ...] = health.READY_PARTS) -> list[health.Check]:
        rounds.append(time.monotonic())
        return real(app, names)

    monkeypatch.setattr(health, "run_bounded", counted)
    client = app.test_client()
    answers = [client.get("/readyz").status_code for _ in range(50)]
    assert answers == [200] * 50
    assert len(rounds) <= 2  # the 50 probes took less than two seconds
    shutil.rmtree(Path(app.config["STORAGE_PATH"]))
    time.sleep(1.05)  # the next probe of a load balancer
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["store"] == {"ok": False, "reason": "missing"}
