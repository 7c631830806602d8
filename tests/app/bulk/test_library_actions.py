"""The library's bulk actions: each asset done or refused on its own, with the reason."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from brandhub.models import Asset, Collection, StatusChange
from tests.factories import PASSWORD, Api, add_token, add_user, change, read, session, upload


def _api(app, client, role, agency="salud"):
    user = add_user(app, role, agency)
    return Api(client, add_token(app, user), user)


def _act(client, action, ids, **fields):
    data = {"action": action, "asset_ids": [str(i) for i in ids], **fields}
    return client.post("/assets/actions", data=data)


def test_the_library_offers_the_selection_bar(app, client, login):
    editor = _api(app, client, "editor")
    upload(editor, 1, title="Acto en la plaza")
    login(editor.user)
    html = client.get("/").get_data(as_text=True)
    assert 'id="library-selection"' in html
    assert 'form="library-selection"' in html  # a checkbox on each card
    assert 'value="review"' in html and 'value="delete"' in html
    assert 'value="approve"' not in html  # an editor does not approve


def test_a_viewer_sees_only_the_zip(app, client, login):
    editor = _api(app, client, "editor")
    upload(editor, 2)
    client.post("/logout")
    viewer = add_user(app, "viewer", "salud")
    login(viewer)
    html = client.get("/").get_data(as_text=True)
    assert 'value="zip"' in html
    for action in ("review", "approve", "publish", "delete", "rights"):
        assert f'value="{action}"' not in html, action


def test_approving_in_bulk_says_what_was_refused_and_why(app, client, login):
    salud = _api(app, client, "editor", "salud")
    mine = upload(salud, 3, title="Foto propia")
    failing = upload(salud, 4, title="Pieza fuera de marca")
    archived = upload(salud, 5, title="Foto archivada")
    other = _api(app, client, "editor", "cultura")
    theirs = upload(other, 6, title="Foto de cultura")
    change(app, failing["id"], compliance="fail")
    change(app, archived["id"], status="archived")
    manager = add_user(app, "brand_manager", None)
    login(manager)
    ids = [mine["id"], failing["id"], archived["id"], theirs["id"], 999999]
    r = _act(client, "approve", ids)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "2 hechos" in html and "3 rechazados" in html
    assert "No cumple con las reglas de la marca" in html
    assert "Está archivado" in html
    assert "No existe o no puede verlo" in html
    assert read(app, mine["id"]).status == "approved"
    assert read(app, theirs["id"]).status == "approved"  # a brand manager sees every agency
    assert read(app, failing["id"]).status == "draft"
    assert read(app, archived["id"]).status == "archived"
    with session(app) as db:
        moves = db.scalars(
            select(StatusChange.to_status).where(StatusChange.asset_id == mine["id"])
        ).all()
    assert sorted(moves) == ["approved", "in_review"]  # through review, both recorded


def test_an_editor_cannot_change_another_agencys_asset_nor_approve(app, client, login):
    salud = _api(app, client, "editor", "salud")
    mine = upload(salud, 7, title="Foto de salud")
    cultura = _api(app, client, "editor", "cultura")
    theirs = upload(cultura, 8, title="Foto pública de cultura")
    change(app, theirs["id"], status="approved", public=True)  # salud sees it, cannot edit it
    login(salud.user)
    html = _act(client, "review", [mine["id"], theirs["id"]]).get_data(as_text=True)
    assert "Pertenece a otro organismo" in html
    assert read(app, mine["id"]).status == "in_review"
    html = _act(client, "publish", [mine["id"]]).get_data(as_text=True)
    assert "Solo los responsables de marca y los administradores aprueban" in html
    assert read(app, mine["id"]).public is False


def test_a_viewer_is_refused_item_by_item(app, client, login):
    editor = _api(app, client, "editor")
    asset = upload(editor, 9)
    viewer = add_user(app, "viewer", "salud")
    login(viewer)
    html = _act(client, "review", [asset["id"]]).get_data(as_text=True)
    assert "Su rol solo permite ver" in html
    assert read(app, asset["id"]).status == "draft"


def test_publish_and_withdraw(app, client, login):
    editor = _api(app, client, "editor")
    a, b = upload(editor, 10), upload(editor, 11)
    manager = add_user(app, "brand_manager", None)
    login(manager)
    r = _act(client, "publish", [a["id"], b["id"]], licence="cc-by-4.0")
    assert r.status_code == 200
    for item in (a, b):
        row = read(app, item["id"])
        assert (row.status, row.public, row.licence) == ("approved", True, "cc-by-4.0")
    _act(client, "withdraw", [a["id"]])
    assert read(app, a["id"]).public is False
    assert read(app, a["id"]).status == "approved"


def test_rights_tags_credit_event_and_collection(app, client, login):
    editor = _api(app, client, "editor")
    a, b = upload(editor, 12), upload(editor, 13)
    login(editor.user)
    ids = [a["id"], b["id"]]
    _act(client, "rights", ids, licence="cc-by-nd-4.0", restrictions="Solo uso editorial.")
    _act(client, "edit", ids, tags="hospital, acto", credit="Foto: Ana Pérez")
    for item in (a, b):
        row = read(app, item["id"])
        assert row.licence == "cc-by-nd-4.0" and row.restrictions == "Solo uso editorial."
        assert row.credit == "Foto: Ana Pérez" and set(row.tag_names) >= {"hospital", "acto"}
    event = editor.post("/events", json={"title": "Acto"}).get_json()
    _act(client, "event", ids, event_id=str(event["id"]))
    assert {read(app, i).event_id for i in ids} == {event["id"]}
    coll = editor.post("/collections", json={"title": "Kit"}).get_json()
    _act(client, "collection", ids, collection_id=str(coll["id"]))
    with session(app) as db:
        kit = db.get(Collection, coll["id"])
        assert kit is not None and sorted(x.id for x in kit.assets) == sorted(ids)


def test_a_request_that_is_wrong_as_a_whole_changes_nothing(app, client, login):
    editor = _api(app, client, "editor")
    a = upload(editor, 14)
    login(editor.user)
    r = _act(client, "rights", [a["id"]], licence="gpl", next="/")
    assert r.status_code == 302
    r = _act(client, "edit", [a["id"]], next="/")  # no change given
    assert r.status_code == 302
    r = _act(client, "explode", [a["id"]], next="/")
    assert r.status_code == 302
    assert read(app, a["id"]).licence == ""


def test_deleting_asks_for_confirmation_first(app, client, login):
    editor = _api(app, client, "editor")
    a, b = upload(editor, 15, title="Primera"), upload(editor, 16, title="Segunda")
    login(editor.user)
    r = _act(client, "delete", [a["id"], b["id"]])
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "¿Eliminar 2 recursos?" in html and "Primera" in html
    with session(app) as db:
        assert db.scalar(select(Asset).where(Asset.id == a["id"])) is not None
    r = _act(client, "delete", [a["id"], b["id"]], confirm="y")
    assert r.status_code == 200
    with session(app) as db:
        assert db.scalars(select(Asset.id)).all() == []


def test_the_zip_of_a_selection(app, client, login):
    editor = _api(app, client, "editor")
    a, b = upload(editor, 17), upload(editor, 18)
    login(editor.user)
    r = _act(client, "zip", [a["id"], b["id"]], preset="original")
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.get_data())).namelist()
    assert len(names) == 2


def test_all_results_of_a_search_act_on_every_page(app_factory):
    app = app_factory(PER_PAGE=2)
    client = app.test_client()
    editor = _api(app, client, "editor")
    ids = [upload(editor, 20 + n, title=f"Hospital {n}")["id"] for n in range(5)]
    other = upload(editor, 30, title="Escuela")
    client.post("/login", data={"email": editor.user.email, "password": PASSWORD})
    html = client.get("/?q=hospital").get_data(as_text=True)
    assert "Seleccionar los 5 resultados de esta búsqueda" in html
    r = client.post(
        "/assets/actions",
        data={"action": "review", "scope": "all", "search": "q=hospital&page=2"},
    )
    assert r.status_code == 200
    assert "5 hechos" in r.get_data(as_text=True)
    assert {read(app, i).status for i in ids} == {"in_review"}
    assert read(app, other["id"]).status == "draft"


def test_all_results_refuses_more_than_a_selection_holds(app, client, login, monkeypatch):
    import brandhub.web.bulk as bulk

    editor = _api(app, client, "editor")
    for n in range(3):
        upload(editor, 40 + n, title=f"Plaza {n}")
    monkeypatch.setattr(bulk, "MAX_SELECTION", 2)
    login(editor.user)
    r = client.post(
        "/assets/actions",
        data={"action": "review", "scope": "all", "search": "q=plaza", "next": "/?q=plaza"},
    )
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "tiene 3 resultados" in page
