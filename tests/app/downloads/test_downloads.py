"""Downloads in the size each channel needs, with the credit written into the file."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms

from assets.metadata import extract
from assets.settings import IngestSettings
from assets.sniff import sniff
from tests.assets.media_factory import make_jpeg, make_mp4, make_png
from tests.factories import Api, add_token, add_user, upload_page

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
    r = upload_page(client, make_png(400, 300), "logo.png")
    page = client.get(r.headers["Location"]).get_data(True)
    assert "Instagram cuadrado (1080 × 1080)" in page
    assert "/download?preset=instagram-square" in page


def _banded(width: int = 3600, height: int = 2000) -> bytes:
    """Blue, with a red band on the left 20%: where a crop lands shows in its pixels."""
    im = Image.new("RGB", (width, height), (20, 40, 220))
    im.paste((230, 20, 20), (0, 0, width // 5, height))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def _red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 150 and pixel[2] < 100


def test_crops_centre_on_the_focal_point(app, api_for, client, login):
    api = api_for("photographer", agency="prensa")
    asset = api.upload(_banded(), "banda.jpg").get_json()
    square = f"/assets/{asset['id']}/download?preset=instagram-square"
    centred = Image.open(io.BytesIO(api.get(square).data))
    assert centred.size == (1080, 1080) and not _red(centred.getpixel((5, 540)))
    # (Sources large enough for every preset: a raster is never upscaled.)

    r = api.post(f"/assets/{asset['id']}/focal", json={"x": 0.05, "y": 0.5})
    assert r.status_code == 200 and r.get_json() == {"x": 0.05, "y": 0.5}
    for preset, size in SIZES.items():
        data = api.get(f"/assets/{asset['id']}/download?preset={preset}").data
        crop = Image.open(io.BytesIO(data))
        assert crop.size == size, preset
        assert _red(crop.getpixel((5, size[1] // 2))), preset  # the crop slid to the left edge
    store = app.extensions["brandhub.storage"]
    assert len(list(store.iter_keys(f"derived/{asset['sha256']}/"))) == 1 + len(SIZES)  # new keys

    # The same on the asset page: a click posts the point (JSON for the script).
    login(api.user)
    page = client.get(f"/assets/{asset['id']}").get_data(True)
    assert "data-focal-form" in page and 'data-x="0.05"' in page
    r = client.post(
        f"/assets/{asset['id']}/focal",
        data={"x": "0.9", "y": "0.25"},
        headers={"Accept": "application/json"},
    )
    assert r.get_json() == {"x": 0.9, "y": 0.25}
    crop = Image.open(io.BytesIO(api.get(square).data))
    assert not _red(crop.getpixel((5, 540)))
    for bad in ({"x": "2", "y": "0.5"}, {"x": "a", "y": "b"}, {"y": "0.5"}):
        assert client.post(f"/assets/{asset['id']}/focal", data=bad).status_code == 400
    for bad_json in ({"x": 1.5, "y": 0}, {"x": True, "y": 0}, {"x": "0.1", "y": 0.1}):
        r = api.post(f"/assets/{asset['id']}/focal", json=bad_json)
        assert r.status_code == 422, bad_json
    viewer = api_for("viewer", agency="prensa")
    r = viewer.post(f"/assets/{asset['id']}/focal", json={"x": 0, "y": 0})
    assert r.status_code == 403


def test_print_downloads_keep_the_pixels_with_an_srgb_profile(photo, tmp_path):
    api, asset = photo
    printed = Image.open(io.BytesIO(api.get(f"/assets/{asset['id']}/download?preset=print").data))
    assert printed.size == (3000, 2000)
    profile = ImageCms.ImageCmsProfile(io.BytesIO(printed.info["icc_profile"]))
    assert ImageCms.getProfileDescription(profile).startswith("sRGB")
    tiff_data = api.get(f"/assets/{asset['id']}/download?preset=print-tiff").data
    tiff = Image.open(io.BytesIO(tiff_data))
    assert tiff.format == "TIFF" and tiff.size == (3000, 2000)
    assert tiff.info.get("icc_profile") and tiff.getexif()[0x013B]
    path = tmp_path / "impresion.tiff"
    path.write_bytes(tiff_data)
    md = extract(path, sniff(tiff_data[:4096]), IngestSettings()).metadata
    assert md["exif"]["artist"] == "Ana Pérez / Prensa"
    presets = api.get("/presets").get_json()["results"]
    assert {p["name"] for p in presets} >= {"web", "print", "print-tiff", "whatsapp", *SIZES}


def test_free_size_limits_say_what_is_allowed(app_factory, tmp_path):
    app = app_factory(DOWNLOAD_MAX_SIDE=2000)
    client = app.test_client()
    api = Api(client, add_token(app, add_user(app, "editor", "salud")))
    asset = api.upload(make_jpeg(800, 600), "a.jpg").get_json()
    r = api.get(f"/assets/{asset['id']}/download?width=2001")
    assert r.status_code == 400 and "2000" in r.get_json()["error"]["message"]
    r = api.get(f"/assets/{asset['id']}/download?format=gif")
    assert "jpeg, png, webp, tiff" in r.get_json()["error"]["message"]
    r = api.get(f"/assets/{asset['id']}/download?height=300&format=webp")
    assert r.mimetype == "image/webp" and Image.open(io.BytesIO(r.data)).size == (400, 300)
    r = api.get(f"/assets/{asset['id']}/download?width=1600")  # never upscaled
    assert Image.open(io.BytesIO(r.data)).size == (800, 600)


def test_a_refused_edit_shows_the_asset_page_again(client, make_user, login):
    login(make_user("editor"))
    r = upload_page(client, make_png(400, 300), "logo.png")
    url = r.headers["Location"]
    r = client.post(url + "/edit", data={"title": "x" * 400})
    assert r.status_code == 400


def test_a_download_is_revalidated_not_kept(photo):
    api, asset = photo
    url = f"/assets/{asset['id']}/download?preset=web"
    first = api.get(url)
    assert "no-cache" in first.headers["Cache-Control"]
    again = api.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    api.patch(f"/assets/{asset['id']}", json={"credit": "Otra persona"})
    changed = api.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
