"""User-supplied bytes never run in a browser: every way out carries safe headers.

An SVG that arrived with scripts, handlers and external references is served —
as an original, as its thumbnail and preview, as a preset download, by range,
through the API and the pages — with its own Content-Type, ``nosniff``, a
Content-Security-Policy that allows no script (``default-src 'none'`` and a
sandbox), and as an attachment where a browser would otherwise render it.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.security.corpus import BY_NAME, png

ACTIVE = (b"<script", b"onclick", b"onload", b"javascript:", b"foreignobject", b"evil.example")


def hostile_svg() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60" '
        b'onload="alert(1)"><script>alert(2)</script>'
        b'<rect width="120" height="60" fill="#0b5cad" onclick="alert(3)"/>'
        b'<a xlink:href="javascript:alert(4)"><circle cx="30" cy="30" r="20" fill="#f2a900"/></a>'
        b'<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example"/>'
        b"</foreignObject></svg>"
    )


def assert_inert(response, *, mime: str, attachment: bool) -> None:
    assert response.status_code in (200, 206), response.status_code
    assert response.headers["Content-Type"].split(";")[0] == mime
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp
    disposition = response.headers.get("Content-Disposition", "")
    if attachment:
        assert disposition.startswith("attachment;"), disposition
    body = response.get_data().lower()
    for needle in ACTIVE:
        assert needle not in body, needle


@pytest.fixture
def uploaded(api_for):
    api = api_for("editor")
    svg = api.upload(hostile_svg(), "logo.svg").get_json()
    photo = api.upload(png(77, 64, 64), "foto.png").get_json()
    assert svg["kind"] == "vector" and set(svg["links"]["renditions"]) >= {"thumb", "preview"}
    return api, svg, photo


def test_the_svg_original_is_an_inert_attachment(uploaded) -> None:
    api, svg, _photo = uploaded
    for query in ("", "?download=1"):
        response = api.get(f"/assets/{svg['id']}/file{query}")
        assert_inert(response, mime="image/svg+xml", attachment=True)
    ranged = api.get(f"/assets/{svg['id']}/file", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert_inert(ranged, mime="image/svg+xml", attachment=True)


@pytest.mark.parametrize("name", ["thumb", "preview"])
def test_the_svg_renditions_are_inert_images(uploaded, name) -> None:
    api, svg, _photo = uploaded
    response = api.get(f"/assets/{svg['id']}/renditions/{name}")
    assert_inert(response, mime="image/webp", attachment=False)
    assert response.get_data().startswith(b"RIFF")


def test_a_preset_download_of_the_svg(uploaded) -> None:
    api, svg, _photo = uploaded
    response = api.get(f"/assets/{svg['id']}/download?preset=web")
    assert response.status_code == 200, response.data[:200]
    assert_inert(response, mime=response.headers["Content-Type"].split(";")[0], attachment=True)


def test_the_pages_serve_the_same_headers(uploaded) -> None:
    api, svg, photo = uploaded
    web = api.client.application.test_client()
    web.post("/login", data={"email": api.user.email, "password": PASSWORD})
    assert_inert(web.get(f"/assets/{svg['id']}/file"), mime="image/svg+xml", attachment=True)
    assert_inert(web.get(f"/assets/{svg['id']}/r/thumb"), mime="image/webp", attachment=False)
    page = web.get(f"/assets/{svg['id']}")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # A raster photo may show inline, still with nosniff and the file policy.
    inline = web.get(f"/assets/{photo['id']}/file")
    assert_inert(inline, mime="image/png", attachment=False)
    assert inline.headers["Content-Disposition"].startswith("inline;")


def test_names_are_escaped_in_the_headers_and_pages(api_for) -> None:
    api = api_for("editor")
    case = BY_NAME["name-html-markup"]
    asset = api.upload(case.data, case.filename).get_json()
    response = api.get(f"/assets/{asset['id']}/file?download=1")
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "<" not in disposition
    web = api.client.application.test_client()
    web.post("/login", data={"email": api.user.email, "password": PASSWORD})
    page = web.get(f"/assets/{asset['id']}").get_data(as_text=True)
    assert "<img src=x" not in page
