"""The asset API: happy paths and every error code the issue names."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests.assets.media_factory import make_jpeg, make_mp4, make_png, make_wav
from tests.factories import add_token, add_user


def test_upload_returns_201_with_the_asset(api_for):
    api = api_for("editor")
    data = make_jpeg(800, 600)
    r = api.upload(
        data, "acto.jpg", title="Acto de apertura", tags="acto, Prensa ,acto", credit="Ana Pérez"
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["kind"] == "image"
    assert body["mime"] == "image/jpeg"
    assert body["title"] == "Acto de apertura"
    assert body["tags"] == ["acto", "prensa"]
    assert body["credit"] == "Ana Pérez"
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["width"], body["height"]) == (800, 600)
    assert body["agency"] == "salud"
    assert set(body["links"]["renditions"]) == {"thumb", "preview"}
    assert r.headers["Location"].endswith(f"/api/v1/assets/{body['id']}")


def test_get_patch_list_delete(api_for):
    api = api_for("editor")
    first = api.upload(make_jpeg(64, 64, color=(200, 10, 10)), "a.jpg").get_json()
    second = api.upload(make_png(64, 32), "b.png").get_json()

    got = api.get(f"/assets/{first['id']}").get_json()
    assert got["title"] == "a"

    r = api.patch(
        f"/assets/{first['id']}", json={"title": "Nuevo título", "tags": ["logo", "Marca"]}
    )
    assert r.status_code == 200
    assert r.get_json()["title"] == "Nuevo título"
    assert r.get_json()["tags"] == ["logo", "marca"]
    assert r.get_json()["credit"] == ""  # untouched

    listing = api.get("/assets?per_page=1").get_json()
    assert listing["total"] == 2
    assert [a["id"] for a in listing["results"]] == [second["id"]]  # newest first
    assert api.get("/assets?per_page=1&page=2").get_json()["results"][0]["id"] == first["id"]

    assert api.delete(f"/assets/{first['id']}").status_code == 204
    assert api.get(f"/assets/{first['id']}").status_code == 404


def test_file_streams_with_range_and_etag(api_for):
    api = api_for("editor")
    data = make_mp4(seconds=1.0)
    asset = api.upload(data, "clip.mp4").get_json()
    assert asset["kind"] == "video"
    assert asset["duration"] == pytest.approx(1.0, abs=0.2)

    r = api.get(f"/assets/{asset['id']}/file")
    assert r.status_code == 200
    assert r.data == data
    assert r.headers["Content-Type"] == "video/mp4"
    assert r.headers["Content-Length"] == str(len(data))
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "clip.mp4" in r.headers["Content-Disposition"]
    etag = r.headers["ETag"]

    part = api.get(f"/assets/{asset['id']}/file", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.data == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"

    tail = api.get(f"/assets/{asset['id']}/file", headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.data == data[-5:]

    bad = api.get(f"/assets/{asset['id']}/file", headers={"Range": f"bytes={len(data) + 10}-"})
    assert bad.status_code == 416

    cached = api.get(f"/assets/{asset['id']}/file", headers={"If-None-Match": etag})
    assert cached.status_code == 304


def test_renditions_are_webp_within_bounds(api_for):
    from PIL import Image

    api = api_for("editor")
    asset = api.upload(make_jpeg(3000, 2000), "grande.jpg").get_json()
    for name, bound in (("thumb", 320), ("preview", 1600)):
        r = api.get(f"/assets/{asset['id']}/renditions/{name}")
        assert r.status_code == 200
        assert r.headers["Content-Type"] == "image/webp"
        img = Image.open(io.BytesIO(r.data))
        assert img.format == "WEBP"
        assert max(img.size) == bound
    assert api.get(f"/assets/{asset['id']}/renditions/huge").status_code == 404


def test_audio_upload(api_for):
    api = api_for("photographer")
    r = api.upload(make_wav(seconds=1.5), "spot.wav")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["kind"] == "audio"
    assert r.get_json()["duration"] == pytest.approx(1.5, abs=0.1)


# ---------- errors ----------


def _error(r, status, code=None):
    assert r.status_code == status, r.data[:300]
    body = r.get_json()
    assert set(body) == {"error"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_401_without_or_with_bad_token(client):
    _error(client.get("/api/v1/assets"), 401, "unauthorized")
    _error(client.get("/api/v1/assets", headers={"Authorization": "Bearer bh_nope"}), 401)
    _error(client.get("/api/v1/assets", headers={"Authorization": "Basic abc"}), 401)


def test_400_for_missing_file_and_bad_paging(api_for):
    api = api_for("editor")
    _error(api.post("/assets", data={"title": "x"}), 400)
    _error(api.get("/assets?page=abc"), 400, "bad_request")
    _error(api.get("/assets?per_page=100000"), 400)


def test_403_for_a_viewer_uploading_and_other_agency(api_for):
    viewer = api_for("viewer")
    _error(viewer.upload(make_jpeg(32, 32), "x.jpg"), 403, "forbidden")
    editor = api_for("editor", agency="salud")
    api_for("editor", agency="obras")  # creates the agency
    _error(editor.upload(make_jpeg(32, 32), "x.jpg", agency="obras"), 403)


def test_404_for_missing_and_other_agency_asset(api_for):
    salud = api_for("editor", agency="salud")
    obras = api_for("editor", agency="obras")
    asset = salud.upload(make_jpeg(32, 32), "x.jpg").get_json()
    _error(obras.get(f"/assets/{asset['id']}"), 404, "not_found")
    _error(obras.get(f"/assets/{asset['id']}/file"), 404)
    _error(salud.get("/assets/999999"), 404)


def test_409_for_the_same_bytes(api_for):
    api = api_for("editor")
    data = make_jpeg(40, 40)
    first = api.upload(data, "uno.jpg").get_json()
    err = _error(api.upload(data, "dos.jpg"), 409, "duplicate")
    assert err["existing_id"] == first["id"]


def test_413_when_over_the_size_limit(app_factory):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    app = app_factory(MAX_UPLOAD_MB=1)
    token = add_token(app, add_user(app, "admin"))
    big = b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024)
    # Encoded in memory: the test client would otherwise spool it to an unclosed temp file.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "big.jpg")})
    r = app.test_client().post(
        "/api/v1/assets",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {token}"},
    )
    _error(r, 413, "file_too_large")


def test_415_for_a_lying_file(api_for):
    api = api_for("editor")
    _error(
        api.upload(b"<!doctype html><html><script>alert(1)</script></html>", "foto.png"),
        415,
        "unsupported_media_type",
    )
    _error(api.upload(make_png(20, 20), "foto.jpg"), 415)


def test_422_for_a_damaged_file_and_bad_fields(api_for):
    api = api_for("editor")
    data = make_jpeg(400, 300)
    _error(api.upload(data[: len(data) // 3], "roto.jpg"), 422)
    _error(api.upload(make_jpeg(10, 10), "x.jpg", title="x" * 301), 422, "validation")
    asset = api.upload(make_jpeg(12, 12), "y.jpg").get_json()
    _error(api.patch(f"/assets/{asset['id']}", json={"title": ""}), 400)
    _error(api.patch(f"/assets/{asset['id']}", json={"nope": "x"}), 422)
    _error(api.patch(f"/assets/{asset['id']}", json=[1, 2]), 400)


def test_no_half_asset_after_a_rejected_upload(app, api_for):
    api = api_for("editor")
    api.upload(b"not an image at all", "x.jpg")
    store = app.extensions["brandhub.storage"]
    assert list(store.iter_keys("")) == []
    assert api.get("/assets").get_json()["total"] == 0


def test_openapi_document(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    assert "/assets/{asset_id}/file" in spec["paths"]


def test_control_characters_are_dropped_not_stored(api_for):
    api = api_for("editor")
    asset = api.upload(make_jpeg(16, 16), "n.jpg", title="a\x00b\x07c").get_json()
    assert asset["title"] == "abc"
    r = api.patch(f"/assets/{asset['id']}", json={"title": "x\u0000y", "caption": "uno\ndos\x00"})
    assert r.status_code == 200
    assert r.get_json()["title"] == "xy"
    assert r.get_json()["caption"] == "uno\ndos"
