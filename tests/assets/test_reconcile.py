"""EXIF, IPTC and XMP reconciled as the Metadata Working Group reads them, and
the values read wrong before (placeholders, C strings, exposure, bit rate,
embedded titles).

The files are written by ExifTool and Pillow; what BrandHub reads is compared
with what ExifTool reads from the same file (its MWG composite tags with
``-use MWG`` for the reconciled fields), never with the writer's intent alone.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from assets.metadata import MediaInfo, clean, extract
from assets.metadata.streams import bit_rate
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from tests.assets import media_factory as mf

EXIFTOOL = shutil.which("exiftool")
pytestmark = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")


def _write(path: Path, tags: dict[str, str]) -> None:
    args = [f"-{name}={value}" for name, value in tags.items()]
    subprocess.run(
        [EXIFTOOL, "-q", "-overwrite_original", "-charset", "iptc=UTF8", *args, str(path)],
        check=True,
        timeout=60,
    )


def _exiftool(path: Path, *tags: str) -> dict[str, Any]:
    out = subprocess.run(
        [EXIFTOOL, "-json", "-use", "MWG", *[f"-{t}" for t in tags], str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    return json.loads(out)[0]  # type: ignore[no-any-return]


def _read(path: Path) -> MediaInfo:
    return extract(path, sniff(path.read_bytes()[:HEAD_BYTES]), IngestSettings())


def _photo(tmp_path: Path, tags: dict[str, str], exif: dict | None = None) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(mf.make_jpeg(64, 48, exif=exif))
    if tags:
        _write(path, tags)
    return path


CUPS = "Colorful cups. Aarhus, Denmark."


@pytest.mark.parametrize(
    ("tags", "caption", "copyright", "source"),
    [
        # The lang-alt's language tag written as its text hides the real EXIF description.
        (
            {
                "XMP-dc:Description": "x-default",
                "XMP-dc:Rights": "x-default",
                "EXIF:ImageDescription": CUPS,
            },
            CUPS,
            None,
            "exif",
        ),
        ({"EXIF:ImageDescription": "OLYMPUS DIGITAL CAMERA         "}, None, None, None),
        ({"EXIF:ImageDescription": "KONICA MINOLTA DIGITAL CAMERA"}, None, None, None),
        ({"EXIF:ImageDescription": "SONY DSC", "EXIF:Copyright": "   "}, None, None, None),
        # Only the camera's make and model again.
        (
            {
                "EXIF:Make": "Canon",
                "EXIF:Model": "Canon EOS 70D",
                "EXIF:ImageDescription": "Canon EOS 70D",
            },
            None,
            None,
            None,
        ),
        ({"IPTC:Caption-Abstract": "Default", "XMP-dc:Description": "  "}, None, None, None),
        # A real value behind them all still comes through.
        (
            {
                "EXIF:ImageDescription": "DCIM",
                "IPTC:Caption-Abstract": "Acto en la plaza",
                "IPTC:CopyrightNotice": "© Municipio",
            },
            "Acto en la plaza",
            "© Municipio",
            "iptc",
        ),
    ],
    ids=["x-default", "olympus", "konica", "sony-blank-rights", "make-model", "default", "real"],
)
def test_placeholders_never_become_the_record(tmp_path, tags, caption, copyright, source):
    info = _read(_photo(tmp_path, tags))
    assert (info.caption, info.copyright) == (caption, copyright)
    assert info.metadata.get("reconciled", {}).get("caption") == source


@pytest.mark.parametrize(
    ("digest", "winner"),
    [("new", "xmp"), ("0123456789abcdef0123456789abcdef", "iptc"), (None, "xmp")],
    ids=["digest-matches", "digest-mismatch", "no-digest"],
)
def test_iptc_digest_decides_between_iptc_and_xmp(tmp_path, digest, winner):
    tags = {
        "IPTC:CodedCharacterSet": "UTF8",  # without it ExifTool reads IIM as Latin-1
        "IPTC:Caption-Abstract": "Leyenda IPTC",
        "IPTC:By-line": "Fotógrafa IPTC",
        "IPTC:CopyrightNotice": "© IPTC",
        "XMP-dc:Description": "Leyenda XMP",
        "XMP-dc:Creator": "Fotógrafa XMP",
        "XMP-dc:Rights": "© XMP",
        "EXIF:ImageDescription": "Leyenda EXIF",
    }
    path = _photo(tmp_path, tags)
    if digest:
        _write(path, {"IPTCDigest": digest})
    info = _read(path)
    theirs = _exiftool(
        path, "MWG:Creator", "MWG:Copyright", "MWG:Description", "CurrentIPTCDigest", "IPTCDigest"
    )
    if digest and digest != "new":
        assert theirs["CurrentIPTCDigest"] != theirs["IPTCDigest"]
    assert info.metadata["reconciled"]["creator"] == winner
    # ExifTool's MWG composites pick the same.
    assert info.creator == theirs["Creator"] == f"Fotógrafa {winner.upper()}"
    assert info.copyright == theirs["Copyright"] == f"© {winner.upper()}"
    # EXIF's description, when there is one, comes first.
    assert info.caption == theirs["Description"] == "Leyenda EXIF"
    # Each source's raw value stays in its group.
    assert info.metadata["iptc"]["caption"] == "Leyenda IPTC"
    assert info.metadata["xmp"]["description"] == "Leyenda XMP"
    assert info.metadata["exif"]["description"] == "Leyenda EXIF"


def test_iptc_declared_utf8_is_read_as_utf8(tmp_path):
    path = _photo(tmp_path, {"IPTC:CodedCharacterSet": "UTF8", "IPTC:By-line": "José Núñez"})
    info = _read(path)
    assert info.metadata["iptc"]["charset"] == "utf-8"
    assert info.creator == _exiftool(path, "IPTC:By-line")["By-line"] == "José Núñez"


def test_c_strings_end_at_the_first_nul(tmp_path):
    path = tmp_path / "nokia.jpg"
    path.write_bytes(mf.make_jpeg(exif={"make": b"Nokia\x002", "model": b"N9\x00"}))
    exif = _read(path).metadata["exif"]
    theirs = _exiftool(path, "EXIF:Make", "EXIF:Model")
    assert (exif["make"], exif["model"]) == (theirs["Make"], theirs["Model"]) == ("Nokia", "N9")


@pytest.mark.parametrize(
    ("tags", "title"),
    [
        ({"XMP-dc:Title": "Inauguración del hospital"}, "Inauguración del hospital"),
        ({"IPTC:ObjectName": "Acto central"}, "Acto central"),
        ({"XMP-dc:Title": "x-default", "IPTC:ObjectName": "Acto central"}, "Acto central"),
    ],
    ids=["xmp", "iptc", "placeholder-xmp"],
)
def test_embedded_titles_of_photos(tmp_path, tags, title):
    assert _read(_photo(tmp_path, tags)).title == title


def test_embedded_titles_of_pdf_and_mp4(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (595, 842), "white").save(
        buf, "PDF", resolution=72.0, title="Informe de gestión 2024", author="Prensa"
    )
    pdf = tmp_path / "informe.pdf"
    pdf.write_bytes(buf.getvalue())
    info = _read(pdf)
    assert info.title == _exiftool(pdf, "PDF:Title")["Title"] == "Informe de gestión 2024"
    assert info.metadata["document"]["pages"] == 1

    mp4 = tmp_path / "spot.mp4"
    mp4.write_bytes(mf.make_mp4(0.4, metadata={"title": "Spot de vacunación"}))
    assert _read(mp4).title == _exiftool(mp4, "Title")["Title"] == "Spot de vacunación"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (1 / 640, "1/640"),
        (0.0015625, "1/640"),
        (1 / 80, "1/80"),
        (1 / 4000, "1/4000"),
        (0.25, "1/4"),
        (0.4, "0.4"),
        (0.8, "0.8"),
        (1.0, "1"),
        (2.5, "2.5"),
        (30, "30"),
        (0, None),
        (-1, None),
        (float("nan"), None),
    ],
)
def test_exposure_is_written_as_photographers_do(seconds, shown):
    assert clean.exposure(seconds) == shown


def test_exposure_matches_exiftool(tmp_path):
    path = _photo(tmp_path, {"ExposureTime": "1/640"})
    stored = _read(path).metadata["exif"]["exposure_time"]
    assert clean.exposure(stored) == _exiftool(path, "ExposureTime")["ExposureTime"] == "1/640"


@pytest.mark.parametrize(
    ("value", "kept"),
    [(128_000, 128_000), (4_294_967_294, None), (0, None), (-2, None), (None, None)],
)
def test_absurd_bit_rates_are_dropped(value, kept):
    assert bit_rate(value) == kept


def test_ogg_bit_rate_is_sane(tmp_path):
    path = tmp_path / "spot.ogg"
    path.write_bytes(mf.make_ogg(1.0, codec="vorbis"))
    rate = _read(path).metadata["audio"].get("bit_rate")
    assert rate is None or 8_000 <= rate <= 1_000_000
