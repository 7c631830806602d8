"""Usage rights: licences, credit line, restrictions, expiry and embargo on public pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from brandhub.operations.rights import LICENCES, rights_state
from tests.factories import Api, add_token, approve, read, upload


def _patch(api, asset_id, **payload):
    return api.patch(f"/assets/{asset_id}/rights", json=payload)


def _iso(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def test_rights_are_set_and_read_through_the_api(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 40)
    r = _patch(
        editor,
        asset["id"],
        licence="cc-by-4.0",
        credit="Foto: Ana Pérez / Salud",
        restrictions="No usar en publicidad política.",
        expires_at=_iso(400),
        embargo_until=_iso(1),
        public=True,
    )
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["licence"] == "cc-by-4.0"
    assert body["credit"] == "Foto: Ana Pérez / Salud"
    assert body["rights_state"] == "embargoed"
    assert body["public"] is True
    rights = editor.get(f"/assets/{asset['id']}/rights").get_json()
    assert rights["restrictions"] == "No usar en publicidad política."
    assert set(rights["licences"]) == set(LICENCES)
    # Only the members sent change; null clears a date.
    assert _patch(editor, asset["id"], embargo_until=None).get_json()["embargo_until"] is None
    assert read(app, asset["id"]).licence == "cc-by-4.0"


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"licence": "gpl"}, 422, "licence"),
        ({"expires_at": "mañana"}, 422, "expires_at"),
        ({"public": "yes"}, 422, "public"),
        ({"credit": 5}, 422, "credit"),
        ({"owner": "x"}, 422, None),
    ],
)
def test_bad_rights_are_refused(api_for, payload, status, field):
    editor = api_for("editor", "salud")
    asset = upload(editor, 41)
    r = _patch(editor, asset["id"], **payload)
    assert r.status_code == status, r.get_json()
    error = r.get_json()["error"]
    if field:
        assert field == error.get("field") or field in error.get("fields", {})


def test_an_embargo_must_end_before_the_expiry(api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 42)
    r = _patch(editor, asset["id"], embargo_until=_iso(10), expires_at=_iso(5))
    assert r.status_code == 422  # well formed, but the two dates do not fit
    assert r.get_json()["error"]["field"] == "embargo_until"


def test_only_editors_change_rights(api_for):
    asset = upload(api_for("editor", "salud"), 43)
    assert _patch(api_for("viewer", "salud"), asset["id"], licence="cc0-1.0").status_code == 403
    assert _patch(api_for("editor", "obras"), asset["id"], licence="cc0-1.0").status_code == 404


def test_rights_state_marks_expired_expiring_and_embargoed():
    class A:
        expires_at = embargo_until = None

    now = datetime(2026, 5, 1, tzinfo=UTC)
    a = A()
    assert rights_state(a, now) is None
    a.expires_at = now + timedelta(days=10)
    assert rights_state(a, now) == "expiring"
    a.expires_at = now + timedelta(days=90)
    assert rights_state(a, now) is None
    a.expires_at = now - timedelta(seconds=1)
    assert rights_state(a, now) == "expired"
    a.expires_at, a.embargo_until = None, now + timedelta(hours=1)
    assert rights_state(a, now) == "embargoed"


@pytest.mark.parametrize(
    ("values", "visible"),
    [
        ({}, True),
        ({"expires_at": timedelta(days=-1)}, False),
        ({"embargo_until": timedelta(days=1)}, False),
        ({"embargo_until": timedelta(days=-1), "expires_at": timedelta(days=30)}, True),
    ],
)
def test_expired_and_embargoed_assets_leave_public_pages(app, api_for, client, values, visible):
    owner = api_for("editor", "salud")
    asset = upload(owner, 44)
    now = datetime.now(UTC)
    approve(app, asset["id"], public=True, **{k: now + v for k, v in values.items()})
    expected = 200 if visible else 404
    # Another agency sees only what is public.
    assert api_for("viewer", "educacion").get(f"/assets/{asset['id']}").status_code == expected
    # Anonymous visitors: the thumbnail of a public asset.
    thumb = f"/assets/{asset['id']}/r/thumb"
    assert app.test_client().get(thumb).status_code == expected
    # Its own agency still sees it, with its badge.
    assert owner.get(f"/assets/{asset['id']}").status_code == 200


def test_search_for_other_agencies_leaves_out_expired_and_embargoed_assets(app, api_for):
    owner = api_for("editor", "salud")
    outsider = api_for("viewer", "educacion")
    ids = [upload(owner, 45 + n, title=f"Vacunación {n}")["id"] for n in range(3)]
    for asset_id in ids:
        approve(app, asset_id, public=True)
    # Through the API, so the search outbox is drained after each write.
    assert _patch(owner, ids[1], expires_at=_iso(-1)).status_code == 200
    assert _patch(owner, ids[2], embargo_until=_iso(2)).status_code == 200
    found = outsider.get("/search?q=vacunacion").get_json()
    assert [r["id"] for r in found["results"]] == [ids[0]]
    assert owner.get("/search?q=vacunacion").get_json()["total"] == 3


def test_the_page_shows_rights_badges_and_saves_the_form_in_local_time(
    app, client, make_user, login
):
    editor = make_user("editor", "salud")
    asset = upload(Api(client, add_token(app, editor)), 48)
    login(editor)
    r = client.post(
        f"/assets/{asset['id']}/rights",
        data={
            "licence": "cc-by-4.0",
            "credit": "Foto: Prensa",
            "restrictions": "",
            "expires_at": "2030-01-01T10:00",
            "embargo_until": "",
            "public": "y",
        },
    )
    assert r.status_code == 302
    saved = read(app, asset["id"])
    # America/Argentina/Buenos_Aires is UTC-3.
    assert saved.expires_at == datetime(2030, 1, 1, 13, 0, tzinfo=UTC)
    assert saved.public and saved.licence == "cc-by-4.0"
    page = client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "creativecommons.org/licenses/by/4.0" in page
    approve(app, asset["id"], public=True, expires_at=datetime.now(UTC) + timedelta(days=3))
    assert "badge--expiring" in client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    approve(app, asset["id"], public=True, expires_at=datetime.now(UTC) - timedelta(days=3))
    assert "badge--expired" in client.get(f"/assets/{asset['id']}").get_data(as_text=True)
    bad = client.post(f"/assets/{asset['id']}/rights", data={"licence": "nope"})
    assert bad.status_code == 302
    assert read(app, asset["id"]).licence == "cc-by-4.0"


def test_library_cards_show_expiring_and_expired_badges(app, client, make_user, login):
    editor = make_user("editor", "salud")
    api = Api(client, add_token(app, editor))
    soon = upload(api, 49, title="Pronto")["id"]
    gone = upload(api, 50, title="Ya vencida")["id"]
    now = datetime.now(UTC)
    approve(app, soon, expires_at=now + timedelta(days=5))
    approve(app, gone, expires_at=now - timedelta(days=5))
    login(editor)
    html = client.get("/").get_data(as_text=True)
    assert html.count("badge--expiring") == 1 and html.count("badge--expired") == 1
