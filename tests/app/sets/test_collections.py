"""Collections: hand-made sets by page and API, members added and removed, visibility."""

from __future__ import annotations

from tests.factories import Api, add_token, change, upload


def _post(api: Api, path: str, body: object):
    return api.client.post("/api/v1" + path, json=body, headers=api._headers())


def _collection(api: Api, **fields) -> dict:
    r = _post(api, "/collections", {"title": "Kit de prensa vacunación", **fields})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_collection_crud_and_members_through_the_api(api_for):
    api = api_for("editor", agency="salud")
    kit = _collection(api, description="Logos y fotos aprobadas")
    assert kit["agency"] == "salud" and kit["asset_count"] == 0 and not kit["public"]
    ids = [upload(api, n)["id"] for n in range(3)]

    r = _post(api, f"/collections/{kit['id']}/assets", {"asset_ids": [ids[2], ids[0]]})
    assert r.get_json() == {"added": 2}
    again = _post(api, f"/collections/{kit['id']}/assets", {"asset_ids": ids})
    assert again.get_json() == {"added": 1}  # those already in stay as they are
    members = api.get(f"/collections/{kit['id']}/assets").get_json()
    assert [a["id"] for a in members["results"]] == [ids[2], ids[0], ids[1]]  # order added
    assert api.get(f"/collections/{kit['id']}").get_json()["asset_count"] == 3

    assert api.delete(f"/collections/{kit['id']}/assets/{ids[0]}").status_code == 204
    assert api.delete(f"/collections/{kit['id']}/assets/{ids[0]}").status_code == 404
    r = api.client.patch(
        f"/api/v1/collections/{kit['id']}", json={"title": "Kit 2026"}, headers=api._headers()
    )
    assert r.status_code == 200 and r.get_json()["title"] == "Kit 2026"
    assert r.get_json()["description"] == "Logos y fotos aprobadas"
    assert api.get("/collections").get_json()["total"] == 1

    # An asset in two collections, and found by a collection's title.
    second = _collection(api, title="Campaña invierno")
    _post(api, f"/collections/{second['id']}/assets", {"asset_ids": [ids[1]]})
    assert api.get("/search?q=invierno").get_json()["total"] == 1
    assert api.get("/search?q=kit").get_json()["total"] == 2

    assert api.delete(f"/collections/{kit['id']}").status_code == 204
    assert api.get(f"/collections/{kit['id']}").status_code == 404
    assert all(api.get(f"/assets/{i}").status_code == 200 for i in ids)  # assets stay
    assert api.get("/search?q=kit").get_json()["total"] == 0


def test_collection_visibility_and_rights(app, api_for):
    owner = api_for("editor", agency="salud")
    kit = _collection(owner)
    mine = [upload(owner, n)["id"] for n in range(2)]
    _post(owner, f"/collections/{kit['id']}/assets", {"asset_ids": mine})

    outsider = api_for("editor", agency="educacion")
    assert outsider.get(f"/collections/{kit['id']}").status_code == 404
    assert outsider.get("/collections").get_json()["total"] == 0
    theirs = upload(outsider, 9)["id"]
    # The owner cannot add what it does not see (a 404, not a 403: no probing).
    r = _post(owner, f"/collections/{kit['id']}/assets", {"asset_ids": [theirs]})
    assert r.status_code == 404

    owner.client.patch(
        f"/api/v1/collections/{kit['id']}", json={"public": True}, headers=owner._headers()
    )
    change(app, mine[0], public=True, status="approved")
    seen = outsider.get(f"/collections/{kit['id']}/assets").get_json()
    assert [a["id"] for a in seen["results"]] == [mine[0]]
    r = _post(outsider, f"/collections/{kit['id']}/assets", {"asset_ids": [theirs]})
    assert r.status_code == 403  # seeing is not managing

    # A brand manager's press kit gathers approved photos of every agency.
    manager = api_for("brand_manager", agency=None)
    press = _collection(manager, title="Kit de prensa provincial", public=True)
    change(app, theirs, public=True, status="approved")
    r = _post(manager, f"/collections/{press['id']}/assets", {"asset_ids": [mine[1], theirs]})
    assert r.get_json() == {"added": 2}
    assert [
        a["id"] for a in outsider.get(f"/collections/{press['id']}/assets").get_json()["results"]
    ] == [theirs]

    viewer = api_for("viewer", agency="salud")
    assert _post(viewer, "/collections", {"title": "Mío"}).status_code == 403


def test_collection_pages(app, client, make_user, login):
    user = make_user("editor", agency="salud")
    login(user)
    api = Api(client, add_token(app, user))
    ids = [upload(api, n)["id"] for n in range(3)]
    assert "Todavía no hay colecciones" in client.get("/collections").get_data(True)
    r = client.post("/collections/new", data={"title": "Campaña dengue", "description": "Piezas"})
    assert r.status_code == 302
    url = r.headers["Location"]
    collection_id = int(url.rsplit("/", 1)[1])
    assert "Esta colección está vacía" in client.get(url).get_data(True)

    # From the asset page's menu.
    page = client.get(f"/assets/{ids[0]}").get_data(True)
    assert "Agregar a la colección" in page and "Campaña dengue" in page
    r = client.post(
        "/collections/add",
        data={
            "collection_id": str(collection_id),
            "asset_ids": str(ids[0]),
            "next": f"/assets/{ids[0]}",
        },
    )
    assert r.status_code == 302 and r.headers["Location"] == f"/assets/{ids[0]}"
    assert f'href="/collections/{collection_id}"' in client.get(f"/assets/{ids[0]}").get_data(True)
    # An open redirect is not: "next" must be a local path.
    r = client.post(
        f"/collections/{collection_id}/add",
        data={"asset_ids": [str(ids[1]), str(ids[2])], "next": "//evil.example/"},
    )
    assert r.headers["Location"] == url

    page = client.get(url).get_data(True)
    assert page.count('name="asset_ids"') == 3 and "Descargar todo (ZIP)" in page
    assert "3 recursos" in page
    r = client.post(
        f"/collections/{collection_id}/remove", data={"asset_ids": [str(ids[1])], "next": url}
    )
    assert r.status_code == 302
    assert client.get(url).get_data(True).count('name="asset_ids"') == 2
    r = client.post(f"/collections/{collection_id}/remove", data={"next": url})
    assert r.status_code == 302  # nothing selected: a message, not an error page

    edit = client.get(url + "/edit")
    assert edit.status_code == 200 and "Campaña dengue" in edit.get_data(True)
    client.post(url + "/edit", data={"title": "Campaña dengue 2026", "public": "y"})
    listing = client.get("/collections").get_data(True)
    assert "Campaña dengue 2026" in listing and "Visible para todos los organismos" in listing
    assert client.post(url + "/delete").status_code == 302
    assert client.get(url).status_code == 404


def test_the_openapi_document_describes_the_archive(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/events",
        "/events/{event_id}/assets",
        "/events/{event_id}/zip",
        "/collections/{collection_id}/assets/{asset_id}",
        "/assets/bulk",
        "/assets/zip",
        "/assets/{asset_id}/download",
        "/assets/{asset_id}/focal",
        "/presets",
    ):
        assert path in spec["paths"], path
    assert {"Event", "Collection"} <= set(spec["components"]["schemas"])
