"""The approval workflow: the transition table, who may make each move, history, pages."""

from __future__ import annotations

import pytest

from brandhub.operations.status import TRANSITIONS
from tests.factories import PASSWORD, Api, add_token, add_user, change, read, upload


def _move(api, asset_id, status, comment=""):
    return api.post(f"/assets/{asset_id}/status", json={"status": status, "comment": comment})


@pytest.mark.parametrize(
    ("role", "frm", "to", "expected"),
    [
        ("editor", "draft", "in_review", 200),
        ("photographer", "draft", "in_review", 200),
        ("editor", "in_review", "draft", 200),
        ("editor", "in_review", "approved", 403),
        ("photographer", "in_review", "approved", 403),
        ("viewer", "draft", "in_review", 403),
        ("viewer", "in_review", "approved", 403),
        ("brand_manager", "in_review", "approved", 200),
        ("admin", "in_review", "approved", 200),
        ("editor", "approved", "archived", 403),
        ("brand_manager", "approved", "archived", 200),
        ("brand_manager", "approved", "in_review", 200),
        ("editor", "archived", "draft", 200),
        ("editor", "draft", "archived", 200),
        # Not in the table, whoever asks: 409.
        ("admin", "draft", "approved", 409),
        ("brand_manager", "archived", "approved", 409),
        ("editor", "draft", "draft", 409),
    ],
)
def test_transitions_by_role(app, api_for, role, frm, to, expected):
    owner = api_for("editor", "salud")
    asset = upload(owner, 1)
    change(app, asset["id"], status=frm)
    actor = api_for(role, "salud")
    r = _move(actor, asset["id"], to)
    assert r.status_code == expected, r.get_json()
    assert read(app, asset["id"]).status == (to if expected == 200 else frm)


def test_every_transition_in_the_table_is_reachable_by_an_admin(app, api_for):
    admin = api_for("admin", None)
    asset = upload(api_for("editor", "salud"), 2)
    for (frm, to), _who in TRANSITIONS.items():
        change(app, asset["id"], status=frm)
        assert _move(admin, asset["id"], to).status_code == 200, (frm, to)


def test_an_invalid_transition_is_a_409_that_says_what_is_allowed(api_for):
    admin = api_for("admin", None)
    asset = upload(api_for("editor", "salud"), 3)
    r = _move(admin, asset["id"], "approved")
    assert r.status_code == 409
    error = r.get_json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["current"] == "draft"
    assert set(error["allowed"]) == {"in_review", "archived"}
    assert error["message"] == "Un recurso no puede pasar de su estado actual al que se pidió."


def test_an_unknown_status_is_a_400(api_for):
    admin = api_for("admin", None)
    asset = upload(api_for("editor", "salud"), 4)
    assert _move(admin, asset["id"], "published").status_code == 400
    r = admin.post(f"/assets/{asset['id']}/status", json={})
    assert r.status_code == 422


def test_history_keeps_who_when_from_to_and_why(api_for):
    editor = api_for("editor", "salud")
    manager = api_for("brand_manager", None)
    asset = upload(editor, 5)
    assert _move(editor, asset["id"], "in_review", "Lista para revisar").status_code == 200
    assert _move(manager, asset["id"], "draft", "Falta el crédito").status_code == 200
    assert _move(editor, asset["id"], "in_review").status_code == 200
    r = _move(manager, asset["id"], "approved", "Aprobada")
    assert r.get_json()["status"] == "approved"
    assert r.get_json()["change"]["to"] == "approved"
    history = editor.get(f"/assets/{asset['id']}/history").get_json()
    moves = [(c["from"], c["to"], c["comment"], c["user"]) for c in history["changes"]]
    assert moves == [
        ("in_review", "approved", "Aprobada", manager.user.email),
        ("draft", "in_review", "", editor.user.email),
        ("in_review", "draft", "Falta el crédito", manager.user.email),
        ("draft", "in_review", "Lista para revisar", editor.user.email),
    ]
    assert all(c["at"] for c in history["changes"])
    assert history["allowed"] == []  # an editor cannot move an approved asset
    assert set(manager.get(f"/assets/{asset['id']}/history").get_json()["allowed"]) == {
        "in_review",
        "archived",
    }


def test_only_approved_public_assets_reach_other_agencies(app, api_for):
    owner = api_for("editor", "salud")
    outsider = api_for("viewer", "educacion")
    asset = upload(owner, 6)
    change(app, asset["id"], public=True)
    for status in ("draft", "in_review", "archived"):
        change(app, asset["id"], status=status)
        assert outsider.get(f"/assets/{asset['id']}").status_code == 404, status
    change(app, asset["id"], status="approved")
    assert outsider.get(f"/assets/{asset['id']}").status_code == 200


def test_the_page_shows_buttons_for_the_allowed_moves_only(app, client, make_user, login):
    editor = make_user("editor", "salud")
    manager = make_user("brand_manager", None)
    asset = upload(Api(client, add_token(app, editor)), 7)
    change(app, asset["id"], status="in_review")
    login(editor)
    html = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert 'value="draft"' in html and 'value="approved"' not in html
    client.post("/logout")
    login(manager)
    html = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert 'name="status" value="approved"' in html and 'name="status" value="draft"' in html
    r = client.post(f"/assets/{asset['id']}/status", data={"status": "approved", "comment": "ok"})
    assert r.status_code == 302
    assert read(app, asset["id"]).status == "approved"
    page = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "history-panel" in page and "ok" in page


def test_the_page_answers_409_for_a_move_not_in_the_table(app, client, make_user, login):
    editor = make_user("editor", "salud")
    asset = upload(Api(client, add_token(app, editor)), 8)
    login(make_user("admin", None))
    r = client.post(f"/assets/{asset['id']}/status", data={"status": "approved"})
    assert r.status_code == 409
    assert read(app, asset["id"]).status == "draft"


def test_workflow_forms_need_the_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    manager = add_user(app, "brand_manager", None)
    asset = upload(Api(client, add_token(app, manager)), 9)
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": manager.email, "password": PASSWORD, "csrf_token": token})
    for path, data in (
        (f"/assets/{asset['id']}/status", {"status": "in_review"}),
        (f"/assets/{asset['id']}/rights", {"licence": "cc0-1.0"}),
        ("/share/1/revoke", {}),
    ):
        assert client.post(path, data=data).status_code == 400, path
    assert read(app, asset["id"]).status == "draft"
