"""Search through the app: the outbox keeps the index in step; visibility; API; CLI."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from brandhub import indexing
from brandhub.db import database
from brandhub.models import Asset, IndexChange
from brandhub.search import service
from tests.assets.media_factory import make_jpeg
from tests.conftest import Api, add_token, add_user


def _titles(body):
    return [r["title"] for r in body["results"]]


def _upload(api, n, **fields):
    r = api.upload(make_jpeg(30 + n, 20 + n), f"f{n}.jpg", **fields)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_create_update_delete_keep_the_index_in_step(api_for):
    api = api_for("editor")
    a = _upload(api, 1, title="Inauguración de la escuela", tags="acto, educación")
    _upload(api, 2, title="Campaña de vacunación", description="foto de la campaña de vacunación")
    assert _titles(api.get("/search?q=inauguracion escuelas").get_json()) == [
        "Inauguración de la escuela"
    ]
    assert _titles(api.get("/search?q=fotos vacunación").get_json()) == ["Campaña de vacunación"]
    api.patch(f"/assets/{a['id']}", json={"title": "Acto en la plaza"})
    assert api.get("/search?q=inauguracion").get_json()["total"] == 0
    assert _titles(api.get("/search?q=plaza").get_json()) == ["Acto en la plaza"]
    api.delete(f"/assets/{a['id']}")
    assert api.get("/search?q=plaza").get_json()["total"] == 0


def test_api_shape_facets_and_errors(api_for):
    api = api_for("editor")
    for n in range(3):
        _upload(api, n, title=f"Logo {n}", tags="logo" if n else "foto")
    body = api.get("/search?q=logo&per_page=2").get_json()
    assert set(body) == {"total", "page", "per_page", "results", "facets", "suggestion"}
    assert body["total"] == 3 and len(body["results"]) == 2
    assert body["facets"]["kind"] == {"image": 3}
    assert body["facets"]["tag"] == {"logo": 2, "foto": 1}
    filtered = api.get("/search?q=logo&tag=logo").get_json()
    assert filtered["total"] == 2
    assert "<mark>" in filtered["results"][0]["highlights"]["title"]
    for bad in ("sort=nope", "page=0", "per_page=1000", "page=abc"):
        r = api.get(f"/search?{bad}")
        assert r.status_code == 400, bad
        assert r.get_json()["error"]["code"] == "bad_request"
    for odd in ('"', "*", ":", "((", "AND OR", "a" * 2000, "%00"):
        assert api.get("/search", query_string={"q": odd}).status_code == 200, odd


def test_suggestion_for_a_misspelled_word(api_for):
    api = api_for("editor")
    _upload(api, 1, title="Campaña de vacunación")
    assert api.get("/search?q=vacunasion").get_json()["suggestion"] == "vacunación"


def test_visibility_in_results_and_facets(api_for):
    salud = api_for("editor", agency="salud")
    obras = api_for("editor", agency="obras")
    admin = api_for("admin", agency=None)
    _upload(salud, 1, title="Borrador de salud")
    _upload(obras, 2, title="Borrador de obras")
    assert _titles(salud.get("/search?q=borrador").get_json()) == ["Borrador de salud"]
    assert salud.get("/search?q=borrador").get_json()["facets"]["agency"] == {"salud": 1}
    assert admin.get("/search?q=borrador").get_json()["total"] == 2


def test_outbox_is_written_in_the_same_transaction(app):
    db = database(app).sessionmaker()
    user = add_user(app, "editor")
    from brandhub.models import Asset as A

    def row(n):
        return A(
            kind="image",
            title=f"t{n}",
            original_filename="x.jpg",
            mime="image/jpeg",
            ext="jpg",
            size=1,
            sha256=f"{n:064x}",
            storage_key="k",
            uploaded_by_id=user.id,
        )

    db.add(row(1))
    db.flush()
    db.rollback()
    assert db.scalars(select(IndexChange)).all() == []
    db.add(row(2))
    db.commit()
    changes = db.scalars(select(IndexChange)).all()
    assert [(c.asset_id, c.op) for c in changes] == [(db.scalar(select(A.id)), "upsert")]
    db.close()


def test_busy_index_keeps_changes_queued(app, monkeypatch):
    from search_index import IndexBusy

    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    index = service(app).index()
    original = index.apply

    def busy(*a, **kw):
        raise IndexBusy("locked")

    monkeypatch.setattr(index, "apply", busy)
    r = api.upload(make_jpeg(25, 25), "a.jpg", title="Queda en cola")
    assert r.status_code == 201  # the upload itself succeeds
    db = database(app).sessionmaker()
    assert indexing.pending(db) == 1
    monkeypatch.setattr(index, "apply", original)
    assert indexing.drain_all(db, index) == 1
    assert indexing.pending(db) == 0
    db.close()
    assert api.get("/search?q=cola").get_json()["total"] == 1


def test_concurrent_writers_lose_nothing(app_factory):
    app = app_factory(SEARCH_DRAIN_INLINE=True)
    token = add_token(app, add_user(app, "editor"))
    errors: list[str] = []

    def worker(k: int) -> None:
        api = Api(app.test_client(), token)
        for n in range(5):
            r = api.upload(make_jpeg(10 + k, 10 + n), f"w{k}-{n}.jpg", title=f"concurrente {k}")
            if r.status_code != 201:
                errors.append(r.get_data(True))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    db = database(app).sessionmaker()
    indexing.drain_all(db, service(app).index())
    in_db = set(db.scalars(select(Asset.id)))
    db.close()
    assert service(app).index().doc_ids() == in_db and len(in_db) == 20


def test_reindex_and_check_index(app, runner):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    for n in range(5):
        _upload(api, n, title=f"Acto número {n}")
    before = api.get("/search?q=acto").get_json()
    r = runner.invoke(args=["reindex"])
    assert r.exit_code == 0, r.output
    assert "5" in r.output
    after = api.get("/search?q=acto").get_json()
    assert [x["id"] for x in after["results"]] == [x["id"] for x in before["results"]]
    assert after["facets"] == before["facets"]
    ok = runner.invoke(args=["check-index"])
    assert ok.exit_code == 0 and "faltan: 0" in ok.output.lower()
    # The index loses a document behind the app's back: check-index notices and repairs.
    service(app).index().apply(deletes=[after["results"][0]["id"]])
    bad = runner.invoke(args=["check-index"])
    assert bad.exit_code == 1
    fixed = runner.invoke(args=["check-index", "--repair"])
    assert fixed.exit_code == 0
    assert runner.invoke(args=["check-index"]).exit_code == 0


def test_a_damaged_index_does_not_break_the_library(app, client, make_user, login):
    import shutil
    from pathlib import Path

    login(make_user("editor"))
    client.post(
        "/upload",
        data={"file": (__import__("io").BytesIO(make_jpeg(20, 20)), "a.jpg")},
        content_type="multipart/form-data",
    )
    path = Path(app.config["INDEX_PATH"])
    service(app).forget()
    shutil.rmtree(path)
    path.mkdir()
    (path / "CURRENT").write_text("garbage")
    html = client.get("/").get_data(True)
    assert "La búsqueda no está disponible" in html
    assert "card__title" in html  # the plain listing still shows the asset


@pytest.mark.parametrize("q", ["inauguracion", "INAUGURACIÓN", "Inauguración"])
def test_library_page_searches(client, make_user, login, q):
    login(make_user("editor"))
    client.post(
        "/upload",
        data={
            "file": (__import__("io").BytesIO(make_jpeg(20, 20)), "a.jpg"),
            "title": "Inauguración de la escuela",
        },
        content_type="multipart/form-data",
    )
    html = client.get("/", query_string={"q": q}).get_data(True)
    assert "<mark>Inauguración</mark>" in html
    assert "Tipo" in html and "Ordenar por" in html
