"""The pages of people and agencies under /admin, and the pages a one-time link opens."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from brandhub.models import AccessLink, Agency, Asset, User, utcnow
from tests.factories import Api, add_token, session

STRONG = "una clave bastante larga"


@pytest.fixture
def admin(app, make_user, login):
    user = make_user("admin", "prensa")
    assert login(user).status_code == 302
    return user


def _link(page: bytes) -> str:
    found = re.search(rb'data-access-url|value="(http[^"]+)"', page)
    match = re.search(rb'value="(http://[^"]+)"[^>]*data-access-url', page)
    assert found and match, page.decode()[:2000]
    return urlsplit(match.group(1).decode()).path


def test_only_administrators_see_the_pages(app, client, make_user, login):
    login(make_user("brand_manager", None))
    for path in ("/admin/people", "/admin/people/invite", "/admin/agencies", "/admin/agencies/new"):
        assert client.get(path).status_code == 403, path
    anonymous = app.test_client()
    assert anonymous.get("/admin/people").status_code == 302


def test_the_list_filters_and_links_each_person(client, admin, make_user):
    make_user("photographer", "prensa", email="ana@prensa.gob")
    make_user("editor", "salud", email="beto@salud.gob")
    page = client.get("/admin/people?role=photographer").get_data(as_text=True)
    assert "ana@prensa.gob" in page and "beto@salud.gob" not in page
    page = client.get("/admin/people?q=beto").get_data(as_text=True)
    assert "beto@salud.gob" in page and "ana@prensa.gob" not in page
    page = client.get("/admin/people?agency=salud&state=active").get_data(as_text=True)
    assert "beto@salud.gob" in page
    # Nonsense filters are ignored, not an error.
    assert client.get("/admin/people?role=x&state=y&page=abc").status_code == 200
    assert 'href="/admin/people"' in client.get("/admin").get_data(as_text=True)


def test_an_invitation_lets_the_person_in_with_its_role_and_agency(app, client, admin):
    with session(app) as db:
        db.add(Agency(slug="salud", name="Salud"))
        db.commit()
    form = client.get("/admin/people/invite").get_data(as_text=True)
    assert '<option selected value="prensa">' in form or 'value="prensa" selected' in form
    r = client.post(
        "/admin/people/invite",
        data={"email": "Foto@Salud.gob", "role": "photographer", "agency": "salud"},
    )
    assert r.status_code == 200
    path = _link(r.data)
    assert path.startswith("/invitacion/")
    with session(app) as db:
        link = db.query(AccessLink).one()
        assert path.rsplit("/", 1)[1] not in link.token_hash

    guest = app.test_client()
    assert b"foto@salud.gob" in guest.get(path).data
    short = guest.post(path, data={"name": "Foto", "password": "corta", "confirm": "corta"})
    assert short.status_code == 400
    r = guest.post(path, data={"name": "Fotógrafa Uno", "password": STRONG, "confirm": STRONG})
    assert r.status_code == 302 and urlsplit(r.location).path == "/"
    with session(app) as db:
        person = db.query(User).filter_by(email="foto@salud.gob").one()
        assert (person.role, person.agency.slug, person.name) == (
            "photographer",
            "salud",
            "Fotógrafa Uno",
        )
    assert guest.get("/admin").status_code == 403
    assert guest.get("/upload").status_code == 200
    # Used: a clear page, not an error.
    again = app.test_client().get(path)
    assert again.status_code == 410 and "ya se usó" in again.get_data(as_text=True)
    assert app.test_client().get("/invitacion/nada").status_code == 404


def test_inviting_an_existing_address_is_refused(client, admin, make_user):
    make_user("viewer", "prensa", email="ya@prensa.gob")
    r = client.post(
        "/admin/people/invite", data={"email": "ya@prensa.gob", "role": "viewer", "agency": ""}
    )
    assert r.status_code == 409 and "Ya existe" in r.get_data(as_text=True)
    bad = client.post("/admin/people/invite", data={"email": "x", "role": "rey", "agency": "zz"})
    assert bad.status_code == 400


def test_role_and_agency_change_and_the_last_admin_stays(app, client, admin, make_user):
    person = make_user("viewer", "prensa")
    with session(app) as db:
        db.add(Agency(slug="salud", name="Salud"))
        db.commit()
    r = client.post(f"/admin/people/{person.id}", data={"role": "editor", "agency": "salud"})
    assert r.status_code == 302
    with session(app) as db:
        row = db.get(User, person.id)
        assert (row.role, row.agency.slug) == ("editor", "salud")
    r = client.post(f"/admin/people/{admin.id}", data={"role": "viewer", "agency": "prensa"})
    assert r.status_code == 409 and "último administrador" in r.get_data(as_text=True)
    with session(app) as db:
        assert db.get(User, admin.id).role == "admin"
    assert client.get("/admin/people/999999").status_code == 404


def test_disabling_ends_sessions_and_tokens(app, client, admin, make_user):
    person = make_user("editor", "prensa")
    token = add_token(app, person)
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
    assert theirs.get("/").status_code == 200
    api = Api(app.test_client(), token)
    assert api.get("/assets").status_code == 200

    r = client.post(f"/admin/people/{person.id}/active", data={"active": "0"})
    assert r.status_code == 302
    assert theirs.get("/").status_code == 302
    assert api.get("/assets").status_code == 401
    listed = client.get("/admin/people?state=disabled").get_data(as_text=True)
    assert person.email in listed

    client.post(f"/admin/people/{person.id}/active", data={"active": "1"})
    with session(app) as db:
        assert db.get(User, person.id).active
    # An administrator cannot disable themself.
    client.post(f"/admin/people/{admin.id}/active", data={"active": "0"})
    with session(app) as db:
        assert db.get(User, admin.id).active


def test_a_reset_link_sets_a_new_password(app, client, admin, make_user):
    person = make_user("editor", "prensa")
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
    r = client.post(f"/admin/people/{person.id}/reset")
    assert r.status_code == 200
    path = _link(r.data)
    assert path.startswith("/restablecer/")
    holder = app.test_client()
    mismatch = holder.post(path, data={"password": STRONG, "confirm": STRONG + "x"})
    assert mismatch.status_code == 400
    r = holder.post(path, data={"password": STRONG, "confirm": STRONG})
    assert r.status_code == 302
    assert holder.get("/").status_code == 200
    assert theirs.get("/").status_code == 302  # the old session ended
    fresh = app.test_client()
    ok = fresh.post("/login", data={"email": person.email, "password": STRONG})
    assert ok.status_code == 302
    with session(app) as db:
        link = db.query(AccessLink).one()
        link.used_at = None
        link.expires_at = utcnow()
        db.commit()
    expired = app.test_client().get(path)
    assert expired.status_code == 410 and "venció" in expired.get_data(as_text=True)


def test_agencies_are_created_and_edited(app, client, admin):
    page = client.get("/admin/agencies/new").get_data(as_text=True)
    assert "gobierno-provincial" in page or "Ninguna" in page
    r = client.post(
        "/admin/agencies/new",
        data={"name": "Secretaría de Cultura", "slug": "", "brand_slug": "", "time_zone": ""},
    )
    assert r.status_code == 302
    with session(app) as db:
        made = db.query(Agency).filter_by(slug="secretaria-de-cultura").one()
    listed = client.get("/admin/agencies").get_data(as_text=True)
    assert "Secretaría de Cultura" in listed
    bad = client.post(
        f"/admin/agencies/{made.id}",
        data={"name": "Cultura", "slug": "cultura", "brand_slug": "", "time_zone": "Marte/X"},
    )
    assert bad.status_code == 400 and "zona horaria" in bad.get_data(as_text=True).lower()
    taken = client.post(
        f"/admin/agencies/{made.id}",
        data={"name": "Cultura", "slug": "prensa", "brand_slug": "", "time_zone": ""},
    )
    assert taken.status_code == 409
    ok = client.post(
        f"/admin/agencies/{made.id}",
        data={"name": "Cultura", "slug": "cultura", "brand_slug": "", "time_zone": "America/Lima"},
    )
    assert ok.status_code == 302
    with session(app) as db:
        row = db.get(Agency, made.id)
        assert (row.slug, row.name, row.time_zone) == ("cultura", "Cultura", "America/Lima")
    assert client.get("/admin/agencies/999999").status_code == 404


def test_a_global_role_always_chooses_the_agency_when_uploading(app, client, make_user, login):
    admin = make_user("admin", "prensa")
    login(admin)
    page = client.get("/upload").get_data(as_text=True)
    assert 'id="agency"' in page and 'value="prensa" selected' in page


def test_an_admin_without_agency_uploads_into_the_only_agency(app, make_user):
    from tests.factories import photo

    make_user("editor", "prensa")
    admin = make_user("admin", None)
    api = Api(app.test_client(), add_token(app, admin), admin)
    r = api.upload(photo(3), "acto.jpg")
    assert r.status_code == 201, r.get_json()
    with session(app) as db:
        asset = db.get(Asset, r.get_json()["id"])
        assert asset.agency is not None and asset.agency.slug == "prensa"
