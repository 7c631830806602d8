"""Publishing an event's coverage to the press kit in one step, after a preview."""

from __future__ import annotations

from tests.factories import PASSWORD, Api, add_token, add_user, change, read, upload


def _coverage(app, client, count=3):
    photographer = add_user(app, "photographer", "prensa")
    api = Api(client, add_token(app, photographer), photographer)
    event = api.post("/events", json={"title": "Inauguración del hospital"}).get_json()
    ids = [
        upload(api, 70 + n, title=f"Foto {n}", credit="Foto: Ana Pérez")["id"] for n in range(count)
    ]
    r = api.post(f"/events/{event['id']}/assets", json={"asset_ids": ids})
    assert r.status_code in (200, 201), r.get_json()
    return photographer, event, ids


def _sign_in(client, user):
    client.post("/logout")
    r = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 302


def _kit(app, event_id):
    anon = app.test_client()
    return anon.get(f"/prensa/evento-{event_id}", follow_redirects=True).get_data(as_text=True)


def test_a_public_event_with_unpublished_photos_says_its_kit_is_empty(app, client):
    photographer, event, ids = _coverage(app, client)
    _sign_in(client, photographer)
    client.post(f"/events/{event['id']}/edit", data={"title": event["title"], "public": "y"})
    html = client.get(f"/events/{event['id']}").get_data(as_text=True)
    assert "El kit de prensa muestra 0 de 3 archivos" in html
    assert f"/events/{event['id']}/publish" in html
    assert "Foto 0" not in _kit(app, event["id"])


def test_the_preview_says_which_photos_will_appear_and_why_not(app, client):
    _photographer, event, ids = _coverage(app, client)
    change(app, ids[1], compliance="fail")
    manager = add_user(app, "brand_manager", None)
    _sign_in(client, manager)
    r = client.get(f"/events/{event['id']}/publish")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "2 aparecerán en el kit de prensa" in html
    assert "1 no aparecerá, y por qué" in html
    assert "No cumple con las reglas de la marca" in html
    assert 'value="Foto: Ana Pérez"' in html  # the credit they share, ready to keep
    assert "Publicar 2 fotos" in html
    assert read(app, ids[0]).status == "draft"  # the preview changes nothing


def test_publishing_sets_the_rights_approves_and_fills_the_kit(app, client):
    _photographer, event, ids = _coverage(app, client)
    change(app, ids[2], compliance="fail")
    manager = add_user(app, "brand_manager", None)
    _sign_in(client, manager)
    r = client.post(
        f"/events/{event['id']}/publish",
        data={
            "step": "publish",
            "licence": "cc-by-nd-4.0",
            "credit": "Foto: Ana Pérez / Prensa",
            "restrictions": "Solo uso editorial.",
        },
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "2 hechos, 1 rechazado" in html
    assert "/prensa/evento-" in html
    for i in ids[:2]:
        row = read(app, i)
        assert (row.status, row.public, row.licence) == ("approved", True, "cc-by-nd-4.0")
        assert row.credit == "Foto: Ana Pérez / Prensa"
    assert read(app, ids[2]).status == "draft"
    kit = _kit(app, event["id"])
    assert "Foto 0" in kit and "Foto 1" in kit and "Foto 2" not in kit
    assert "CC BY-ND 4.0" in kit and "Solo uso editorial." in kit
    assert "De uso libre" not in kit


def test_only_the_selected_photos_are_published(app, client):
    _photographer, event, ids = _coverage(app, client)
    manager = add_user(app, "brand_manager", None)
    _sign_in(client, manager)
    r = client.post(
        f"/events/{event['id']}/publish",
        data={"step": "preview", "asset_ids": [str(ids[0])]},
    )
    assert "Publicar 1 foto" in r.get_data(as_text=True)
    client.post(
        f"/events/{event['id']}/publish",
        data={"step": "publish", "asset_ids": [str(ids[0])], "licence": "cc-by-4.0"},
    )
    assert read(app, ids[0]).public is True
    assert read(app, ids[1]).public is False


def test_a_photographer_sees_that_a_brand_manager_must_approve(app, client):
    photographer, event, ids = _coverage(app, client)
    _sign_in(client, photographer)
    html = client.get(f"/events/{event['id']}/publish").get_data(as_text=True)
    assert "0 aparecerán en el kit de prensa" in html
    assert "Solo los responsables de marca y los administradores aprueban" in html
    client.post(f"/events/{event['id']}/publish", data={"step": "publish"})
    assert {read(app, i).status for i in ids} == {"draft"}


def test_a_viewer_cannot_publish_a_coverage(app, client):
    _photographer, event, ids = _coverage(app, client)
    change(app, ids[0], status="approved", public=True)
    viewer = add_user(app, "viewer", "prensa")
    _sign_in(client, viewer)
    r = client.get(f"/events/{event['id']}/publish")
    assert r.status_code == 302
    r = client.post(f"/events/{event['id']}/publish", data={"step": "publish"})
    assert r.status_code == 302
    assert read(app, ids[1]).status == "draft"
