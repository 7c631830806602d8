"""Near duplicates: the perceptual hash, and the flags on upload and on the asset page."""

from __future__ import annotations

import pytest
from PIL import Image, ImageEnhance

from brandhub.operations.similar import MAX_DISTANCE, distance, phash_bytes, phash_image
from tests.assets.media_factory import make_jpeg, make_png
from tests.factories import (
    Api,
    add_token,
    change,
    encode,
    read,
    scene,
    scene_photo,
    upload,
    upload_page,
)

ORIGINAL = scene(1)


def _thumb(data: bytes) -> bytes:
    """What the hash is made from: the thumbnail rendition (max 400 px WebP)."""
    import io

    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((400, 400))
        return encode(image, "WEBP")


@pytest.mark.parametrize(
    ("name", "variant"),
    [
        ("recompressed at quality 35", encode(ORIGINAL, "JPEG", quality=35)),
        ("resized to half", encode(ORIGINAL.resize((450, 300)), "JPEG", quality=85)),
        ("resized to a fifth", encode(ORIGINAL.resize((180, 120)), "JPEG", quality=80)),
        ("as PNG", encode(ORIGINAL, "PNG")),
        ("as WebP", encode(ORIGINAL, "WEBP", quality=60)),
        ("a little brighter", encode(ImageEnhance.Brightness(ORIGINAL).enhance(1.15), "JPEG")),
        ("cropped 3 %", encode(ORIGINAL.crop((13, 9, 887, 591)), "JPEG", quality=85)),
    ],
)
def test_a_copy_of_the_same_picture_is_near(name, variant):
    base = phash_bytes(_thumb(encode(ORIGINAL, "JPEG", quality=92)))
    assert distance(base, phash_bytes(_thumb(variant))) <= MAX_DISTANCE, name


def test_different_pictures_are_far():
    hashes = [phash_bytes(_thumb(scene_photo(seed))) for seed in range(1, 21)]
    far = [distance(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :]]
    assert min(far) > MAX_DISTANCE + 4


def test_flat_pictures_have_no_hash_and_transparency_counts_as_white():
    assert phash_bytes(make_jpeg(300, 200, color=(200, 60, 40))) == ""
    assert phash_bytes(make_png(300, 200, mode="RGBA", color=(0, 0, 0, 0))) == ""
    assert phash_image(Image.new("RGBA", (64, 64), (0, 0, 0, 0))) == ""
    assert phash_bytes(b"not a picture") is None


def test_upload_answers_with_near_duplicates_and_not_with_different_ones(api_for):
    editor = api_for("editor", "salud")
    first = upload(editor, 30, "acto.jpg", data=scene_photo(30))
    assert first["similar"] == []
    copy = editor.upload(encode(scene(30).resize((450, 300)), "JPEG", quality=60), "acto-chica.jpg")
    assert copy.status_code == 201
    flagged = copy.get_json()["similar"]
    assert [s["id"] for s in flagged] == [first["id"]]
    assert flagged[0]["distance"] <= MAX_DISTANCE
    other = upload(editor, 31, "otro.jpg", data=scene_photo(31))
    assert other["similar"] == []
    found = editor.get(f"/assets/{first['id']}/similar").get_json()["results"]
    assert [s["id"] for s in found] == [copy.get_json()["id"]]


def test_near_duplicates_of_other_agencies_stay_hidden(api_for):
    salud = api_for("editor", "salud")
    educacion = api_for("editor", "educacion")
    upload(salud, 32, data=scene_photo(32))
    copy = educacion.upload(encode(scene(32), "JPEG", quality=50), "copia.jpg")
    assert copy.get_json()["similar"] == []
    manager = api_for("brand_manager", None)
    found = manager.get(f"/assets/{copy.get_json()['id']}/similar").get_json()["results"]
    assert len(found) == 1


def test_the_upload_page_says_similar_to_and_the_asset_page_lists_them(
    app, client, make_user, login
):

    editor = make_user("editor", "salud")
    login(editor)
    r = upload_page(client, scene_photo(33), "plaza.jpg", title="Plaza", as_json=True)
    assert r.status_code == 201 and r.get_json()["similar"] == []
    assert r.get_json()["similar_message"] is None
    r = upload_page(
        client, scene_photo(33, quality=40), "plaza-2.jpg", title="Plaza 2", as_json=True
    )
    assert r.status_code == 201
    body = r.get_json()
    assert body["similar"][0]["title"] == "Plaza"
    assert "“Plaza”" in body["similar_message"]
    r = upload_page(
        client, scene_photo(33, quality=30), "plaza-3.jpg", title="Plaza 3", follow_redirects=True
    )
    page = r.get_data(as_text=True)
    assert "toast--warning" in page and "“Plaza”" in page
    assert "similar-panel" in page and "Plaza 2" in page


def test_brandhub_similar_hashes_the_pictures_without_one(app, api_for):
    editor = api_for("editor", "salud")
    a = upload(editor, 34, data=scene_photo(34))["id"]
    b = upload(editor, 35, data=scene_photo(35))["id"]
    change(app, a, phash=None)
    change(app, b, phash=None)
    result = app.test_cli_runner().invoke(args=["similar"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 ")
    assert read(app, a).phash and read(app, b).phash
    assert app.test_cli_runner().invoke(args=["similar"]).output.startswith("0 ")


def test_a_replaced_file_is_compared_by_its_new_hash(api_for):

    editor = api_for("editor", "salud")
    first = upload(editor, 36, data=scene_photo(36))
    copy = editor.upload(scene_photo(36, quality=45), "copia.jpg").get_json()
    assert [s["id"] for s in copy["similar"]] == [first["id"]]
    r = editor.new_version(copy["id"], scene_photo(37), filename="otra.jpg", comment="otra foto")
    assert r.status_code == 201
    # The process may still hold the old hash: the rows' fresh hashes decide.
    assert editor.get(f"/assets/{first['id']}/similar").get_json()["results"] == []


def test_the_event_drop_zone_says_similar_to(app, client, make_user, login):
    import io

    editor = make_user("photographer", "prensa")
    login(editor)
    api = Api(client, add_token(app, editor))
    event = api.post("/events", json={"title": "Acto"}).get_json()
    answers = []
    for quality in (90, 60):
        r = client.post(
            f"/events/{event['id']}/upload",
            data={"file": (io.BytesIO(scene_photo(38, quality=quality)), f"DSC_{quality}.jpg")},
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 201, r.get_data(as_text=True)
        answers.append(r.get_json())
    assert answers[0]["similar"] == [] and answers[1]["similar"][0]["id"] == answers[0]["id"]
    assert answers[1]["similar_message"]
