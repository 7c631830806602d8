"""No user input is reflected unescaped; user files are served inert; cookies are flagged."""

from __future__ import annotations

import io

from tests.assets.media_factory import make_jpeg, make_svg
from tests.factories import PASSWORD, add_user

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_xss_is_escaped_on_every_page(client, make_user, login):
    login(make_user("editor"))
    r = client.post(
        "/upload",
        data={
            "file": (io.BytesIO(make_jpeg(40, 40)), f"{PAYLOAD}.jpg"),
            "title": PAYLOAD,
            "tags": PAYLOAD,
            "credit": PAYLOAD,
            "caption": PAYLOAD,
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302, r.get_data(True)[:500]
    asset_url = r.headers["Location"]
    for url in ("/", asset_url, "/?q=" + PAYLOAD, "/?page=" + PAYLOAD):
        html = client.get(url).get_data(True)
        assert "<script>alert" not in html, url
        assert "onerror=alert(1)>" not in html, url
    assert "&lt;script&gt;alert(" in client.get(asset_url).get_data(True)


def test_reflected_query_in_the_search_box_is_escaped(client, make_user, login):
    login(make_user("viewer"))
    html = client.get('/?q="><script>alert(1)</script>').get_data(True)
    assert "<script>alert(1)</script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html or "&quot;&gt;&lt;script&gt;" in html


def test_error_pages_do_not_reflect_the_path(client):
    r = client.get("/<script>alert(1)</script>")
    assert r.status_code == 404
    assert "<script>alert(1)</script>" not in r.get_data(True)


def test_uploaded_svg_is_served_inert(api_for):
    api = api_for("editor")
    asset = api.upload(make_svg(), "logo.svg").get_json()
    assert asset["kind"] == "vector"
    r = api.get(f"/assets/{asset['id']}/file")
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp
    assert b"<script" not in r.data


def test_session_cookie_flags(app_factory, make_user):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    user = add_user(app, "editor")
    r = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
