"""Several processes (as gunicorn workers) change assets at once: the index loses nothing."""

from __future__ import annotations

import multiprocessing
from typing import Any

from brandhub import indexing
from brandhub.db import database
from tests.app.search.support import stale
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, add_user, session, upload


def _worker(
    config: dict[str, Any], token: str, shared: list[int], k: int, rounds: int, out: Any
) -> None:
    from brandhub import create_app

    app = create_app(config)
    api = Api(app.test_client(), token)
    errors = []
    for n in range(rounds):
        target = shared[(k + n) % len(shared)]
        r = api.patch(f"/assets/{target}", json={"title": f"proceso {k} vuelta {n}"})
        if r.status_code != 200:
            errors.append(r.get_data(True))
        r = api.upload(make_jpeg(40 + k, 40 + n), f"p{k}-{n}.jpg", title=f"nuevo {k}-{n}")
        if r.status_code != 201:
            errors.append(r.get_data(True))
    database(app).dispose()
    out.put(errors)


def test_processes_changing_assets_at_once_lose_nothing(app):
    token = add_token(app, add_user(app, "editor"))
    seed = Api(app.test_client(), token)
    shared = [upload(seed, n, title=f"compartido {n}")["id"] for n in range(3)]
    config = {
        "INSTANCE_PATH": app.instance_path,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "INDEX_PATH": app.config["INDEX_PATH"],
        "SEARCH_BACKEND": app.config["SEARCH_BACKEND"],
        "JOBS_BACKEND": "immediate",
    }
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(config, token, shared, k, 6, out)) for k in range(3)]
    for p in procs:
        p.start()
    errors = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    out.close()
    out.join_thread()
    assert errors == [[], [], []]
    # Every request drained after itself: nothing is left queued, nothing is stale.
    with session(app) as db:
        assert indexing.pending(db) == 0
    assert stale(app) == (set(), [])
    assert seed.get("/search?q=nuevo").get_json()["total"] == 18
