"""Login, CSRF, the library grid, upload form and asset page, in Spanish and English."""

from __future__ import annotations

import re

from tests.assets.media_factory import make_jpeg
from tests.factories import PASSWORD, Api, add_token, add_user, upload_page


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def test_login_page_is_spanish_by_default(client):
    r = client.get("/login")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert '<html lang="es">' in html
    assert "Iniciar sesión" in html


def test_english_from_accept_language_and_from_the_switcher(client):
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(True)
    assert '<html lang="en">' in html and "Sign in" in html
    html = client.get("/login?lang=es", headers={"Accept-Language": "en"}).get_data(True)
    assert '<html lang="es">' in html
    # The choice sticks for the session.
    assert '<html lang="es">' in client.get("/login", headers={"Accept-Language": "en"}).get_data(
        True
    )


def test_library_requires_login(client):
    r = client.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user("editor")
    r = client.post("/login", data={"email": user.email, "password": "nope"})
    assert r.status_code == 401
    assert "El correo electrónico o la contraseña no son correctos." in r.get_data(True)


def test_login_then_logout_ends_every_session(client, make_user, login, app):
    user = make_user("editor")
    r = login(user)
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    old_cookie = client.get_cookie("session").value
    token = _csrf(client.get("/").get_data(True))
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    # A copy of the old cookie no longer signs anyone in.
    client.set_cookie("session", old_cookie)
    assert client.get("/").status_code == 302


def test_csrf_is_required_on_forms(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = add_user(app, "editor")
    r = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 400
    assert "formulario" in r.get_data(True)
    token = _csrf(client.get("/login").get_data(True))
    r = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    # Uploads too.
    r = upload_page(client, make_jpeg(20, 20), "a.jpg")
    assert r.status_code == 400


def test_open_redirect_is_refused(client, make_user):
    user = make_user("editor")
    r = client.post(
        "/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD}
    )
    assert r.headers["Location"] == "/"


def test_upload_form_grid_asset_page_and_download(client, make_user, login):
    login(make_user("photographer"))
    data = make_jpeg(1200, 800, exif={"make": "Cámara", "model": "X100", "f_number": 2.8})
    r = upload_page(
        client,
        data,
        "inauguracion.jpg",
        title="Inauguración de la escuela",
        tags="escuela, acto",
        credit="Juan Gómez",
    )
    assert r.status_code == 302
    page_url = r.headers["Location"]
    asset_id = int(page_url.rstrip("/").split("/")[-1])

    grid = client.get("/").get_data(True)
    assert "Inauguración de la escuela" in grid
    assert f"/assets/{asset_id}/r/thumb?v=" in grid
    assert 'alt="Inauguración de la escuela"' in grid

    page = client.get(page_url).get_data(True)
    for heading in ("Créditos y derechos", "Técnica", "Descargar"):
        assert heading in page
    assert "1.200 × 800 px" in page  # numbers formatted for Spanish
    assert "Juan Gómez" in page

    thumb_url = re.search(r'src="(/assets/\d+/r/thumb\?v=[0-9a-f]+)"', grid).group(1)
    thumb = client.get(thumb_url)
    assert thumb.status_code == 200 and thumb.mimetype == "image/webp"
    assert "max-age=31536000" in thumb.headers["Cache-Control"]

    original = client.get(f"/assets/{asset_id}/file?download=1")
    assert original.data == data
    assert original.headers["Content-Disposition"].startswith("attachment;")


def test_upload_for_the_drop_zone_answers_json(client, make_user, login):
    login(make_user("editor"))
    r = upload_page(client, make_jpeg(50, 50), "a.jpg", as_json=True)
    assert r.status_code == 201
    assert r.get_json()["url"].startswith("/assets/")
    bad = upload_page(client, b"MZ\x90\x00 executable", "a.jpg", as_json=True)
    assert bad.status_code == 415
    assert bad.get_json()["error"]["message"]


def test_viewer_cannot_upload(client, make_user, login):
    login(make_user("viewer"))
    r = client.get("/upload")
    assert r.status_code == 302


def test_edit_and_delete_from_the_asset_page(client, make_user, login):
    login(make_user("editor"))
    r = upload_page(client, make_jpeg(30, 30), "a.jpg")
    url = r.headers["Location"]
    asset_id = url.split("/")[-1]
    r = client.post(f"/assets/{asset_id}/edit", data={"title": "Otro título", "tags": "uno"})
    assert r.status_code == 302
    assert "Otro título" in client.get(url).get_data(True)
    r = client.post(f"/assets/{asset_id}/delete")
    assert r.status_code == 302
    assert client.get(url).status_code == 404


def test_security_headers_on_pages(client):
    r = client.get("/login")
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"


def test_library_pages_through_assets(app_factory):
    app = app_factory(PER_PAGE=2)
    user = add_user(app, "editor")
    api = Api(app.test_client(), add_token(app, user))
    for i in range(3):
        api.upload(make_jpeg(20 + i, 20), f"foto{i}.jpg", title=f"Foto {i}")
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    first = client.get("/").get_data(True)
    assert "Página 1 de 2" in first and 'href="/?page=2"' in first
    assert "Foto 2" in first and "Foto 0" not in first
    second = client.get("/?page=2").get_data(True)
    assert "Foto 0" in second and 'rel="prev"' in second
    assert client.get("/?page=abc").status_code == 200


def test_failed_logins_are_rate_limited_and_logged(client, make_user, caplog):
    user = make_user("editor")
    for _ in range(10):
        r = client.post("/login", data={"email": user.email, "password": "nope"})
        assert r.status_code == 401
    r = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert "Demasiados intentos fallidos" in r.get_data(True)
    assert any("failed login" in rec.getMessage() for rec in caplog.records)
    # Another account from the same address is not locked out by these.
    other = make_user("viewer")
    r = client.post("/login", data={"email": other.email, "password": PASSWORD})
    assert r.status_code == 302


def test_the_tab_icon_is_the_institutions_initials_on_its_colour(app_factory):
    app = app_factory(INSTITUTION_SHORT_NAME="Muni & Co", INSTITUTION_PRIMARY_COLOR="#123456")
    client = app.test_client()
    r = client.get("/favicon.ico")  # where a browser asks first, before reading any page
    assert r.status_code == 200
    assert r.mimetype == "image/svg+xml"
    svg = r.get_data(as_text=True)
    assert svg.startswith("<svg") and 'fill="#123456"' in svg and ">Mu</text>" in svg
    assert '<link rel="icon" href="/favicon.ico" type="image/svg+xml">' in client.get(
        "/login"
    ).get_data(as_text=True)


def test_the_language_button_is_named_by_what_it_shows(client):
    html = client.get("/login").get_data(as_text=True)
    summary = re.search(r'<details class="menu lang-menu">\s*<summary>(.*?)</summary>', html, re.S)
    assert summary, "no language menu"
    assert "aria-label" not in summary.group(1)  # the name comes from the text: "Idioma: ES"
    text = re.sub(r"<[^>]+>", "", summary.group(1))
    assert " ".join(text.split()) == "Idioma: ES"


def test_the_edit_form_shows_the_tags_as_words(client, make_user, login):
    user = make_user("editor")
    api = Api(client, add_token(client.application, user))
    r = api.upload(make_jpeg(64, 48), "acto.jpg", tags="hospital, salud")
    assert r.status_code == 201
    login(user)
    html = client.get(f"/assets/{r.get_json()['id']}").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="tags"[^>]*>', html)
    assert field and 'value="hospital, salud"' in field.group(0), field
