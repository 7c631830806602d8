"""ZIP downloads of an event, a collection or a selection: streamed, sized in advance,
with the preset applied to each photo, unique safe names, and flat memory."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from PIL import Image

from assets.metadata import extract
from assets.settings import IngestSettings
from assets.sniff import sniff
from tests.assets.media_factory import make_jpeg, make_mp4, make_pdf, make_svg
from tests.factories import Api, add_token, add_user, insert_raw, photo, upload


def _event_with(api: Api, ids: list[int], title: str = "Acto 25 de Mayo") -> int:
    r = api.post("/events", json={"title": title})
    event_id = r.get_json()["id"]
    api.post(f"/events/{event_id}/assets", json={"asset_ids": ids})
    return event_id


def test_event_zip_with_a_preset(api_for, tmp_path):
    api = api_for("photographer", agency="prensa")
    ids = []
    for n in range(3):
        data = make_jpeg(1600 + n, 1200, color=(40 * n, 90, 200))
        # Two photos with the same title: their names in the ZIP must still differ.
        title = "Corte de cinta" if n < 2 else "Público / «aplausos»"
        body = api.upload(
            data, f"f{n}.jpg", title=title, credit="Ana Pérez", copyright="© Provincia"
        ).get_json()
        ids.append(body["id"])
    clip = api.upload(make_mp4(seconds=1.0), "clip.mp4", title="Video del acto")
    ids.append(clip.get_json()["id"])
    event_id = _event_with(api, ids)

    r = api.get(f"/events/{event_id}/zip?preset=instagram-square")
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/zip"
    # The photos are made as the ZIP reaches them: it starts at once, length unknown.
    assert "Content-Length" not in r.headers
    assert 'filename="acto-25-de-mayo-instagram-square.zip"' in r.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == [
        "corte-de-cinta.jpg",
        "corte-de-cinta-2.jpg",
        "publico-aplausos.jpg",
        "video-del-acto.mp4",
    ]
    for name in names[:3]:
        data = archive.read(name)
        assert Image.open(io.BytesIO(data)).size == (1080, 1080)
        path = tmp_path / name
        path.write_bytes(data)
        md = extract(path, sniff(data[:4096]), IngestSettings()).metadata
        assert md["exif"]["artist"] == "Ana Pérez" and md["iptc"]["credit"] == "Ana Pérez"
    assert archive.read(names[3])[4:8] == b"ftyp"  # video goes in as its original

    # Made once, the same ZIP is read from the store: sized before the first byte.
    again = api.get(f"/events/{event_id}/zip?preset=instagram-square")
    assert int(again.headers["Content-Length"]) == len(again.data)
    # The same files (entry times are the time of sending, so the bytes may differ).
    second = zipfile.ZipFile(io.BytesIO(again.data))
    assert second.namelist() == names
    assert all(second.read(name) == archive.read(name) for name in names)

    originals = zipfile.ZipFile(io.BytesIO(api.get(f"/events/{event_id}/zip").data))
    assert Image.open(io.BytesIO(originals.read("corte-de-cinta.jpg"))).size == (1600, 1200)

    assert api.get(f"/events/{event_id}/zip?preset=nope").status_code == 400
    empty = _event_with(api, [], title="Sin fotos")
    r = api.get(f"/events/{empty}/zip")
    assert r.status_code == 404 and r.get_json()["error"]["message"]


def test_selection_and_collection_zips(app, client, make_user, login, api_for):
    api = api_for("editor", agency="salud")
    ids = [upload(api, n)["id"] for n in range(3)]
    r = api.get(f"/assets/zip?ids={ids[2]},{ids[0]}&preset=web&name=Selección del día")
    assert r.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(r.data)).namelist() == ["foto-2.jpg", "foto-0.jpg"]
    assert "seleccion-del-dia-web.zip" in r.headers["Content-Disposition"]
    other = api_for("editor", agency="educacion")
    assert other.get(f"/assets/zip?ids={ids[0]}").status_code == 404
    assert api.get("/assets/zip?ids=").status_code == 400
    assert api.get("/assets/zip?ids=1,x").status_code == 400

    kit = api.post("/collections", json={"title": "Kit"})
    kit_id = kit.get_json()["id"]
    api.post(f"/collections/{kit_id}/assets", json={"asset_ids": ids[:2]})
    r = api.get(f"/collections/{kit_id}/zip?preset=whatsapp")
    assert len(zipfile.ZipFile(io.BytesIO(r.data)).namelist()) == 2

    # The pages: a collection's menu and the selection form.
    user = make_user("editor", agency="salud")
    login(user)
    r = client.get(f"/collections/{kit_id}/download.zip?preset=facebook")
    assert r.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(r.data)).namelist()) == 2
    r = client.post(
        "/assets/selection.zip",
        data={"asset_ids": [str(i) for i in ids], "preset": "original", "title": "Kit"},
    )
    assert r.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(r.data)).namelist() == [
        "foto-0.jpg",
        "foto-1.jpg",
        "foto-2.jpg",
    ]
    page = client.get(f"/collections/{kit_id}").get_data(True)
    assert f"/collections/{kit_id}/download.zip?preset=instagram-story" in page


@pytest.mark.one_database
def test_a_zip_of_200_files_streams_in_constant_memory(app, api_for, tmp_path):
    api = api_for("admin", agency="prensa")
    size = 256 * 1024
    ids = insert_raw(app, api.user, 200, size)
    event_id = _event_with(api, ids, title="Cobertura completa")

    tracemalloc.start()
    try:
        r = api.get(f"/events/{event_id}/zip", buffered=False)
        assert r.status_code == 200
        length = int(r.headers["Content-Length"])
        received = 0
        with (tmp_path / "cobertura.zip").open("wb") as out:
            for chunk in r.response:
                received += len(chunk)
                out.write(chunk)
        r.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == length > 200 * size  # 50 MB went through
    assert peak < 6 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    archive = zipfile.ZipFile(tmp_path / "cobertura.zip")
    names = archive.namelist()
    assert len(names) == 200 == len(set(names)) and archive.testzip() is None
    assert names[:3] == ["foto-0.jpg", "foto-1.jpg", "foto-2.jpg"] and "foto-0-20.jpg" in names


@pytest.mark.one_database
def test_a_zip_of_200_photos_in_a_preset(app, api_for, tmp_path):
    api = api_for("admin", agency="prensa")
    ids = insert_raw(app, api.user, 200, 0, make=lambda i: photo(i, size=(160, 120)))
    event_id = _event_with(api, ids, title="Doscientas fotos")
    tracemalloc.start()
    try:
        r = api.get(f"/events/{event_id}/zip?preset=instagram-square", buffered=False)
        assert r.status_code == 200
        with (tmp_path / "fotos.zip").open("wb") as out:
            for chunk in r.response:
                out.write(chunk)
        r.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    archive = zipfile.ZipFile(tmp_path / "fotos.zip")
    assert len(archive.namelist()) == 200 and archive.testzip() is None
    # A square crop of a 160 x 120 photo: never upscaled, exactly square.
    assert Image.open(archive.open(archive.namelist()[7])).size == (120, 120)
    # The derived files were made once and kept: a second ZIP only reads them.
    store = app.extensions["brandhub.storage"]
    assert len(list(store.iter_keys("derived/"))) == 200
    assert api.get(f"/events/{event_id}/zip?preset=instagram-square").status_code == 200
    assert len(list(store.iter_keys("derived/"))) == 200


def test_logos_and_documents_keep_their_format_in_a_zip(api_for):
    api = api_for("editor", agency="salud")
    ids = [
        api.upload(make_svg(), "logo.svg", title="Logo").get_json()["id"],
        api.upload(make_pdf(), "comunicado.pdf", title="Comunicado").get_json()["id"],
        upload(api, 1)["id"],
    ]
    r = api.get(f"/assets/zip?ids={','.join(map(str, ids))}&preset=web")
    assert zipfile.ZipFile(io.BytesIO(r.data)).namelist() == [
        "logo.svg",
        "comunicado.pdf",
        "foto-1.jpg",
    ]


def test_presets_and_zips_with_the_bytes_in_s3(app_factory, s3_config, s3_bucket, s3_client):
    app = app_factory(**s3_config, S3_PREFIX="inst")
    api = Api(app.test_client(), add_token(app, add_user(app, "photographer", "prensa")))
    ids = [
        api.upload(
            make_jpeg(1400, 1000, color=(n * 60, 80, 160)), f"s3-{n}.jpg", credit="Prensa"
        ).get_json()["id"]
        for n in range(3)
    ]
    event_id = _event_with(api, ids)
    r = api.get(f"/events/{event_id}/zip?preset=facebook", buffered=False)
    assert r.status_code == 200
    data = b"".join(r.response)
    r.close()
    assert "Content-Length" not in r.headers  # made while streaming
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert [Image.open(archive.open(n)).size for n in archive.namelist()] == [(1200, 630)] * 3
    keys = {o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_bucket)["Contents"]}
    assert sum(k.startswith("inst/derived/") for k in keys) == 3
