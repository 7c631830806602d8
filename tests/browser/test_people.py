"""People in Chromium: an administrator invites a photographer of one agency on the web;
the link, read from the page, is opened in a fresh browser that sets a password and is
signed in with that role and agency. The people list and the invitation pages at
1280 and 360 px.

Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

from brandhub.models import Agency, Asset, User
from tests.assets.media_factory import make_jpeg
from tests.browser.conftest import drop_files, screenshot, sign_in
from tests.factories import add_user, session

PASSWORD = "una clave bastante larga"


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_an_invited_photographer_sets_a_password_and_works_in_their_agency(
    browser, page, live_server, live_app
):
    base = live_server.url
    admin = add_user(live_app, "admin", agency="prensa")
    editor = add_user(live_app, "editor", agency="salud", email="editora@salud.gob")
    add_user(live_app, "viewer", agency="obras", email="lectora@obras.gob")

    sign_in(page, base, admin.email)
    page.goto(base + "/admin")
    page.get_by_role("navigation", name="Administración").get_by_role(
        "link", name="Personas"
    ).click()
    page.wait_for_url(base + "/admin/people")
    assert page.get_by_role("heading", level=1).inner_text() == "Personas"
    screenshot(page, "people-list-1280")

    page.get_by_role("link", name="Invitar a una persona").click()
    page.get_by_label("Correo electrónico").fill("fotografa@salud.gob")
    page.get_by_label("Rol").select_option(label="Fotógrafo/a")
    page.get_by_label("Organismo").select_option(label="Agencia Salud")
    screenshot(page, "people-invite-form-1280")
    page.get_by_role("button", name="Crear la invitación").click()
    field = page.locator("[data-access-url]")
    link = field.input_value()
    assert link.startswith(base + "/invitacion/"), link
    assert "Rol: Fotógrafo/a" in page.content() and "Organismo: Agencia Salud" in page.content()
    screenshot(page, "people-invite-link-1280")

    page.set_viewport_size({"width": 360, "height": 800})
    assert _no_sideways_scroll(page)
    screenshot(page, "people-invite-link-360")
    page.goto(base + "/admin/people/invite")
    assert _no_sideways_scroll(page)
    screenshot(page, "people-invite-form-360")
    page.goto(base + "/admin/people")
    assert _no_sideways_scroll(page)
    screenshot(page, "people-list-360")
    page.get_by_role("link", name=editor.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == editor.name
    assert _no_sideways_scroll(page)
    screenshot(page, "people-person-360")
    page.goto(base + "/admin/agencies")
    assert _no_sideways_scroll(page)
    screenshot(page, "people-agencies-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "people-agencies-1280")

    guest = browser.new_context(locale="es-AR", viewport={"width": 1280, "height": 900})
    try:
        other = guest.new_page()
        other.set_default_timeout(15000)
        other.goto(link)
        assert "fotografa@salud.gob" in other.content()
        screenshot(other, "people-join-1280")
        other.get_by_label("Su nombre").fill("Lucía Fotógrafa")
        other.get_by_label("Contraseña nueva").fill(PASSWORD)
        other.get_by_label("Repita la contraseña").fill(PASSWORD)
        other.get_by_role("button", name="Abrir mi cuenta").click()
        other.wait_for_url(base + "/")
        assert "Lucía Fotógrafa" in other.content()

        with session(live_app) as db:
            person = db.query(User).filter_by(email="fotografa@salud.gob").one()
            assert (person.role, person.agency.slug) == ("photographer", "salud")

        # A photographer uploads into their agency, and is no administrator.
        other.goto(base + "/upload")
        drop_files(other, {"rueda-de-prensa.jpg": make_jpeg(640, 480, color=(40, 120, 200))})
        other.locator(".upload-item.is-done").first.wait_for()
        with session(live_app) as db:
            asset = db.query(Asset).filter_by(uploaded_by_id=person.id).one()
            assert asset.agency is not None and asset.agency.slug == "salud"
        response = other.goto(base + "/admin")
        assert response is not None and response.status == 403

        # The link worked once.
        again = other.goto(link)
        assert again is not None and again.status == 410
        assert "ya se usó" in other.content()
    finally:
        guest.close()

    with session(live_app) as db:
        assert db.query(Agency).filter_by(slug="salud").one().name == "Agencia Salud"
