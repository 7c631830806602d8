"""Who may do what, across agencies: role × agency × action, through the API and the pages.

The assets belong to the agency "salud". Each person is of "salud" (the same
agency) or of "obras" (another one). Admins and brand managers see and manage
every agency; editors and photographers read, change and delete their own
agency's assets and upload to it; viewers only read their agency's. Nobody
but admins and brand managers approves. An asset of another agency that is not
public answers 404 to everything, exactly as an id that does not exist, so ids
cannot be probed; a public one can be read and nothing more (403).
"""

from __future__ import annotations

import pytest

from tests.factories import Api, add_token, add_user, change, photo, upload

ROLES = ("admin", "brand_manager", "editor", "photographer", "viewer")
SAME, OTHER = "salud", "obras"
GLOBAL = {"admin", "brand_manager"}
EDITORS = {"editor", "photographer"}


def expected(role: str, agency: str, action: str, public: bool = False) -> int:
    """The HTTP status of ``action`` on a salud asset for ``role`` of ``agency`` (API)."""
    ok = {"read": 200, "write": 200, "delete": 204, "approve": 200}[action]
    if role in GLOBAL:
        return ok
    if agency != SAME:
        if not public:
            return 404
        return 200 if action == "read" else 403
    if action == "read":
        return ok
    if action in ("write", "delete"):
        return ok if role in EDITORS else 403
    return 403  # approve


CASES = [(role, agency) for role in ROLES for agency in (SAME, OTHER)]


@pytest.fixture
def owner(app, client):
    user = add_user(app, "editor", SAME)
    return Api(client, add_token(app, user))


def _status(api, asset_id, status):
    return api.post(f"/assets/{asset_id}/status", json={"status": status})


@pytest.mark.parametrize(("role", "agency"), CASES)
def test_api(app, client, owner, role, agency):
    person = Api(client, add_token(app, add_user(app, role, agency)))
    asset = upload(owner, 1)["id"]
    change(app, asset, status="in_review")
    got = {
        "read": person.get(f"/assets/{asset}").status_code,
        "write": person.patch(f"/assets/{asset}", json={"title": "Cambiado"}).status_code,
        "approve": _status(person, asset, "approved").status_code,
        "delete": person.delete(f"/assets/{asset}").status_code,
    }
    want = {action: expected(role, agency, action) for action in got}
    assert got == want
    # Reading the file follows reading the asset; its versions and history, editing it.
    other = upload(owner, 2)["id"]
    read = expected(role, agency, "read")
    edit = 200 if expected(role, agency, "write") == 200 else read if read != 200 else 403
    assert person.get(f"/assets/{other}/file").status_code == read
    assert person.get(f"/assets/{other}/versions").status_code == edit
    assert person.get(f"/assets/{other}/history").status_code == edit


@pytest.mark.parametrize(("role", "agency"), CASES)
def test_api_on_a_public_approved_asset(app, client, owner, role, agency):
    person = Api(client, add_token(app, add_user(app, role, agency)))
    asset = upload(owner, 3)["id"]
    change(app, asset, status="approved", public=True)
    got = {
        "read": person.get(f"/assets/{asset}").status_code,
        # Before the write: an editor's new title takes the asset back to review.
        "approve": _status(person, asset, "archived").status_code,  # an approver's move
        "write": person.patch(f"/assets/{asset}", json={"title": "Cambiado"}).status_code,
        "delete": person.delete(f"/assets/{asset}").status_code,
    }
    assert got == {a: expected(role, agency, a, public=True) for a in got}


@pytest.mark.parametrize(("role", "agency"), CASES)
def test_api_upload_to_an_agency(app, client, role, agency):
    add_user(app, "viewer", SAME)  # the agency exists
    person = Api(client, add_token(app, add_user(app, role, agency)))
    r = person.upload(photo(4), "foto.jpg", agency=SAME)
    if role in GLOBAL or (role in EDITORS and agency == SAME):
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["agency"] == SAME
    else:
        assert r.status_code == 403
    if role in EDITORS:  # without an agency given, one's own
        r = person.upload(photo(5), "otra.jpg")
        assert r.status_code == 201 and r.get_json()["agency"] == agency


def test_a_guessed_id_of_another_agency_looks_like_a_missing_one(app, client, owner):
    person = Api(client, add_token(app, add_user(app, "editor", OTHER)))
    asset = upload(owner, 6)["id"]
    hidden = person.get(f"/assets/{asset}")
    missing = person.get(f"/assets/{asset + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
    assert hidden.get_json()["error"]["message"] == missing.get_json()["error"]["message"]
    for path in ("/file", "/versions/1/file", "/rights", "/similar", "/downloads", "/history"):
        assert person.get(f"/assets/{asset}{path}").status_code == 404, path


def _page_expected(role: str, agency: str, action: str) -> int:
    status = expected(role, agency, action)
    return 302 if status in (200, 204) and action != "read" else status


@pytest.mark.parametrize(("role", "agency"), CASES)
def test_pages(app, client, owner, login, role, agency):
    person = add_user(app, role, agency)
    asset = upload(owner, 7)["id"]
    change(app, asset, status="in_review")
    login(person)
    got = {
        "read": client.get(f"/assets/{asset}").status_code,
        "write": client.post(f"/assets/{asset}/edit", data={"title": "Cambiado"}).status_code,
        "approve": client.post(f"/assets/{asset}/status", data={"status": "approved"}).status_code,
        "delete": client.post(f"/assets/{asset}/delete").status_code,
    }
    assert got == {a: _page_expected(role, agency, a) for a in got}
    other = upload(owner, 8)["id"]
    read = expected(role, agency, "read")
    assert client.get(f"/assets/{other}/file").status_code == read
    assert client.get(f"/assets/{other}/r/thumb").status_code == read
    edit = 200 if expected(role, agency, "write") == 200 else read if read != 200 else 403
    assert client.get(f"/assets/{other}/versions/1/file").status_code == edit
    page = client.get(f"/assets/{other}").get_data(as_text=True) if read == 200 else ""
    # Buttons only for what the person may do.
    if read == 200:
        assert ("/edit" in page) == (expected(role, agency, "write") == 200)
        assert (f"/assets/{other}/rights" in page) == (expected(role, agency, "write") == 200)
