"""Reading what a file says about itself from stored metadata, whatever its shape."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from brandhub import file_text


@pytest.mark.parametrize(
    ("metadata", "camera", "lens"),
    [
        ({"exif": {"make": "Canon", "model": "Canon EOS R5"}}, "Canon EOS R5", ""),
        (
            {"exif": {"make": "NIKON CORPORATION", "model": "NIKON D750"}},
            "NIKON CORPORATION NIKON D750",
            "",
        ),
        (
            {"exif": {"model": "iPhone 13", "lens": "iPhone 13 back camera", "lens_make": "Apple"}},
            "iPhone 13",
            "Apple iPhone 13 back camera",
        ),
        (
            {"camera_make": "Sony", "camera_model": "ILCE-7M3", "lens": "FE 24-70mm"},
            "Sony ILCE-7M3",
            "FE 24-70mm",
        ),  # reconciled values at the top
        ({"tags": {"make": "Apple", "model": "iPhone 15"}}, "Apple iPhone 15", ""),  # a video
        ({"exif": "not a group"}, "", ""),
        ({"exif": {"make": ["odd"], "model": 7}}, "odd", ""),
        (None, "", ""),
        ("text", "", ""),
    ],
)
def test_camera_and_lens(metadata, camera, lens) -> None:
    assert file_text.camera(metadata) == camera
    assert file_text.lens(metadata) == lens


def test_embedded_texts_from_every_source_once() -> None:
    metadata = {
        "iptc": {"object_name": "Desfile", "caption": "Vecinos en la plaza"},
        "xmp": {"title": {"x-default": "Desfile"}, "description": "Vecinos en la plaza"},
        "exif": {"description": "Plaza central"},
        "document": {"title": "Informe anual", "subject": "Presupuesto"},
        "tags": {"title": "Entrevista", "comment": "Radio"},
    }
    got = file_text.embedded_texts(metadata, known=("Informe Anual",))
    assert got == (
        "Desfile",
        "Vecinos en la plaza",
        "Plaza central",
        "Presupuesto",
        "Entrevista",
        "Radio",
    )


def test_keywords_and_columns() -> None:
    metadata = {
        "iptc": {"keywords": ["Fiesta", "desfile"]},
        "xmp": {"subject": ["fiesta", "acto"]},
        "document": {"keywords": "informe; anual"},
    }
    assert file_text.file_keywords(metadata) == ("Fiesta", "desfile", "acto", "informe", "anual")
    row = SimpleNamespace(camera_make="Fujifilm", camera_model="X-T4", lens=None)
    merged = file_text.with_columns({"exif": {"make": "Canon"}}, row)
    assert file_text.camera(merged) == "Fujifilm X-T4"
    assert file_text.with_columns(None, object()) == {}
