"""The public press kit: what it shows, its downloads, its addresses."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from brandhub.models import DownloadEvent
from tests.factories import approve, photo, session, upload


def _post(api, path, payload):
    return api.client.post(
        "/api/v1" + path, json=payload, headers={"Authorization": f"Bearer {api.token}"}
    )


def _event(api, title="Inauguración del hospital", public=True):
    r = _post(api, "/events", {"title": title, "public": public, "place": "Plaza Mayor"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _attach(api, event_id, ids):
    r = _post(api, f"/events/{event_id}/assets", {"asset_ids": ids})
    assert r.status_code in (200, 201), r.get_json()


def _kit(app, api_for):
    editor = api_for("editor", "salud")
    event = _event(editor)
    shown = upload(editor, 60, title="Corte de cinta", credit="Foto: Ana Pérez")
    draft = upload(editor, 61, title="Borrador del acto")
    internal = upload(editor, 62, title="Interna del acto")
    expired = upload(editor, 63, title="Vencida del acto")
    embargoed = upload(editor, 64, title="Embargada del acto")
    _attach(editor, event["id"], [a["id"] for a in (shown, draft, internal, expired, embargoed)])
    now = datetime.now(UTC)
    approve(app, shown["id"], public=True, licence="cc-by-4.0")
    approve(app, internal["id"], public=False)
    approve(app, expired["id"], public=True, expires_at=now - timedelta(hours=1))
    approve(app, embargoed["id"], public=True, embargo_until=now + timedelta(hours=1))
    return editor, event, shown


def test_the_kit_shows_only_approved_public_assets_in_force(app, api_for):
    _editor, event, shown = _kit(app, api_for)
    anon = app.test_client()
    page = anon.get(f"/prensa/evento-{event['id']}")
    assert page.status_code == 301
    url = page.headers["Location"]
    assert url.endswith(f"/prensa/evento-{event['id']}-inauguracion-del-hospital")
    html = anon.get(url).get_data(as_text=True)
    assert "Corte de cinta" in html and "Foto: Ana Pérez" in html
    for hidden in ("Borrador", "Interna", "Vencida", "Embargada"):
        assert hidden not in html, hidden
    detail = anon.get(f"{url}/a/{shown['id']}").get_data(as_text=True)
    assert "CC BY 4.0" in detail and "?preset=web" in detail
    assert anon.get(f"{url}/a/{shown['id'] + 1}").status_code == 404
    index = anon.get("/prensa").get_data(as_text=True)
    assert "Inauguración del hospital" in index


def test_downloads_and_the_zip_of_all_are_logged_as_press_kit(app, api_for):
    _editor, event, shown = _kit(app, api_for)
    anon = app.test_client()
    base = f"/prensa/evento-{event['id']}-inauguracion-del-hospital"
    assert anon.get(f"{base}/a/{shown['id']}/file").data == photo(60)
    web = anon.get(f"{base}/a/{shown['id']}/download?preset=instagram-square")
    assert web.status_code == 200 and web.mimetype == "image/jpeg"
    archive = anon.get(f"{base}/download.zip?preset=web")
    assert archive.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(archive.data)).namelist()) == 1
    with session(app) as db:
        rows = db.scalars(select(DownloadEvent).order_by(DownloadEvent.id)).all()
        assert [(r.channel, r.what, r.preset) for r in rows] == [
            ("presskit", "original", None),
            ("presskit", "preset", "instagram-square"),
            ("presskit", "zip", "web"),
        ]


def test_a_private_event_or_an_unknown_address_has_no_kit(app, api_for):
    editor = api_for("editor", "salud")
    private = _event(editor, "Reunión interna", public=False)
    anon = app.test_client()
    assert anon.get(f"/prensa/evento-{private['id']}").status_code == 404
    for ref in ("evento-999", "foto-1", "evento-", "coleccion-x", "evento-1-Con-Mayusculas"):
        assert anon.get(f"/prensa/{ref}").status_code == 404, ref
    assert "Reunión interna" not in anon.get("/prensa").get_data(as_text=True)


def test_a_collection_kit_and_its_link_on_the_collection_page(app, api_for, client, login):
    editor = api_for("editor", "salud")
    r = _post(editor, "/collections", {"title": "Logos oficiales", "public": True})
    collection = r.get_json()
    logo = upload(editor, 65, title="Logo horizontal")
    _post(editor, f"/collections/{collection['id']}/assets", {"asset_ids": [logo["id"]]})
    approve(app, logo["id"], public=True)
    anon = app.test_client()
    url = f"/prensa/coleccion-{collection['id']}-logos-oficiales"
    assert "Logo horizontal" in anon.get(url).get_data(as_text=True)
    login(editor.user)
    page = client.get(f"/collections/{collection['id']}").get_data(as_text=True)
    assert url in page
