"""``brandhub reindex`` and ``brandhub check-index``; the index on a fresh instance."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from brandhub import create_app, indexing
from brandhub.db import database
from brandhub.models import Asset, IndexChange, utcnow
from brandhub.search import service
from search_index import SearchIndex, SearchQuery
from tests.app.search.support import stale
from tests.factories import PASSWORD, Api, add_token, add_user, change, session, upload

QUERIES = ["", "acto", "acto plaza", "escuela", "número", "logo"]
SORTS = ["relevance", "newest", "oldest", "title"]


def _snapshot(api):
    out = {}
    for q in QUERIES:
        for sort in SORTS:
            body = api.get("/search", query_string={"q": q, "sort": sort, "per_page": 7}).get_json()
            out[q, sort] = (
                body["total"],
                [r["id"] for r in body["results"]],
                body["facets"],
                body["suggestion"],
            )
    return out


def test_reindex_gives_the_same_results(app, runner):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    admin = Api(app.test_client(), add_token(app, add_user(app, "admin", agency=None)))
    ids = []
    for n in range(12):
        title = ["Acto número {n} en la plaza", "Escuela {n}", "Logo versión {n}"][n % 3]
        ids.append(upload(api, n, title=title.format(n=n), tags=f"tema{n % 4}")["id"])
    change(app, ids[0], title="Acto renombrado en la plaza")
    change(app, ids[1], status="approved", public=True)
    api.delete(f"/assets/{ids[2]}")
    before = _snapshot(admin), _snapshot(api)
    r = runner.invoke(args=["reindex"])
    assert r.exit_code == 0, r.output
    assert "11 recursos indexados" in r.output
    assert (_snapshot(admin), _snapshot(api)) == before
    assert stale(app) == (set(), [])


@pytest.mark.search_backend("whoosh")  # about the Whoosh index
def test_a_reader_keeps_answering_during_a_rebuild(app, db):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    for n in range(5):
        upload(api, n, title=f"Acto {n}")
    path = Path(app.config["INDEX_PATH"])
    reader = SearchIndex(path)
    assert reader.search(SearchQuery("acto")).total == 5
    halfway, go_on = threading.Event(), threading.Event()

    def documents():
        for n, doc in enumerate(indexing.iter_documents(db, batch=2)):
            if n == 2:
                halfway.set()
                assert go_on.wait(10)
            yield doc

    builder = SearchIndex.for_rebuild(path)
    thread = threading.Thread(target=builder.rebuild, args=(documents(), 5))
    thread.start()
    try:
        assert halfway.wait(10)
        assert reader.search(SearchQuery("acto")).total == 5  # the old generation answers
        # A change made during the rebuild reaches both the old index and the new one.
        upload(api, 9, title="Acto durante la reconstrucción")
        assert reader.search(SearchQuery("acto")).total == 6
    finally:
        go_on.set()
        thread.join(10)
        builder.close()
    assert reader.search(SearchQuery("acto")).total == 6  # the new generation now
    reader.close()
    assert stale(app) == (set(), [])


def test_reindex_forgets_only_the_changes_it_covered(app, db, runner):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    asset_id = upload(api, 1, title="Acto")["id"]
    db.add(IndexChange(asset_id=asset_id, op="upsert"))
    db.add(IndexChange(asset_id=asset_id, op="upsert", not_before=utcnow() + timedelta(days=1)))
    db.commit()
    r = runner.invoke(args=["reindex"])
    assert r.exit_code == 0, r.output
    assert [c.not_before is not None for c in db.scalars(select(IndexChange))] == [True]


def test_check_index_reports_and_repairs(app, runner):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    ids = [upload(api, n, title=f"Acto número {n}")["id"] for n in range(5)]
    ok = runner.invoke(args=["check-index", "--all"])
    assert ok.exit_code == 0, ok.output
    assert "faltan: 0" in ok.output and "desactualizados: 0 de 5" in ok.output
    index = service(app).index()
    index.apply(deletes=[ids[0]])  # the index loses a document behind the app's back
    with session(app) as db:  # and a row changes without the ORM seeing it
        db.execute(update(Asset).where(Asset.id == ids[1]).values(title="Cambiado a escondidas"))
        db.commit()
    bad = runner.invoke(args=["check-index", "--all"])
    assert bad.exit_code == 1
    assert "faltan: 1" in bad.output and "desactualizados: 1 de 4" in bad.output
    assert f"Faltan: {ids[0]}" in bad.output and f"Desactualizados: {ids[1]}" in bad.output
    fixed = runner.invoke(args=["check-index", "--all", "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(args=["check-index", "--all"]).exit_code == 0
    assert api.get("/search?q=escondidas").get_json()["total"] == 1


def test_search_works_on_a_fresh_instance(tmp_path):
    instance = tmp_path / "nueva"
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "JOBS_BACKEND": "immediate",
            "DATABASE_URL": f"sqlite:///{instance / 'brandhub.sqlite3'}",
        }
    )
    try:
        r = app.test_cli_runner().invoke(args=["init"])
        assert r.exit_code == 0, r.output
        assert (instance / "index").is_dir()
        api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
        assert api.get("/search?q=acto").get_json()["total"] == 0
        upload(api, 1, title="Primer acto")
        assert api.get("/search?q=acto").get_json()["total"] == 1
        client = app.test_client()
        user = add_user(app, "viewer")
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert client.get("/?q=acto").status_code == 200
        assert app.test_cli_runner().invoke(args=["check-index"]).exit_code == 0
    finally:
        service(app).forget()
        database(app).dispose()
