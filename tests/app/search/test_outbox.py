"""The outbox: written in the change's transaction, drained in order, never losing a change."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from brandhub import indexing
from brandhub.models import Agency, Asset, IndexChange, Rendition, Tag, utcnow
from brandhub.search import service
from search_index import IndexBusy
from tests.app.search.support import drain, stale, titles
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, add_user, change, session, upload

# The outbox and its drains are how the Whoosh index is kept in step; the PostgreSQL
# backend writes in the same transaction instead (test_postgres_backend.py).
pytestmark = pytest.mark.search_backend("whoosh")


def _queued(app):
    with session(app) as db:
        rows = db.scalars(select(IndexChange).order_by(IndexChange.id))
        return [(c.asset_id, c.op) for c in rows]


def _row(user_id, n):
    return Asset(
        kind="image",
        title=f"t{n}",
        original_filename="x.jpg",
        mime="image/jpeg",
        ext="jpg",
        size=1,
        sha256=f"{n:064x}",
        storage_key="k",
        uploaded_by_id=user_id,
    )


def test_outbox_is_written_in_the_same_transaction(app):
    user = add_user(app, "editor")
    with session(app) as db:
        db.add(_row(user.id, 1))
        db.flush()
        db.rollback()
        assert db.scalars(select(IndexChange)).all() == []
        db.add(_row(user.id, 2))
        db.commit()
        asset_id = db.scalar(select(Asset.id))
        assert [(c.asset_id, c.op) for c in db.scalars(select(IndexChange))] == [
            (asset_id, "upsert")
        ]
    # A committed change keeps its row until a drain has put it in the index.
    assert drain(app) == 1
    assert _queued(app) == []
    assert service(app).index().doc_ids() == {asset_id}


def test_create_update_delete_keep_the_index_in_step(api_for):
    api = api_for("editor")
    a = upload(api, 1, title="Inauguración de la escuela", tags="acto, educación")
    upload(api, 2, title="Campaña de vacunación", description="foto de la campaña de vacunación")
    assert titles(api.get("/search?q=inauguracion escuelas").get_json()) == [
        "Inauguración de la escuela"
    ]
    assert titles(api.get("/search?q=fotos vacunación").get_json()) == ["Campaña de vacunación"]
    assert api.patch(f"/assets/{a['id']}", json={"title": "Acto en la plaza"}).status_code == 200
    assert api.get("/search?q=inauguracion").get_json()["total"] == 0
    assert titles(api.get("/search?q=plaza").get_json()) == ["Acto en la plaza"]
    api.patch(f"/assets/{a['id']}", json={"tags": ["inauguración", "plaza"]})
    assert api.get("/search?tag=educación").get_json()["total"] == 0
    assert api.get("/search?tag=plaza").get_json()["total"] == 1
    assert api.delete(f"/assets/{a['id']}").status_code == 204
    assert api.get("/search?q=plaza").get_json()["total"] == 0
    assert api.get("/search").get_json()["total"] == 1


def test_what_no_document_shows_queues_nothing(app):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    asset_id = upload(api, 1, title="Foto")["id"]
    assert _queued(app) == []  # drained after the upload
    with session(app) as db:
        db.add(
            Rendition(
                asset_id=asset_id,
                name="extra",
                storage_key="r",
                mime="image/webp",
                width=1,
                height=1,
                size=1,
            )
        )
        db.get(Asset, asset_id).copyright = "© Gobierno"
        db.commit()
    assert _queued(app) == []
    change(app, asset_id, compliance="fail")
    assert _queued(app) == [(asset_id, "upsert")]


def test_renaming_a_tag_or_an_agency_queues_their_assets(app):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor", agency="salud")))
    tagged = upload(api, 1, title="Con etiqueta", tags="vacunas")["id"]
    other = upload(api, 2, title="Sin etiqueta")["id"]
    with session(app) as db:
        db.scalar(select(Tag).where(Tag.name == "vacunas")).name = "vacunación"
        db.commit()
        assert _queued(app) == [(tagged, "upsert")]
        db.scalar(select(Agency).where(Agency.slug == "salud")).slug = "ministerio-salud"
        db.commit()
    assert sorted(_queued(app)[1:]) == [(tagged, "upsert"), (other, "upsert")]
    body = api.get("/search?tag=vacunación").get_json()
    assert [r["id"] for r in body["results"]] == [tagged]
    admin = Api(app.test_client(), add_token(app, add_user(app, "admin", agency=None)))
    assert admin.get("/search").get_json()["facets"]["agency"] == {"ministerio-salud": 2}


def test_a_busy_index_keeps_changes_queued(app, monkeypatch):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    index = service(app).index()
    original = index.apply

    def busy(*a, **kw):
        raise IndexBusy("locked")

    monkeypatch.setattr(index, "apply", busy)
    upload(api, 1, title="Queda en cola")  # the upload itself succeeds
    with session(app) as db:
        assert indexing.pending(db) == 1
        assert api.get("/search?q=cola").status_code == 200  # a search does not fail either
        monkeypatch.setattr(index, "apply", original)
        assert indexing.drain_all(db, index) == 1
        assert indexing.pending(db) == 0
    assert api.get("/search?q=cola").get_json()["total"] == 1


def test_a_held_drain_lock_leaves_changes_for_the_next_drain(app_factory):
    app = app_factory(SEARCH_LOCK_TIMEOUT=0.2)
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    with indexing.drain_lock(service(app).path, 1) as ours:
        assert ours
        upload(api, 1, title="Esperando turno")
        with session(app) as db:
            assert indexing.pending(db) == 1
    # The next search finds changes due and drains them before answering.
    assert titles(api.get("/search?q=turno").get_json()) == ["Esperando turno"]


def test_drains_can_be_left_to_a_worker(app_factory):
    # A queue whose tasks wait: nothing but an explicit drain writes the index.
    app = app_factory(SEARCH_DRAIN_INLINE=False, JOBS_BACKEND="memory")
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    upload(api, 1, title="Para el trabajador")
    assert api.get("/search?q=trabajador").get_json()["total"] == 0
    assert drain(app) == 1
    assert api.get("/search?q=trabajador").get_json()["total"] == 1


def test_a_drain_never_writes_an_older_copy_after_a_newer_one(app):
    """Drain A reads v1 and stalls; v2 is committed and drain B runs: the index ends on v2."""
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    asset_id = upload(api, 1, title="Versión uno")["id"]
    index = service(app).index()
    original = index.apply
    inside, release = threading.Event(), threading.Event()

    def slow_apply(*args, **kwargs):
        if threading.current_thread().name == "drain-a":
            inside.set()
            assert release.wait(10)
        return original(*args, **kwargs)

    index.apply = slow_apply  # type: ignore[method-assign]
    try:
        change(app, asset_id, title="Versión dos")  # queued, not drained (no request)
        first = threading.Thread(target=drain, args=(app,), name="drain-a")
        first.start()
        assert inside.wait(10)
        change(app, asset_id, title="Versión tres")
        second = threading.Thread(target=drain, args=(app,), name="drain-b")
        second.start()
        second.join(0.3)
        waited = second.is_alive()
    finally:
        release.set()
        first.join(10)
        second.join(10)
        index.apply = original  # type: ignore[method-assign]
    assert stale(app) == (set(), [])
    assert titles(api.get("/search?q=versión").get_json()) == ["Versión tres"]
    assert waited  # drain B waited for its turn


def test_concurrent_threads_lose_nothing(app, db):
    token = add_token(app, add_user(app, "editor"))
    seed = Api(app.test_client(), token)
    shared = [upload(seed, 100 + n, title=f"compartido {n}")["id"] for n in range(3)]
    errors: list[str] = []

    def worker(k: int) -> None:
        api = Api(app.test_client(), token)
        for n in range(6):
            r = api.upload(make_jpeg(10 + k, 10 + n), f"w{k}-{n}.jpg", title=f"concurrente {k}")
            if r.status_code != 201:
                errors.append(r.get_data(True))
            target = shared[n % len(shared)]
            r = api.patch(f"/assets/{target}", json={"title": f"compartido {k}-{n}"})
            if r.status_code != 200:
                errors.append(r.get_data(True))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert stale(app) == (set(), [])  # drained by the requests themselves
    assert indexing.pending(db) == 0
    assert db.scalar(select(func.count(Asset.id))) == 27


def test_changes_that_bypass_the_orm_are_queued_by_hand(app):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    asset_id = upload(api, 1, title="Antes")["id"]
    with session(app) as db:
        db.execute(update(Asset).where(Asset.id == asset_id).values(title="Después"))
        indexing.enqueue(db, [asset_id])
        db.commit()
    assert titles(api.get("/search?q=después").get_json()) == ["Después"]


def test_scheduled_changes_wait_for_their_moment(app, db):
    user = add_user(app, "editor")
    db.add(_row(user.id, 7))
    db.commit()
    asset_id = db.scalar(select(Asset.id))
    later = utcnow() + timedelta(hours=1)
    db.add(IndexChange(asset_id=asset_id, op="upsert", not_before=later))
    db.commit()
    index = service(app).index()
    assert indexing.pending(db) == 1 and indexing.scheduled(db) == 1
    assert indexing.drain_all(db, index) == 1
    assert indexing.pending(db, now=later) == 1
    db.execute(update(IndexChange).values(not_before=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert indexing.drain_all(db, index) == 1
    assert db.scalars(select(IndexChange)).all() == []


def test_embargo_and_expiry_decide_public_and_schedule_a_change(app, db, monkeypatch):
    """Columns the workflow adds to assets: handled whenever they exist."""
    monkeypatch.setattr(Asset, "embargo_until", None, raising=False)
    monkeypatch.setattr(Asset, "expires_at", None, raising=False)
    user = add_user(app, "editor")
    asset = _row(user.id, 8)
    asset.status, asset.public = "approved", True
    now = utcnow()
    assert indexing.is_public(asset, now)
    asset.embargo_until = now + timedelta(days=2)
    assert not indexing.is_public(asset, now)
    assert indexing.is_public(asset, now + timedelta(days=3))
    asset.embargo_until = None
    asset.expires_at = (now + timedelta(days=1)).replace(tzinfo=None)  # naive is UTC
    assert indexing.is_public(asset, now)
    assert not indexing.is_public(asset, now + timedelta(days=1))
    db.add(asset)
    db.commit()
    rows = db.scalars(select(IndexChange).order_by(IndexChange.id)).all()
    assert [r.not_before is None for r in rows] == [True, False]
    assert abs(rows[1].not_before - (now + timedelta(days=1))) < timedelta(seconds=1)


@pytest.mark.parametrize("keywords", [["fiesta", 3, None], "fiesta", None])
def test_document_keywords_tolerate_odd_metadata(app, keywords):
    user = add_user(app, "editor")
    asset = _row(user.id, 9)
    asset.metadata_json = {"keywords": keywords}
    asset.tags = []
    doc = indexing.document_for(asset)
    assert doc.keywords == (("fiesta",) if keywords else ())
    assert doc.compliance == "unchecked" and doc.public is False
