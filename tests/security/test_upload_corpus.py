"""The hostile corpus (tests/security/corpus.py) through the upload API.

For every case: the answer comes within 10 s, with the expected status and
error code and a message in Spanish (and in English when asked); a refusal
leaves the store, the database and the temporary folder exactly as they were;
an accepted file keeps a safe name, and an accepted SVG keeps none of its active
content. Run ``python -m tests.security.corpus`` for the table.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assets.settings import PILLOW_MAX_IMAGE_PIXELS
from tests.assets import media_factory as mf
from tests.factories import Api, add_token, add_user
from tests.security.corpus import CASES, Case
from tests.security.support import State, answered, error_of, leftovers, safe_name


class Uploader:
    def __init__(self, app_factory, tmp_path: Path, **config) -> None:
        self.tmp = tmp_path / "spool"
        self.tmp.mkdir()
        self.app = app_factory(UPLOAD_TMP_DIR=str(self.tmp), **config)
        user = add_user(self.app, "admin", "salud")
        self.api = Api(self.app.test_client(), add_token(self.app, user))

    def send(self, data: bytes, filename: str, content_type: str, lang: str = "es"):
        part = FileStorage(io.BytesIO(data), filename, content_type=content_type)
        boundary, body = encode_multipart({"file": part})
        return self.api.client.post(
            "/api/v1/assets",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers=self.api._headers({"Accept-Language": lang}),
        )


@pytest.fixture
def uploader(app_factory, tmp_path) -> Uploader:
    return Uploader(app_factory, tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_upload(uploader: Uploader, case: Case) -> None:
    data = case.data
    before = State.of(uploader.app)
    response, _took = answered(lambda: uploader.send(data, case.filename, case.content_type))
    assert response.status_code == case.status, response.data[:400]
    assert leftovers(uploader.tmp) == []
    if case.status >= 400:
        error = error_of(response)
        assert error["code"] == case.code
        assert State.of(uploader.app) == before, "a refused upload left something behind"
        english, _took = answered(
            lambda: uploader.send(data, case.filename, case.content_type, lang="en")
        )
        assert english.status_code == case.status
        assert error_of(english)["message"] != error["message"], "the message is not translated"
        return
    asset = response.get_json()
    assert safe_name(asset["filename"]), asset["filename"]
    if case.stored_name is not None:
        assert asset["filename"] == case.stored_name
    after = State.of(uploader.app)
    assert len(after.keys - before.keys) >= 1
    stored = uploader.api.get(f"/assets/{asset['id']}/file")
    assert stored.status_code == 200
    for text in case.absent:
        assert text.lower().encode() not in stored.data.lower(), text
    page = uploader.api.client.get(f"/assets/{asset['id']}")  # not signed in: no page, no 500
    assert page.status_code < 500


def test_zips_are_refused_whatever_their_name_or_type(uploader: Uploader) -> None:
    """BrandHub unpacks nothing: a ZIP is refused at the door, never opened."""
    from tests.security.corpus import zip_archive

    archive = zip_archive({"../../../../tmp/pwned": b"x", "a/../../b.jpg": mf.make_jpeg(8, 8)})
    for filename, content_type in [
        ("fotos.zip", "application/zip"),
        ("fotos.jpg", "image/jpeg"),
        ("fotos", "application/octet-stream"),
    ]:
        response = uploader.send(archive, filename, content_type)
        assert response.status_code == 415
        assert error_of(response)["code"] == "unsupported_media_type"
    assert not Path("/tmp/pwned").exists()


def test_the_pixel_limit_is_set_on_purpose(app_factory, tmp_path, monkeypatch) -> None:
    """The configured limit decides, even if some library switched Pillow's own check off."""
    assert PILLOW_MAX_IMAGE_PIXELS == 178_956_970  # the default, restated in our settings
    up = Uploader(app_factory, tmp_path, MAX_IMAGE_PIXELS=1_000_000)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    big = mf.make_png(1100, 1000, "RGB", color=(1, 2, 3))
    response = up.send(big, "grande.png", "image/png")
    assert response.status_code == 422
    assert error_of(response)["message"] == "La imagen es demasiado grande para procesarla."
    # The decode ran in a budgeted child (assets.budget), which inherited None here and
    # set the limit from the settings itself: the refusal above is the evidence.
    small = mf.make_png(1000, 1000, "RGB", color=(1, 2, 3))
    assert up.send(small, "justa.png", "image/png").status_code == 201


def test_a_real_decompression_bomb_under_pillows_radar(app_factory, tmp_path) -> None:
    """A 12000×12000 PNG of zeros is 140 kB on the wire and 432 MB decoded: the configured
    limit (here 100 megapixels) refuses it before a pixel is allocated."""
    import zlib

    from tests.security.corpus import png_chunk

    up = Uploader(app_factory, tmp_path, MAX_IMAGE_PIXELS=100_000_000)
    width = height = 12_000
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 3)  # filter byte, then RGB
    raw = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", raw)
        + png_chunk(b"IEND", b"")
    )
    assert len(data) < 1_000_000
    response, took = answered(lambda: up.send(data, "bomba.png", "image/png"))
    assert response.status_code == 422
    assert took < 5
