"""Share links: tokens, expiry, revocation, passwords, view-only links, logging, sets."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from brandhub.models import DownloadEvent, ShareLink, ShareLinkUse
from tests.factories import Api, add_token, add_user, approve, change, photo, session, upload


def _create(api, **payload):
    return api.post("/share-links", json=payload)


def _link(api, app, **payload):
    """A link's public path (``/s/<token>``) made through the API."""
    r = _create(api, **payload)
    assert r.status_code == 201, r.get_json()
    return "/s/" + r.get_json()["url"].rsplit("/s/", 1)[1], r.get_json()


@pytest.fixture
def shared(app, api_for):
    """An approved asset of salud, its editor's API client and an anonymous client."""
    editor = api_for("editor", "salud")
    asset = upload(editor, 50, "acto.jpg", title="Acto en la plaza", credit="Foto: Ana")
    approve(app, asset["id"])
    return editor, asset, app.test_client()


def test_the_token_is_random_long_and_stored_only_as_its_hash(app, shared):
    editor, asset, anon = shared
    path, body = _link(editor, app, asset_id=asset["id"])
    token = path.removeprefix("/s/")
    assert len(token) >= 43  # 32 random bytes
    assert body["prefix"] == token[:8] and body["state"] == "active"
    with session(app) as db:
        link = db.scalars(select(ShareLink)).one()
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in {str(v) for v in vars(link).values()}
    page = anon.get(path)
    assert page.status_code == 200
    assert "Acto en la plaza" in page.get_data(as_text=True)
    assert "Foto: Ana" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert anon.get(path + "x").status_code == 404
    assert anon.get("/s/" + "A" * 43).status_code == 404


def test_downloads_through_a_link_are_the_original_and_presets(app, shared):
    editor, asset, anon = shared
    path, _body = _link(editor, app, asset_id=asset["id"])
    original = anon.get(f"{path}/a/{asset['id']}/file")
    assert original.status_code == 200 and original.data == photo(50)
    assert "attachment" in original.headers["Content-Disposition"]
    web = anon.get(f"{path}/a/{asset['id']}/download?preset=web")
    assert web.status_code == 200 and web.mimetype == "image/jpeg"
    thumb = anon.get(f"{path}/a/{asset['id']}/r/thumb")
    assert thumb.status_code == 200
    assert anon.get(f"{path}/a/{asset['id']}/r/other").status_code == 404
    assert anon.get(f"{path}/a/{asset['id'] + 1}/file").status_code == 404


def test_a_link_expires(app, shared):
    editor, asset, anon = shared
    path, body = _link(
        editor,
        app,
        asset_id=asset["id"],
        expires_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    )
    assert anon.get(path).status_code == 200
    with session(app) as db:
        db.get(ShareLink, body["id"]).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.commit()
    gone = anon.get(path)
    assert gone.status_code == 410
    assert "ha vencido" in gone.get_data(as_text=True)  # "This link has expired"
    assert anon.get(f"{path}/a/{asset['id']}/file").status_code == 410
    listed = editor.get(f"/share-links?asset_id={asset['id']}").get_json()["results"]
    assert listed[0]["state"] == "expired"


@pytest.mark.parametrize(
    ("field", "value"),
    [("expires_at", "2001-01-01T00:00:00+00:00"), ("password", "123")],
    ids=["an_expiry_in_the_past", "a_short_password"],
)
def test_a_bad_setting_is_refused(app, shared, field, value):
    editor, asset, _anon = shared
    r = _create(editor, asset_id=asset["id"], **{field: value})
    assert r.status_code == 422 and r.get_json()["error"]["field"] == field


def test_a_revoked_link_is_dead(app, shared):
    editor, asset, anon = shared
    path, body = _link(editor, app, asset_id=asset["id"])
    assert anon.get(path).status_code == 200
    assert api_delete(editor, f"/share-links/{body['id']}").status_code == 204
    for url in (path, f"{path}/a/{asset['id']}/file", f"{path}/a/{asset['id']}/r/thumb"):
        assert anon.get(url).status_code == 404, url
    assert (
        editor.get(f"/share-links?asset_id={asset['id']}").get_json()["results"][0]["state"]
        == "revoked"
    )


def api_delete(api, path):
    return api.delete(path)


def test_a_password_protected_link_needs_the_password(app, shared):
    editor, asset, anon = shared
    path, body = _link(editor, app, asset_id=asset["id"], password="prensa-2026")
    assert body["password"] is True
    ask = anon.get(path)
    assert ask.status_code == 200 and 'type="password"' in ask.get_data(as_text=True)
    assert "Acto en la plaza" not in ask.get_data(as_text=True)
    # Files stay closed until the password is given.
    assert anon.get(f"{path}/a/{asset['id']}/file").status_code == 302
    wrong = anon.post(path, data={"password": "nope"})
    assert wrong.status_code == 403
    right = anon.post(path, data={"password": "prensa-2026"})
    assert right.status_code == 302
    assert anon.get(path).status_code == 200
    assert "Acto en la plaza" in anon.get(path).get_data(as_text=True)
    assert anon.get(f"{path}/a/{asset['id']}/file").data == photo(50)
    # Another visitor still has to give it.
    assert 'type="password"' in app.test_client().get(path).get_data(as_text=True)


def test_password_attempts_are_limited_per_link(app, shared):
    editor, asset, anon = shared
    path, _body = _link(editor, app, asset_id=asset["id"], password="prensa-2026")
    for _ in range(10):
        assert anon.post(path, data={"password": "guess"}).status_code == 403
    blocked = anon.post(path, data={"password": "prensa-2026"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    # Another link is not affected.
    other, _ = _link(editor, app, asset_id=asset["id"], password="otra-clave")
    assert anon.post(other, data={"password": "otra-clave"}).status_code == 302


def test_a_view_only_link_cannot_download(app, shared):
    editor, asset, anon = shared
    path, _body = _link(editor, app, asset_id=asset["id"], allow_download=False)
    page = anon.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/a/{asset['id']}/file" not in html
    assert anon.get(f"{path}/a/{asset['id']}/r/preview").status_code == 200
    assert anon.get(f"{path}/a/{asset['id']}/file").status_code == 403
    assert anon.get(f"{path}/a/{asset['id']}/download?preset=web").status_code == 403
    assert anon.get(f"{path}/download.zip").status_code == 403


def test_only_approved_assets_are_shared_and_a_link_follows_the_asset(app, api_for, shared):
    editor, asset, anon = shared
    draft = upload(editor, 51)
    r = _create(editor, asset_id=draft["id"])
    assert r.status_code == 409 and r.get_json()["error"]["field"] == "asset"  # its state
    path, _body = _link(editor, app, asset_id=asset["id"])
    change(app, asset["id"], embargo_until=datetime.now(UTC) + timedelta(days=1))
    assert anon.get(path).status_code == 404
    assert anon.get(f"{path}/a/{asset['id']}/file").status_code == 404
    change(app, asset["id"], embargo_until=None, status="archived")
    assert anon.get(path).status_code == 404
    change(app, asset["id"], status="approved")
    assert anon.get(path).status_code == 200


def test_who_may_make_and_revoke_links(app, api_for, shared):
    editor, asset, _anon = shared
    assert _create(api_for("viewer", "salud"), asset_id=asset["id"]).status_code == 403
    assert _create(api_for("editor", "obras"), asset_id=asset["id"]).status_code == 404
    assert _create(api_for("brand_manager", None), asset_id=asset["id"]).status_code == 201
    _path, body = _link(editor, app, asset_id=asset["id"])
    assert api_for("viewer", "salud").delete(f"/share-links/{body['id']}").status_code == 404
    assert api_for("editor", "obras").delete(f"/share-links/{body['id']}").status_code == 404
    assert api_for("photographer", "salud").delete(f"/share-links/{body['id']}").status_code == 204
    assert _create(editor, asset_id=asset["id"], event_id=1).status_code == 422
    assert _create(editor).status_code == 422


def test_every_opening_and_download_is_logged_with_the_link(app, shared):
    editor, asset, anon = shared
    path, body = _link(editor, app, asset_id=asset["id"])
    anon.get(path)
    anon.get(path)
    anon.get(f"{path}/a/{asset['id']}/file")
    anon.get(f"{path}/a/{asset['id']}/download?preset=web")
    anon.get(f"{path}/a/{asset['id']}/r/thumb")  # a preview is not a download
    anon.get(f"{path}/a/{asset['id']}/file", headers={"Range": "bytes=100-200"})  # a resume
    listed = editor.get(f"/share-links?asset_id={asset['id']}").get_json()["results"][0]
    assert (listed["opens"], listed["downloads"]) == (2, 2)
    with session(app) as db:
        rows = db.scalars(select(DownloadEvent).order_by(DownloadEvent.id)).all()
        assert [(r.channel, r.what, r.preset, r.share_link_id, r.user_id) for r in rows] == [
            ("share", "original", None, body["id"], None),
            ("share", "preset", "web", body["id"], None),
        ]
        assert all(r.asset_id == asset["id"] and r.agency_id for r in rows)
        assert db.scalars(select(ShareLinkUse.action)).all() == ["open", "open"]


def _collection(api, app, ids, **fields):
    r = api.post("/collections", json={"title": "Kit de prensa", **fields})
    assert r.status_code == 201, r.get_json()
    collection = r.get_json()
    r = api.post(f"/collections/{collection['id']}/assets", json={"asset_ids": ids})
    assert r.status_code in (200, 201), r.get_json()
    return collection


def test_a_collection_link_shows_its_publishable_assets_and_zips_them(app, api_for, shared):
    editor, asset, anon = shared
    draft = upload(editor, 52, title="Borrador")
    expired = upload(editor, 53, title="Vencida")
    approve(app, expired["id"], expires_at=datetime.now(UTC) - timedelta(days=1))
    collection = _collection(editor, app, [asset["id"], draft["id"], expired["id"]])
    path, body = _link(editor, app, collection_id=collection["id"])
    assert body["target"] == {"kind": "collection", "id": collection["id"]}
    html = anon.get(path).get_data(as_text=True)
    assert "Acto en la plaza" in html and "Borrador" not in html and "Vencida" not in html
    assert anon.get(f"{path}/a/{asset['id']}").status_code == 200
    assert anon.get(f"{path}/a/{draft['id']}/file").status_code == 404
    assert anon.get(f"{path}/a/{expired['id']}/r/thumb").status_code == 404
    archive = anon.get(f"{path}/download.zip?preset=original")
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 1
    with session(app) as db:
        zipped = db.scalars(select(DownloadEvent).where(DownloadEvent.what == "zip")).all()
        assert [(z.asset_id, z.channel, z.share_link_id) for z in zipped] == [
            (asset["id"], "share", body["id"])
        ]


def test_a_collection_link_never_shows_more_than_its_maker_sees(app, api_for, shared):
    editor, asset, anon = shared
    other = api_for("editor", "obras")
    internal = upload(other, 54, title="Interna de obras")
    approve(app, internal["id"])  # approved but not public: obras only
    manager = api_for("brand_manager", None)
    collection = _collection(manager, app, [asset["id"], internal["id"]], agency="salud")
    path, _ = _link(editor, app, collection_id=collection["id"])
    html = anon.get(path).get_data(as_text=True)
    assert "Acto en la plaza" in html and "Interna de obras" not in html
    path, _ = _link(manager, app, collection_id=collection["id"])
    assert "Interna de obras" in anon.get(path).get_data(as_text=True)


def test_an_event_link_works_from_the_pages(app, client, make_user, login):
    editor = make_user("editor", "salud")
    api = Api(client, add_token(app, editor))
    r = client.post(
        "/api/v1/events",
        json={"title": "Inauguración del hospital"},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    event = r.get_json()
    asset = upload(api, 55, title="Corte de cinta")
    client.post(
        f"/api/v1/events/{event['id']}/assets",
        json={"asset_ids": [asset["id"]]},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    approve(app, asset["id"])
    login(editor)
    made = client.post(
        f"/events/{event['id']}/share", data={"label": "Canal 7", "allow_download": "y"}
    )
    assert made.status_code == 200
    url = re.search(r'data-copy="([^"]+)"', made.get_data(as_text=True)).group(1)
    path = "/s/" + url.rsplit("/s/", 1)[1]
    anon = app.test_client()
    html = anon.get(path).get_data(as_text=True)
    assert "Inauguración del hospital" in html and "Corte de cinta" in html
    assert anon.get(f"{path}/a/{asset['id']}/file").data == photo(55)
    # The link is listed on the event page, with its revoke button.
    page = client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert "Canal 7" in page
    link_id = re.search(r"/share/(\d+)/revoke", page).group(1)
    assert client.post(f"/share/{link_id}/revoke", data={"next": "/"}).status_code == 302
    assert anon.get(path).status_code == 404


def test_the_asset_page_makes_a_link_and_shows_it_once(app, client, make_user, login):
    editor = make_user("editor", "salud")
    asset = upload(Api(client, add_token(app, editor)), 56)
    login(editor)
    page = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "share-panel" in page and f"/assets/{asset['id']}/share" not in page  # a draft
    approve(app, asset["id"])
    page = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert f"/assets/{asset['id']}/share" in page
    made = client.post(
        f"/assets/{asset['id']}/share",
        data={"label": "Diario El Sur", "password": "", "allow_download": "y"},
    )
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    url = re.search(r'data-copy="([^"]+)"', html).group(1)
    assert url.startswith("http://localhost/s/")
    token = url.rsplit("/", 1)[1]
    page = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "Diario El Sur" in page and token not in page and token[:8] in page
    bad = client.post(f"/assets/{asset['id']}/share", data={"password": "123"})
    assert bad.status_code == 302


def test_revoking_from_the_pages_is_for_whoever_manages_the_link(app, client, login, shared):
    editor, asset, anon = shared
    path, body = _link(editor, app, asset_id=asset["id"])
    login(add_user(app, "editor", "obras"))
    assert client.post(f"/share/{body['id']}/revoke").status_code == 404
    assert client.post("/share/9999/revoke").status_code == 404
    client.post("/logout")
    login(add_user(app, "viewer", "salud"))
    assert client.post(f"/share/{body['id']}/revoke").status_code == 404
    assert anon.get(path).status_code == 200
    client.post("/logout")
    login(editor.user)
    r = client.post(f"/share/{body['id']}/revoke", data={"next": "//evil.example/x"})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert anon.get(path).status_code == 404
