"""``POST /api/v1/assets/actions`` and an event's publication through the API."""

from __future__ import annotations

import pytest

from tests.factories import change, read, upload


def test_each_asset_is_answered_on_its_own(app, api_for):
    salud = api_for("editor", "salud")
    mine = upload(salud, 1)
    cultura = api_for("editor", "cultura")
    theirs = upload(cultura, 2)
    change(app, theirs["id"], status="approved", public=True)
    r = salud.post(
        "/assets/actions", json={"action": "review", "asset_ids": [mine["id"], theirs["id"], 99]}
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["action"], body["done"], body["refused"]) == ("review", 1, 2)
    rows = {row["id"]: row for row in body["results"]}
    assert rows[mine["id"]] == {"id": mine["id"], "done": True, "reason": None}
    assert rows[theirs["id"]]["done"] is False
    assert "otro organismo" in rows[theirs["id"]]["reason"]
    assert rows[99]["reason"] == "No existe o no puede verlo."
    assert read(app, mine["id"]).status == "in_review"


def test_a_viewer_token_changes_nothing(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 3)
    viewer = api_for("viewer", "salud")
    body = viewer.post("/assets/actions", json={"action": "approve", "asset_ids": [asset["id"]]})
    assert body.get_json()["results"][0]["reason"] == "Su rol solo permite ver los recursos."
    assert read(app, asset["id"]).status == "draft"


def test_publishing_with_rights_and_refusing_a_failing_piece(app, api_for):
    editor = api_for("editor", "salud")
    good, bad = upload(editor, 4), upload(editor, 5)
    change(app, bad["id"], compliance="fail")
    manager = api_for("brand_manager", None)
    r = manager.post(
        "/assets/actions",
        json={
            "action": "publish",
            "asset_ids": [good["id"], bad["id"]],
            "licence": "cc-by-4.0",
            "credit": "Foto: Salud",
        },
    )
    body = r.get_json()
    assert (body["done"], body["refused"]) == (1, 1)
    assert "reglas de la marca" in body["results"][1]["reason"]
    row = read(app, good["id"])
    assert (row.status, row.public, row.licence, row.credit) == (
        "approved",
        True,
        "cc-by-4.0",
        "Foto: Salud",
    )
    assert read(app, bad["id"]).public is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"action": "explode"}, "action"),
        ({"action": "rights"}, "licence"),
        ({"action": "rights", "licence": "gpl"}, "licence"),
        ({"action": "edit"}, "credit"),
        ({"action": "event"}, "event_id"),
        ({"action": "collection"}, "collection_id"),
        ({"action": "delete"}, "confirm"),
        ({"action": "delete", "confirm": "yes"}, "confirm"),
        ({"action": "review", "owner": "x"}, None),
    ],
)
def test_what_is_wrong_with_the_request_is_a_422(app, api_for, payload, field):
    editor = api_for("editor", "salud")
    asset = upload(editor, 6)
    r = editor.post("/assets/actions", json={"asset_ids": [asset["id"]], **payload})
    assert r.status_code == 422, r.get_json()
    if field:
        assert field in str(r.get_json()["error"])
    assert read(app, asset["id"]).status == "draft"


def test_deleting_needs_confirm_true(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 7)
    r = editor.post(
        "/assets/actions", json={"action": "delete", "asset_ids": [asset["id"]], "confirm": True}
    )
    assert r.get_json()["done"] == 1
    assert editor.get(f"/assets/{asset['id']}").status_code == 404


def test_an_events_publication_preview_then_publish(app, api_for):
    photographer = api_for("photographer", "prensa")
    event = photographer.post("/events", json={"title": "Acto"}).get_json()
    ids = [upload(photographer, 10 + n)["id"] for n in range(3)]
    photographer.post(f"/events/{event['id']}/assets", json={"asset_ids": ids})
    change(app, ids[2], compliance="fail")
    mine = photographer.get(f"/events/{event['id']}/publication").get_json()
    assert mine["appear"] == 0 and mine["refused"] == 3  # a photographer does not approve
    manager = api_for("brand_manager", None)
    preview = manager.get(f"/events/{event['id']}/publication").get_json()
    assert (preview["appear"], preview["refused"], preview["public"]) == (2, 1, False)
    assert read(app, ids[0]).status == "draft"
    r = manager.post(f"/events/{event['id']}/publication", json={"licence": "cc-by-4.0"})
    body = r.get_json()
    assert r.status_code == 200, body
    assert (body["appear"], body["refused"], body["public"]) == (2, 1, True)
    assert "/prensa/evento-" in body["presskit_url"]
    kit = app.test_client().get(body["presskit_url"].split("localhost", 1)[-1])
    assert kit.status_code == 200 and "CC BY 4.0" in kit.get_data(as_text=True)


def test_a_viewer_cannot_publish_an_event(app, api_for):
    photographer = api_for("photographer", "prensa")
    event = photographer.post("/events", json={"title": "Acto"}).get_json()
    viewer = api_for("viewer", "prensa")
    assert viewer.get(f"/events/{event['id']}/publication").status_code == 403
    assert viewer.post(f"/events/{event['id']}/publication", json={}).status_code == 403
    bad = photographer.post(f"/events/{event['id']}/publication", json={"licence": "gpl"})
    assert bad.status_code == 422
