"""Camera raw through the API, the upload page and ``brandhub import``, with its JPEG presets."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from brandhub.categories import asset_category
from tests.assets.media_factory.raw import make_dng, with_dimensions
from tests.factories import read, upload_page


@pytest.fixture(scope="module")
def dng() -> bytes:
    return make_dng(640, 424)


def test_api_upload_of_a_dng_is_a_photo_with_camera_and_previews(api_for, app, dng):
    api = api_for("photographer")
    r = api.upload(dng, "IMG_0001.DNG")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["kind"], body["mime"]) == ("image", "image/x-adobe-dng")
    assert (body["width"], body["height"]) == (640, 424)
    assert set(body["links"]["renditions"]) == {"thumb", "preview"}
    asset = read(app, body["id"])
    assert asset.metadata_json["exif"]["model"] == "Canon EOS R6"
    assert asset_category(asset) == "photo"
    preview = api.get(f"/assets/{body['id']}/renditions/preview")
    assert Image.open(io.BytesIO(preview.data)).size == (640, 424)
    # A JPEG preset is made from the raw; the original stays the DNG.
    web = api.get(f"/assets/{body['id']}/download?preset=web")
    assert web.status_code == 200 and web.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(web.data)).size == (640, 424)
    original = api.get(f"/assets/{body['id']}/file")
    assert original.data == dng


def test_api_refuses_a_truncated_raw_and_absurd_dimensions(api_for, dng):
    api = api_for("photographer")
    for data in (dng[: len(dng) // 2], with_dimensions(dng, 300_000, 300_000)):
        r = api.upload(data, "roto.dng")
        assert r.status_code == 422, r.get_json()


def test_upload_page_takes_a_raw_and_its_page_shows_the_camera(app, client, login):
    from tests.factories import add_user

    login(add_user(app, "photographer", agency="salud"))
    # Under 500 kB: the form parser keeps it in memory.
    r = upload_page(client, make_dng(400, 264), "IMG_0002.dng", as_json=True)
    assert r.status_code in (200, 201), r.get_data(as_text=True)
    asset_id = r.get_json()["asset"]["id"] if "asset" in r.get_json() else r.get_json()["id"]
    page = client.get(f"/assets/{asset_id}").get_data(as_text=True)
    assert "Canon EOS R6" in page and "RF24-105mm F4 L IS USM" in page


def test_import_takes_a_folder_of_raws(app, runner, tmp_path, dng):
    from tests.factories import add_user

    add_user(app, "admin", agency=None)
    add_user(app, "photographer", agency="prensa")
    (tmp_path / "cobertura").mkdir()
    (tmp_path / "cobertura" / "DSC_0001.dng").write_bytes(dng)
    (tmp_path / "cobertura" / "DSC_0002.DNG").write_bytes(make_dng(320, 212, iso=800))
    r = runner.invoke(args=["import", str(tmp_path / "cobertura"), "--agency", "prensa"])
    assert r.exit_code == 0, r.output
    assert "Importados: 2" in r.output
