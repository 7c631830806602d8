"""Two agencies, one library: nothing of one agency's private work reaches the other.

Each test is the regression test of one finding: spelling suggestions built
from another agency's private draft, a private collection's or event's title
making a public photo findable, earlier versions and the history of a public
asset read by another agency, an editor's new file served by the press kit
before approval, search hits that the index still shows after they became
private, and a duplicate upload naming another agency's private asset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.app.search.support import drain
from tests.factories import Api, add_token, add_user, approve, change, photo, read, upload

SECRET = ("zafiro", "confidencial", "reservado")


def _post(api: Any, path: str, payload: dict[str, Any]) -> Any:
    return api.client.post(
        "/api/v1" + path, json=payload, headers={"Authorization": f"Bearer {api.token}"}
    )


def _search(api: Any, q: str) -> dict[str, Any]:
    r = api.get("/search", query_string={"q": q})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# ---------------------------------------------------------------- suggestions (finding 6)


def test_suggestions_never_come_from_another_agencys_private_draft(app, api_for):
    obras = api_for("editor", "obras")
    upload(obras, 1, title="Zafiro confidencial reservado", description="zafiro reservado")
    salud_editor = api_for("editor", "salud")
    upload(salud_editor, 2, title="Vacunación en la plaza")
    viewer = api_for("viewer", "salud")
    for q in ("zafiri", "confidencia", "reservadp", "zafiri confidencia reservadp", "vacunacin"):
        body = _search(viewer, q)
        assert body["total"] == 0 or q == "vacunacin"
        suggestion = (body["suggestion"] or "").lower()
        assert not any(word in suggestion for word in SECRET), (q, suggestion)
    # Its own documents still give suggestions, and the owners still get theirs.
    assert _search(viewer, "vacunacin")["suggestion"] == "vacunación"
    assert _search(obras, "zafiri")["suggestion"] == "zafiro"
    # A word only the invisible draft knows is "unknown" to the viewer: it is corrected
    # towards what the viewer sees (or not at all), never reported as known.
    assert _search(viewer, "zafiro")["total"] == 0


# ---------------------------------------------------------------- container titles (finding 7)


def test_a_private_collection_title_does_not_make_a_public_photo_findable(app, api_for):
    salud = api_for("editor", "salud")
    photo_json = upload(salud, 3, title="Acto en la plaza")
    approve(app, photo_json["id"], public=True)
    obras = api_for("editor", "obras")  # sees the public photo, files it privately
    r = _post(obras, "/collections", {"title": "Despidos masivos de marzo", "public": False})
    assert r.status_code == 201, r.get_json()
    collection = r.get_json()["id"]
    r = _post(obras, f"/collections/{collection}/assets", {"asset_ids": [photo_json["id"]]})
    assert r.status_code in (200, 201), r.get_json()
    r = _post(obras, "/events", {"title": "Cierre secreto de la planta", "public": False})
    assert r.status_code == 201, r.get_json()
    drain(app)
    for person in (api_for("viewer", "salud"), salud, obras, api_for("viewer", "obras")):
        body = _search(person, "despidos")
        assert body["total"] == 0 and body["results"] == [], body
        assert "despidos" not in str(body).lower()
    # A public collection's title is the photo's for everyone.
    r = _post(obras, "/collections", {"title": "Inauguraciones del año", "public": True})
    public_collection = r.get_json()["id"]
    _post(obras, f"/collections/{public_collection}/assets", {"asset_ids": [photo_json["id"]]})
    drain(app)
    assert [a["id"] for a in _search(api_for("viewer", "salud"), "inauguraciones")["results"]] == [
        photo_json["id"]
    ]


def test_a_private_event_title_stays_with_its_agency(app, api_for):
    salud = api_for("editor", "salud")
    r = _post(salud, "/events", {"title": "Reunión reservada de gabinete", "public": False})
    event = r.get_json()["id"]
    private = upload(salud, 4, title="Foto interna")
    public = upload(salud, 5, title="Foto publicada")
    r = _post(salud, f"/events/{event}/assets", {"asset_ids": [private["id"], public["id"]]})
    assert r.status_code in (200, 201), r.get_json()
    approve(app, public["id"], public=True)
    drain(app)
    # Its agency finds the private photo by the event; the public one is not tied to it.
    assert [a["id"] for a in _search(salud, "gabinete")["results"]] == [private["id"]]
    assert _search(api_for("viewer", "obras"), "gabinete")["total"] == 0


# ---------------------------------------------------------------- versions and history (finding 5)


def test_versions_and_history_of_a_public_asset_are_not_for_other_agencies(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 6, title="Conferencia")
    r = editor.new_version(
        asset["id"], photo(7), comment="La versión 1 mostraba un rostro sin difuminar"
    )
    assert r.status_code == 201, r.get_json()
    approve(app, asset["id"], public=True)
    outsider = api_for("viewer", "obras")
    assert outsider.get(f"/assets/{asset['id']}").status_code == 200  # the approved one
    assert outsider.get(f"/assets/{asset['id']}/file").data == photo(7)
    for path in ("/versions", "/history", "/versions/1/file", "/versions/2/file"):
        r = outsider.get(f"/assets/{asset['id']}{path}")
        assert r.status_code == 403, path
        assert b"difuminar" not in r.data and b"@" not in r.data
    # The page shows neither the versions nor the history to someone who may not edit.
    page = api_for("viewer", "salud")
    assert page.get(f"/assets/{asset['id']}/versions").status_code == 403
    assert editor.get(f"/assets/{asset['id']}/versions").status_code == 200


def test_the_asset_page_hides_versions_and_history_from_readers(app, api_for, client, login):
    editor = api_for("editor", "salud")
    asset = upload(editor, 8, title="Conferencia")
    editor.new_version(asset["id"], photo(9), comment="Se difuminó un rostro")
    approve(app, asset["id"], public=True)
    login(add_user(app, "viewer", "obras"))
    html = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "difumin" not in html and "/versions/1/file" not in html
    assert "@" not in html.split("<main", 1)[-1].split("</main>")[0]  # no staff e-mail
    assert client.get(f"/assets/{asset['id']}/versions/1/file").status_code == 403


# ---------------------------------------------------------------- approval integrity (finding 4)


def _kit(app: Any, editor: Any, asset_id: int) -> str:
    r = _post(editor, "/events", {"title": "Acto", "public": True})
    event = r.get_json()["id"]
    _post(editor, f"/events/{event}/assets", {"asset_ids": [asset_id]})
    return f"/prensa/evento-{event}-acto"


def test_an_editors_new_file_is_not_public_until_approved(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 10, title="Acto oficial")
    approve(app, asset["id"], public=True)
    kit = _kit(app, editor, asset["id"])
    anon = app.test_client()
    assert anon.get(f"{kit}/a/{asset['id']}/file").data == photo(10)
    r = editor.new_version(asset["id"], photo(11))
    assert r.status_code == 201 and r.get_json()["status"] == "in_review"
    # Neither the press kit nor another agency gets the unreviewed file.
    assert anon.get(f"{kit}/a/{asset['id']}/file").status_code == 404
    assert f"/a/{asset['id']}" not in anon.get(kit).get_data(as_text=True)
    assert api_for("viewer", "obras").get(f"/assets/{asset['id']}/file").status_code == 404
    history = editor.get(f"/assets/{asset['id']}/history").get_json()["changes"]
    assert history[0]["from"] == "approved" and history[0]["to"] == "in_review"
    assert history[0]["reason"] == "new_file"
    # A brand manager approves it: the new file is public.
    manager = api_for("brand_manager", "salud")
    assert (
        _post(manager, f"/assets/{asset['id']}/status", {"status": "approved"}).status_code == 200
    )
    assert anon.get(f"{kit}/a/{asset['id']}/file").data == photo(11)


def test_an_editors_new_public_text_goes_back_to_review(app, api_for, client, login):
    editor = api_for("editor", "salud")
    for n, (how, send) in enumerate(
        (
            ("api", lambda a: editor.patch(f"/assets/{a}", json={"caption": "Otro pie"})),
            ("rights", lambda a: editor.patch(f"/assets/{a}/rights", json={"credit": "Otra"})),
            ("page", lambda a: client.post(f"/assets/{a}/edit", data={"title": "Otro título"})),
        )
    ):
        asset = upload(editor, 12 + n, title="Acto oficial")["id"]
        approve(app, asset, public=True)
        if how == "page":
            login(add_user(app, "editor", "salud"))
        assert send(asset).status_code in (200, 302)
        assert read(app, asset).status == "in_review", how
        assert editor.get(f"/assets/{asset}/history").get_json()["changes"][0]["reason"] == (
            "text_changed"
        )
    # Not public text (the embargo, the public flag) and a brand manager's edit keep it.
    asset = upload(editor, 20, title="Acto oficial")["id"]
    approve(app, asset, public=True)
    assert editor.patch(f"/assets/{asset}/rights", json={"public": False}).status_code == 200
    manager = api_for("brand_manager", "salud")
    assert manager.patch(f"/assets/{asset}", json={"title": "Corregido"}).status_code == 200
    assert read(app, asset).status == "approved"
    # Sending the same text again changes nothing.
    assert editor.patch(f"/assets/{asset}", json={"title": "Corregido"}).status_code == 200
    assert read(app, asset).status == "approved"


# ---------------------------------------------------------------- stale search hits (finding 12)


def test_a_hit_made_private_while_the_index_is_late_is_not_returned(app_factory):
    app = app_factory(SEARCH_DRAIN_INLINE=False)
    client = app.test_client()
    editor = Api(client, add_token(app, add_user(app, "editor", "salud")))
    viewer = Api(client, add_token(app, add_user(app, "viewer", "obras")))
    ids = [upload(editor, 30 + n, title=f"Plaza de armas {n}")["id"] for n in range(3)]
    for asset_id in ids:
        approve(app, asset_id, public=True)
    drain(app)
    assert _search(viewer, "plaza")["total"] == 3
    # The worker is down: these changes stay queued, the index still says "public".
    change(app, ids[0], public=False)
    change(app, ids[1], expires_at=datetime(2020, 1, 1, tzinfo=UTC))
    body = _search(viewer, "plaza")
    assert [r["id"] for r in body["results"]] == [ids[2]]
    assert body["total"] == 1


# ---------------------------------------------------------------- duplicates (finding 11)


def test_a_duplicate_of_another_agencys_private_asset_does_not_name_it(app, api_for):
    salud = api_for("editor", "salud")
    private = upload(salud, 40, title="Borrador")
    obras = api_for("editor", "obras")
    r = obras.upload(photo(40), "copia.jpg")
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "duplicate" and "existing_id" not in error
    assert set(error) == {"code", "message"}  # nothing names the asset
    # A new version with those bytes: the same answer.
    mine = upload(obras, 41)
    r = obras.new_version(mine["id"], photo(40))
    assert r.status_code == 409 and "existing_id" not in r.get_json()["error"]
    # Whoever sees the asset is told which one it is.
    r = salud.upload(photo(40), "otra.jpg")
    assert r.status_code == 409 and r.get_json()["error"]["existing_id"] == private["id"]
    # Once it is public, another agency is told too.
    approve(app, private["id"], public=True)
    r = obras.upload(photo(40), "copia.jpg")
    assert r.get_json()["error"]["existing_id"] == private["id"]
