"""Bulk edits of a selection: credit, caption, tags added, a title prefix; all or nothing."""

from __future__ import annotations

from tests.factories import Api, add_token, read, upload


def _bulk(api: Api, body: object):
    return api.post("/assets/bulk", json=body)


def test_bulk_edit_through_the_api(app, api_for):
    api = api_for("photographer", agency="prensa")
    ids = [upload(api, n, tags="plaza")["id"] for n in range(4)]
    r = _bulk(
        api,
        {
            "asset_ids": ids[:3],
            "credit": "Ana Pérez / Prensa",
            "caption": "El gobernador corta la cinta.",
            "add_tags": ["acto", "Hospital "],
            "title_prefix": "Inauguración —",
        },
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["updated"] == 3
    for n, asset_id in enumerate(ids[:3]):
        asset = read(app, asset_id)
        assert asset.credit == "Ana Pérez / Prensa"
        assert asset.caption == "El gobernador corta la cinta."
        assert asset.tag_names == ["acto", "hospital", "plaza"]  # added to the ones it had
        assert asset.title == f"Inauguración — foto {n}"
    untouched = read(app, ids[3])
    assert untouched.title == "foto 3" and untouched.credit == ""

    # The same prefix sent twice is not written twice; an empty change is refused.
    _bulk(api, {"asset_ids": ids[:1], "title_prefix": "Inauguración —"})
    assert read(app, ids[0]).title == "Inauguración — foto 0"
    r = _bulk(api, {"asset_ids": ids})
    assert r.status_code == 400 and r.get_json()["error"]["message"]

    # Event and collection for the whole selection.
    event = api.post("/events", json={"title": "Acto"})
    kit = api.post("/collections", json={"title": "Kit"})
    r = _bulk(
        api,
        {
            "asset_ids": ids,
            "event_id": event.get_json()["id"],
            "collection_id": kit.get_json()["id"],
        },
    )
    assert r.status_code == 200
    assert api.get(f"/events/{event.get_json()['id']}").get_json()["asset_count"] == 4
    assert api.get(f"/collections/{kit.get_json()['id']}").get_json()["asset_count"] == 4


def test_bulk_edit_is_all_or_nothing(app, api_for):
    mine = api_for("editor", agency="prensa")
    other = api_for("editor", agency="salud")
    own = [upload(mine, n)["id"] for n in range(2)]
    foreign = upload(other, 9)["id"]
    admin = api_for("admin", agency=None)
    # The admin sees all three; the editor does not see the other agency's photo.
    r = _bulk(mine, {"asset_ids": [*own, foreign], "credit": "X"})
    assert r.status_code == 404
    viewer = api_for("viewer", agency="prensa")
    assert _bulk(viewer, {"asset_ids": own, "credit": "X"}).status_code == 403
    assert all(read(app, i).credit == "" for i in own)  # nothing changed
    assert _bulk(admin, {"asset_ids": [*own, foreign], "credit": "X"}).status_code == 200


def test_bulk_input_is_checked(api_for):
    api = api_for("editor", agency="prensa")
    asset = upload(api, 1)["id"]
    for body, status in [
        ({"asset_ids": [], "credit": "x"}, 400),
        ({"asset_ids": "1,2", "credit": "x"}, 422),
        ({"asset_ids": [asset], "credit": 7}, 422),
        ({"asset_ids": [asset], "credit": "x" * 301}, 422),
        ({"asset_ids": [asset], "add_tags": [1, 2]}, 422),
        ({"asset_ids": [asset], "event_id": "1"}, 422),
        ({"asset_ids": [asset], "status": "approved"}, 422),
        ({"asset_ids": list(range(1, 1003)), "credit": "x"}, 400),
        ({"asset_ids": [asset], "event_id": 424242}, 404),
    ]:
        r = _bulk(api, body)
        assert r.status_code == status, (body, r.get_json())
        assert r.get_json()["error"]["message"]


def test_bulk_edit_from_an_event_page(app, client, make_user, login):
    user = make_user("photographer", agency="prensa")
    login(user)
    api = Api(client, add_token(app, user))
    event = client.post("/events/new", data={"title": "Acto en la plaza"}).headers["Location"]
    event_id = int(event.rsplit("/", 1)[1])
    ids = [upload(api, n)["id"] for n in range(3)]
    api.post(f"/events/{event_id}/assets", json={"asset_ids": ids})
    page = client.get(event).get_data(True)
    assert 'form="selection"' in page and "Editar los recursos seleccionados" in page
    assert "Seleccionar todo en esta página" in page

    r = client.post(
        "/assets/bulk",
        data={
            "asset_ids": [str(i) for i in ids[:2]],
            "credit": "Prensa",
            "tags": "acto, plaza",
            "next": event,
        },
    )
    assert r.status_code == 302 and r.headers["Location"] == event
    assert read(app, ids[0]).credit == "Prensa" and read(app, ids[2]).credit == ""
    assert read(app, ids[1]).tag_names == ["acto", "plaza"]
    follow = client.get(event).get_data(True)
    assert "2 recursos actualizados." in follow

    r = client.post("/assets/bulk", data={"credit": "x", "next": event})
    assert r.status_code == 302  # nothing selected: said in a message
    assert "Seleccione al menos un recurso." in client.get(event).get_data(True)

    r = client.post(f"/events/{event_id}/detach", data={"asset_ids": [str(ids[2])]})
    assert r.status_code == 302 and read(app, ids[2]).event_id is None
