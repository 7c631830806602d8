"""What files say about themselves is searchable: camera, lens, embedded titles, capture years."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.assets.media_factory import make_jpeg, make_png
from tests.assets.media_factory.av import make_mp4


def _pdf(title: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (200, 280), (0, 51, 160)).save(buf, "PDF", title=title, author="Prensa")
    return buf.getvalue()


def _photo() -> bytes:
    return make_jpeg(
        64,
        48,
        exif={
            "make": "Canon",
            "model": "Canon EOS 5D Mark IV",
            "lens": "EF24-70mm f/2.8L II USM",
            "description": "Vecinos en la feria del libro",
            "datetime_original": "2015:08:01 10:30:00",
        },
    )


def _search(api, q: str) -> dict:
    r = api.get("/search", query_string={"q": q})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_camera_lens_descriptions_titles_and_years_are_found(api_for, client, login):
    api = api_for("editor")
    uploads = [
        (_photo(), "IMG_0001.jpg", "Foto 1"),
        (_pdf("Presupuesto participativo"), "informe.pdf", "Documento oficial"),
        (make_mp4(0.4, 64, 48, metadata={"title": "Desfile patrio"}), "clip.mp4", "Video del acto"),
        (make_png(40, 30), "sin-fecha.png", "Sin datos"),
    ]
    for data, name, title in uploads:
        r = api.upload(data, name, title=title)
        assert r.status_code == 201, r.get_json()
    expected = {
        "canon": ["Foto 1"],
        "5D": ["Foto 1"],
        "EF24": ["Foto 1"],
        "lente:usm": ["Foto 1"],
        "feria libro": ["Foto 1"],  # the description in EXIF
        "presupuesto": ["Documento oficial"],  # the PDF's own title
        "desfile": ["Video del acto"],  # the video's own title
        "2015": ["Foto 1"],  # the capture year, typed as a word
    }
    for q, titles in expected.items():
        assert [r["title"] for r in _search(api, q)["results"]] == titles, q
    years = _search(api, "")["facets"]["year"]
    # Uploaded this year, but only the photo has a capture date.
    assert years == {"2015": 1, "undated": 3}, years
    login(api.user)
    html = client.get("/").get_data(True)
    assert "Sin fecha" in html


def test_suggestion_keeps_hyphenated_words(api_for):
    api = api_for("editor")
    for n in range(3):
        api.upload(make_jpeg(30 + n, 20), f"r{n}.jpg", title=f"Reloj clock {n}")
    api.upload(make_jpeg(40, 30), "c.jpg", title="Un close-up")
    body = _search(api, "close-up")
    assert body["suggestion"] is None and [r["title"] for r in body["results"]] == ["Un close-up"]


@pytest.mark.search_backend("whoosh")  # about the Whoosh index
def test_an_index_of_an_older_schema_is_rebuilt(app, runner, api_for):
    from brandhub.search import service
    from search_index.layout import SCHEMA_FILE, Layout

    api = api_for("editor")
    assert api.upload(_photo(), "IMG_0001.jpg", title="Foto 1").status_code == 201
    svc = service(app)
    layout = Layout(svc.path)
    gen = layout.current()
    assert gen is not None
    # As an index written before this version: no version file, no camera field.
    (layout.path(gen) / SCHEMA_FILE).unlink()
    r = runner.invoke(args=["check-index"])
    assert r.exit_code == 1 and "reconstruir" in r.output, r.output
    r = runner.invoke(args=["init"])
    assert r.exit_code == 0 and "1 recursos indexados" in r.output, r.output
    assert not svc.index().schema_outdated()
    assert [x["title"] for x in _search(api, "canon")["results"]] == ["Foto 1"]
    assert runner.invoke(args=["check-index"]).exit_code == 0


def test_tags_given_on_upload_are_added_to_the_files_keywords(api_for):
    api = api_for("editor")
    data = make_jpeg(50, 40, iptc={"keywords": ["Fiesta patria", "desfile"]}, xmp=None)
    r = api.upload(data, "desfile.jpg", tags="acto, plaza")
    assert r.status_code == 201, r.get_json()
    assert sorted(r.get_json()["tags"]) == ["acto", "desfile", "fiesta patria", "plaza"]
    # The file's own keywords are searchable as keywords too.
    assert _search(api, "keywords:patria")["total"] == 1
