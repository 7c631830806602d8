"""Events: create, read, change and delete them by page and API, with agency visibility,
their coverage in capture order, uploads into an event, and duplicates that join it."""

from __future__ import annotations

import io

import pytest

from tests.factories import PASSWORD, Api, add_token, add_user, change, photo, read, upload


def _event(api: Api, **fields) -> dict:
    body = {"title": "Inauguración del hospital", **fields}
    r = api.post("/events", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _post(api: Api, path: str, body: object):
    return api.client.post("/api/v1" + path, json=body, headers=api._headers())


def _patch(api: Api, path: str, body: object):
    return api.client.patch("/api/v1" + path, json=body, headers=api._headers())


def test_event_crud_through_the_api(api_for):
    api = api_for("photographer", agency="prensa")
    event = _event(
        api,
        starts_at="2026-05-25T10:30:00-03:00",
        place="Hospital Municipal, Av. San Martín 1200",
        photographers="Ana Pérez, Luis Gómez",
        press_release_url="https://prensa.gob.example/comunicados/123",
        description="Acto de inauguración.",
    )
    assert event["agency"] == "prensa" and event["asset_count"] == 0
    assert event["starts_at"] == "2026-05-25T13:30:00+00:00"
    assert event["links"]["page"] == f"/events/{event['id']}"

    r = _patch(api, f"/events/{event['id']}", {"place": "Plaza Mayor", "public": True})
    assert r.status_code == 200 and r.get_json()["place"] == "Plaza Mayor"
    assert r.get_json()["title"] == "Inauguración del hospital"  # fields not sent stay
    assert r.get_json()["public"] is True

    listed = api.get("/events?q=hospital").get_json()
    assert [e["id"] for e in listed["results"]] == [event["id"]] and listed["total"] == 1
    assert api.get("/events?q=escuela").get_json()["total"] == 0

    photo_id = upload(api, 1)["id"]
    assert _post(api, f"/events/{event['id']}/assets", {"asset_ids": [photo_id]}).status_code == 200
    assert api.delete(f"/events/{event['id']}").status_code == 204
    assert api.get(f"/events/{event['id']}").status_code == 404
    assert api.get(f"/assets/{photo_id}").status_code == 200  # the photo stays


def test_event_title_search_takes_the_words_as_typed(api_for):
    api = api_for("photographer", agency="prensa")
    ids = {
        t: _event(api, title=t)["id"]
        for t in ("Vacunación 100% gratuita", "Plan_2026", "Plan 2026")
    }

    def found(q: str) -> set[int]:
        r = api.client.get("/api/v1/events", query_string={"q": q}, headers=api._headers())
        assert r.status_code == 200
        return {e["id"] for e in r.get_json()["results"]}

    assert found("100%") == {ids["Vacunación 100% gratuita"]}
    assert found("%") == {ids["Vacunación 100% gratuita"]}  # a percent sign, not "anything"
    assert found("plan_") == {ids["Plan_2026"]}
    assert found("  PLAN \t 2026 ") == {ids["Plan 2026"]}
    assert found("plan \x002026") == {ids["Plan 2026"]}  # NUL: PostgreSQL refuses it
    assert found("\x00") == set(ids.values())


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": ""}, 400, "title"),
        ({"title": 5}, 422, None),
        ({"title": "x", "starts_at": "mañana"}, 422, None),
        ({"title": "x", "press_release_url": "javascript:alert(1)"}, 400, "press_release_url"),
        ({"title": "x", "public": "sí"}, 422, None),
        ({"title": "x", "colour": "red"}, 422, None),
        ({"title": "x" * 301}, 422, None),
    ],
)
def test_event_input_is_checked(api_for, body, status, field):
    api = api_for("editor", agency="prensa")
    r = _post(api, "/events", body)
    assert r.status_code == status, r.get_json()
    error = r.get_json()["error"]
    assert error["message"]
    if field:
        assert error["field"] == field
    assert _post(api, "/events", ["no", "object"]).status_code == 400


def test_agency_visibility_of_events_and_their_assets(app, api_for):
    owner = api_for("photographer", agency="prensa")
    event = _event(owner)
    first, second = upload(owner, 1)["id"], upload(owner, 2)["id"]
    _post(owner, f"/events/{event['id']}/assets", {"asset_ids": [first, second]})

    outsider = api_for("viewer", agency="salud")
    assert outsider.get(f"/events/{event['id']}").status_code == 404
    assert outsider.get(f"/events/{event['id']}/assets").status_code == 404
    assert outsider.get(f"/events/{event['id']}/zip").status_code == 404
    assert outsider.get("/events").get_json()["total"] == 0

    _patch(owner, f"/events/{event['id']}", {"public": True})
    change(app, first, public=True, status="approved")
    seen = outsider.get(f"/events/{event['id']}").get_json()
    assert seen["asset_count"] == 1  # only the public, approved photo
    assets = outsider.get(f"/events/{event['id']}/assets").get_json()
    assert [a["id"] for a in assets["results"]] == [first]

    # Seeing is not managing: another agency's editor cannot change or fill it.
    editor = api_for("editor", agency="salud")
    assert _patch(editor, f"/events/{event['id']}", {"title": "Otro"}).status_code == 403
    own = upload(editor, 3)["id"]
    r = _post(editor, f"/events/{event['id']}/assets", {"asset_ids": [own]})
    assert r.status_code == 403
    assert editor.delete(f"/events/{event['id']}").status_code == 403
    # Nor can a viewer create events.
    assert _post(outsider, "/events", {"title": "Acto"}).status_code == 403
    # An admin sees and manages everything.
    admin = api_for("admin", agency=None)
    assert admin.get(f"/events/{event['id']}").get_json()["asset_count"] == 2


def test_the_coverage_is_ordered_by_capture_time(api_for):
    api = api_for("photographer", agency="prensa")
    event = _event(api)
    times = ["2026:05:25 10:05:00", "2026:05:25 09:58:00", None, "2026:05:25 10:01:30"]
    for n, taken in enumerate(times):
        body = {"file": (io.BytesIO(photo(n, taken=taken)), f"toma-{n}.jpg"), "credit": "Prensa"}
        r = api.client.post(
            f"/api/v1/events/{event['id']}/assets",
            data=body,
            headers=api._headers(),
            content_type="multipart/form-data",
        )
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["credit"] == "Prensa"
    listed = api.get(f"/events/{event['id']}/assets").get_json()
    assert [a["title"] for a in listed["results"]] == ["toma 1", "toma 3", "toma 0", "toma 2"]
    found = api.get("/search?q=hospital").get_json()  # the event's title finds its photos
    assert found["total"] == 4


def test_event_pages_create_show_edit_and_delete(client, make_user, login):
    login(make_user("photographer", agency="prensa"))
    r = client.post(
        "/events/new",
        data={
            "title": "Conferencia de prensa",
            "starts_at": "2026-06-01T11:00",
            "place": "Casa de Gobierno",
            "photographers": "Ana Pérez",
            "press_release_url": "https://prensa.gob.example/c/9",
        },
    )
    assert r.status_code == 302
    url = r.headers["Location"]
    page = client.get(url).get_data(True)
    assert "Conferencia de prensa" in page and "Casa de Gobierno" in page
    assert "1 de junio de 2026 · 11:00" in page  # stored in UTC, shown in local time
    assert 'href="https://prensa.gob.example/c/9"' in page
    assert "Elegir una carpeta entera" in page and "webkitdirectory" in page
    listing = client.get("/events").get_data(True)
    assert "Conferencia de prensa" in listing

    bad = client.post("/events/new", data={"title": "", "press_release_url": "ftp://x"})
    assert bad.status_code == 400
    assert "https://" in bad.get_data(True)

    edit = client.get(url + "/edit").get_data(True)
    assert 'value="2026-06-01T11:00"' in edit
    r = client.post(
        url + "/edit",
        data={"title": "Conferencia de prensa del gobernador", "starts_at": "2026-06-01T11:30"},
    )
    assert r.status_code == 302
    assert "Conferencia de prensa del gobernador" in client.get(url).get_data(True)
    r = client.post(url + "/delete")
    assert r.status_code == 302 and client.get(url).status_code == 404


def test_a_viewer_of_another_agency_does_not_see_the_event_page(app, client, login):
    owner = add_user(app, "photographer", agency="prensa")
    api = Api(client, add_token(app, owner))
    event = _event(api)
    login(add_user(app, "viewer", agency="salud"))
    assert client.get(f"/events/{event['id']}").status_code == 404
    assert "Inauguración" not in client.get("/events").get_data(True)
    assert client.get("/events/new").status_code == 302  # viewers cannot create


def test_the_event_drop_zone_archives_files_into_the_event(app, client, make_user, login):
    user = make_user("photographer", agency="prensa")
    login(user)
    api = Api(client, add_token(app, user))
    event = _event(api)
    elsewhere = _event(api, title="Otro acto")
    loose = upload(api, 7)["id"]  # already in the library, in no event
    taken = upload(api, 8)["id"]
    _post(api, f"/events/{elsewhere['id']}/assets", {"asset_ids": [taken]})

    def drop(n: int):
        return client.post(
            f"/events/{event['id']}/upload",
            data={
                "file": (io.BytesIO(photo(n)), f"foto-{n}.jpg"),
                "credit": "Ana Pérez",
                "tags": "acto, hospital",
                "copyright": "CC BY 4.0",
            },
            headers={"Accept": "application/json"},
        )

    r = drop(1)
    assert r.status_code == 201
    body = r.get_json()
    assert body["url"] == f"/assets/{body['id']}" and "/r/thumb" in body["thumb"]
    created = read(app, body["id"])
    assert created.event_id == event["id"] and created.credit == "Ana Pérez"
    assert created.copyright == "CC BY 4.0" and created.tag_names == ["acto", "hospital"]
    assert created.agency_id == user.agency_id

    again = drop(7)
    assert again.status_code == 409
    assert again.get_json()["error"]["existing_url"] == f"/assets/{loose}"
    assert read(app, loose).event_id == event["id"]  # "already imported": joins the event
    assert drop(8).status_code == 409
    assert read(app, taken).event_id == elsewhere["id"]  # another coverage keeps its photo

    bad = client.post(
        f"/events/{event['id']}/upload",
        data={"file": (io.BytesIO(b"not an image at all"), "notas.txt")},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 415 and bad.get_json()["error"]["message"]

    other = app.test_client()
    other.post(
        "/login", data={"email": make_user("viewer", agency="prensa").email, "password": PASSWORD}
    )
    r = other.post(
        f"/events/{event['id']}/upload",
        data={"file": (io.BytesIO(photo(9)), "foto-9.jpg")},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


def test_assets_join_and_leave_events_from_the_asset_page(app, client, make_user, login):
    user = make_user("editor", agency="prensa")
    login(user)
    api = Api(client, add_token(app, user))
    event = _event(api)
    asset = upload(api, 1)["id"]
    page = client.get(f"/assets/{asset}").get_data(True)
    assert "Evento y colecciones" in page and "Inauguración del hospital" in page
    r = client.post(f"/events/assign/{asset}", data={"event_id": str(event["id"])})
    assert r.status_code == 302
    assert read(app, asset).event_id == event["id"]
    assert f'href="/events/{event["id"]}"' in client.get(f"/assets/{asset}").get_data(True)
    client.post(f"/events/assign/{asset}", data={"event_id": ""})
    assert read(app, asset).event_id is None

    _post(api, f"/events/{event['id']}/assets", {"asset_ids": [asset]})
    assert api.delete(f"/events/{event['id']}/assets/{asset}").status_code == 204
    assert api.delete(f"/events/{event['id']}/assets/{asset}").status_code == 404
    r = _post(api, f"/events/{event['id']}/assets", {"asset_ids": ["1"]})
    assert r.status_code == 422
    assert _post(api, f"/events/{event['id']}/assets", {"asset_ids": [999999]}).status_code == 404


def test_archive_forms_need_the_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    user = add_user(app, "admin", agency=None)
    client = app.test_client()
    page = client.get("/login").get_data(True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    for path in (
        "/events/new",
        "/collections/new",
        "/assets/bulk",
        "/assets/selection.zip",
        "/assets/1/focal",
        "/collections/add",
    ):
        r = client.post(path, data={"title": "Sin token", "asset_ids": "1"})
        assert r.status_code == 400, path
