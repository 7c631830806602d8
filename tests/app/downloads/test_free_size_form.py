"""The free-size form of the download menus: where it sends, and the limits it states."""

from __future__ import annotations

import re

from brandhub.presets import DEFAULT_ANONYMOUS_MAX_SIDE, DEFAULT_MAX_SIDE, max_side
from tests.assets.media_factory import make_jpeg, make_mp4
from tests.factories import Api, add_token, add_user, approve


def _form(html: str) -> str:
    match = re.search(r"<form class=\"free-size\".*?</form>", html, re.S)
    assert match, "no free-size form"
    return match.group(0)


def test_the_longest_side_for_people_and_for_visitors():
    assert max_side({}) == DEFAULT_MAX_SIDE
    assert max_side({}, anonymous=True) == DEFAULT_ANONYMOUS_MAX_SIDE
    assert max_side({"DOWNLOAD_MAX_SIDE": 3000}, anonymous=True) == 3000
    assert max_side({"DOWNLOAD_MAX_SIDE": 3000, "ANONYMOUS_DOWNLOAD_MAX_SIDE": 1000}) == 3000
    config = {"DOWNLOAD_MAX_SIDE": 3000, "ANONYMOUS_DOWNLOAD_MAX_SIDE": 1000}
    assert max_side(config, anonymous=True) == 1000


def test_the_asset_page_offers_a_free_size_that_the_download_accepts(app_factory, tmp_path):
    app = app_factory(DOWNLOAD_MAX_SIDE=5000)
    user = add_user(app, "editor")
    client = app.test_client()
    api = Api(client, add_token(app, user))
    asset = api.upload(make_jpeg(800, 600), "acto.jpg").get_json()
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})

    form = _form(client.get(f"/assets/{asset['id']}").get_data(as_text=True))
    assert f'action="/assets/{asset["id"]}/download"' in form and 'method="get"' in form
    assert 'data-max="5000"' in form and 'max="5000"' in form
    assert "Hasta 5.000 px." in form and "de 1 a 5.000 píxeles" in form
    for name in ("width", "height", "format"):
        assert f'name="{name}"' in form
    for label in ("Ancho (px)", "Alto (px)", "Formato", "Tamaño a medida"):
        assert label in form
    assert re.findall(r'<option value="([a-z]+)"', form) == ["jpeg", "png", "webp", "tiff"]

    # What the form sends (an empty side is left out by the page's script, or sent empty).
    r = client.get(f"/assets/{asset['id']}/download?width=200&height=&format=png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    r = client.get(f"/assets/{asset['id']}/download?width=5001&format=png")
    assert r.status_code == 400
    assert "de 1 a 5000 píxeles" in r.get_data(as_text=True)


def test_no_free_size_for_what_cannot_be_resized_and_the_visitors_limit(app_factory):
    app = app_factory()
    user = add_user(app, "editor")
    client = app.test_client()
    api = Api(client, add_token(app, user))
    clip = api.upload(make_mp4(), "clip.mp4").get_json()
    photo = api.upload(make_jpeg(800, 600), "foto.jpg").get_json()
    approve(app, photo["id"])
    link = api.post("/share-links", json={"asset_id": photo["id"]}).get_json()
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    assert 'class="free-size"' not in client.get(f"/assets/{clip['id']}").get_data(as_text=True)

    visitor = app.test_client()
    form = _form(visitor.get(f"/s/{link['token']}").get_data(as_text=True))
    assert f'data-max="{DEFAULT_ANONYMOUS_MAX_SIDE}"' in form
