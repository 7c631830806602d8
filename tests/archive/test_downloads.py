"""Downloads in the size each channel needs, with the credit written into the file."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from assets.metadata import extract
from assets.settings import IngestSettings
from assets.sniff import sniff
from tests.assets.media_factory import make_jpeg, make_mp4, make_png

SIZES = {
    "instagram-square": (1080, 1080),
    "instagram-story": (1080, 1920),
    "facebook": (1200, 630),
    "x": (1600, 900),
    "youtube-thumb": (1280, 720),
}


@pytest.fixture
def photo(api_for):
    api = api_for("photographer")
    body = api.upload(
        make_jpeg(3000, 2000),
        "acto.jpg",
        title="Acto en la plaza",
        credit="Ana Pérez / Prensa",
        copyright="© Gobierno Provincial",
    )
    assert body.status_code == 201
    return api, body.get_json()


@pytest.mark.parametrize(("preset", "size"), SIZES.items())
def test_presets_have_the_exact_size(photo, preset, size):
    api, asset = photo
    r = api.get(f"/assets/{asset['id']}/download?preset={preset}")
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "image/jpeg"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert f"acto-en-la-plaza-{preset}.jpg" in r.headers["Content-Disposition"]
    assert Image.open(io.BytesIO(r.data)).size == size


def test_web_and_print_and_free_sizes(photo):
    api, asset = photo
    web = Image.open(io.BytesIO(api.get(f"/assets/{asset['id']}/download?preset=web").data))
    assert max(web.size) == 1920
    printed = Image.open(io.BytesIO(api.get(f"/assets/{asset['id']}/download?preset=print").data))
    assert printed.size == (3000, 2000)
    free = api.get(f"/assets/{asset['id']}/download?width=500&height=500&format=png")
    assert free.mimetype == "image/png" and Image.open(io.BytesIO(free.data)).size == (500, 500)
    for bad in ("width=0", "width=99999", "width=abc", "format=exe", "preset=nope"):
        r = api.get(f"/assets/{asset['id']}/download?{bad}")
        assert r.status_code == 400, bad
        assert r.get_json()["error"]["message"]


def test_credit_travels_with_the_file(photo, tmp_path):
    api, asset = photo
    data = api.get(f"/assets/{asset['id']}/download?preset=facebook").data
    path = tmp_path / "bajada.jpg"
    path.write_bytes(data)
    info = extract(path, sniff(data[:4096]), IngestSettings())
    md = info.metadata
    assert md["exif"]["artist"] == "Ana Pérez / Prensa"
    assert md["exif"]["copyright"] == "© Gobierno Provincial"
    assert md["iptc"]["credit"] == "Ana Pérez / Prensa"
    assert "Ana Pérez / Prensa" in str(md["xmp"])
    png = api.get(f"/assets/{asset['id']}/download?width=300&format=png").data
    raw = Image.open(io.BytesIO(png)).getexif()[0x8298]
    assert raw.encode("latin-1").decode("utf-8") == "© Gobierno Provincial"


def test_derived_files_are_cached_in_the_store(app, photo):
    api, asset = photo
    store = app.extensions["brandhub.storage"]
    api.get(f"/assets/{asset['id']}/download?preset=x")
    keys = [k for k in store.iter_keys("derived/")]
    assert len(keys) == 1 and asset["sha256"] in keys[0]
    api.get(f"/assets/{asset['id']}/download?preset=x")
    assert list(store.iter_keys("derived/")) == keys


def test_presets_refuse_video_with_a_clear_message(api_for):
    api = api_for("editor")
    clip = api.upload(make_mp4(seconds=1.0), "clip.mp4").get_json()
    r = api.get(f"/assets/{clip['id']}/download?preset=web")
    assert r.status_code == 415
    assert "original" in r.get_json()["error"]["message"]


def test_asset_page_lists_the_presets(client, make_user, login):
    login(make_user("editor"))
    r = client.post(
        "/upload",
        data={"file": (io.BytesIO(make_png(400, 300)), "logo.png")},
        content_type="multipart/form-data",
    )
    page = client.get(r.headers["Location"]).get_data(True)
    assert "Instagram cuadrado (1080 × 1080)" in page
    assert "/download?preset=instagram-square" in page
