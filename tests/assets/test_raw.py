"""Camera raw photos: sniffed from their bytes, read like a JPEG, shown from the raw."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from assets.budget import Budget
from assets.errors import InvalidFile, UnsupportedMediaType
from assets.ingest import prepare
from assets.metadata import extract
from assets.renditions import render, render_many, standard_specs
from assets.settings import IngestSettings
from assets.sniff import TIFF, check_extension, sniff
from assets.sniff.raw import ARW, CR2, CR3, DNG, NEF, ORF, RAF, RW2
from tests.assets.media_factory import make_tiff
from tests.assets.media_factory.raw import make_dng, with_dimensions

SETTINGS = IngestSettings(budget=Budget(enabled=False))


@pytest.fixture(scope="session")
def dngs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A DNG without a usable preview (a demosaic), one with a large JPEG preview, one turned."""
    folder = tmp_path_factory.mktemp("raw")
    files = {
        "mosaic": make_dng(640, 424),
        "embedded": make_dng(1800, 1200, preview=(1800, 1200)),
        "portrait": make_dng(320, 212, orientation=6, gps=None, offset=None),
    }
    out = {}
    for name, data in files.items():
        out[name] = folder / f"{name}.dng"
        out[name].write_bytes(data)
    return out


def _tiff_head(make: bytes, *, subifds: bool, order: str = "<") -> bytes:
    """A TIFF head whose first directory names ``make`` (with a SubIFDs tag or not)."""
    magic = b"II*\x00" if order == "<" else b"MM\x00*"
    entries = [(0x010F, 2, len(make) + 1, 200)]
    if subifds:
        entries.append((0x014A, 4, 1, 300))
    ifd = struct.pack(order + "H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack(order + "HHLL", tag, kind, count, value)
    head = magic + struct.pack(order + "L", 8) + ifd + struct.pack(order + "L", 0)
    return head.ljust(200, b"\0") + make + b"\0" + b"\0" * 400


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"II*\x00\x10\x00\x00\x00CR\x02\x00" + b"\0" * 64, CR2),
        (b"\x00\x00\x00\x18ftypcrx \x00\x00\x00\x01crx isom" + b"\0" * 64, CR3),
        (b"FUJIFILMCCD-RAW 0201FF383501" + b"\0" * 64, RAF),
        (b"IIRO\x08\x00\x00\x00" + b"\0" * 64, ORF),
        (b"IIU\x00\x08\x00\x00\x00" + b"\0" * 64, RW2),
        (_tiff_head(b"NIKON CORPORATION", subifds=True), NEF),
        (_tiff_head(b"SONY", subifds=True, order=">"), ARW),
    ],
)
def test_each_raw_format_is_sniffed_from_its_bytes(head, expected):
    assert sniff(head, "sin-extension") == expected
    check_extension(expected, f"foto.{expected.ext}")


def test_a_dng_is_raw_and_a_scanners_tiff_stays_a_tiff(dngs):
    assert sniff(dngs["mosaic"].read_bytes()[:4096]) == DNG
    assert sniff(make_tiff(20, 20)) == TIFF
    # A scanner's TIFF names its maker but holds the picture in its first directory.
    assert sniff(_tiff_head(b"NIKON", subifds=False)) == TIFF


def test_a_raw_named_as_a_jpeg_is_refused(dngs):
    with pytest.raises(UnsupportedMediaType):
        check_extension(DNG, "foto.jpg")


def test_metadata_is_the_jpegs_camera_lens_exposure_time_and_place(dngs):
    info = extract(dngs["mosaic"], DNG, SETTINGS)
    exif = info.metadata["exif"]
    assert (info.width, info.height) == (640, 424)
    assert exif["make"] == "Canon" and exif["model"] == "Canon EOS R6"
    assert exif["lens"] == "RF24-105mm F4 L IS USM"
    assert exif["exposure_time"] == pytest.approx(1 / 250)
    assert exif["f_number"] == 5.6 and exif["iso"] == 400 and exif["focal_length"] == 50
    assert exif["gps"] == {
        "lat": pytest.approx(-34.6037, abs=1e-4),
        "lon": pytest.approx(-58.3816, abs=1e-4),
    }
    assert info.captured_at.isoformat() == "2024-05-25T14:30:15+00:00"
    assert info.metadata["raw"]["preview"] == "demosaic"


def test_exiftool_reads_what_we_read(dngs):
    if shutil.which("exiftool") is None:
        pytest.skip("ExifTool is not installed")
    out = subprocess.run(
        ["exiftool", "-s3", "-Model", "-LensModel", "-ISO", str(dngs["mosaic"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    exif = extract(dngs["mosaic"], DNG, SETTINGS).metadata["exif"]
    assert out[:3] == [exif["model"], exif["lens"], str(exif["iso"])]


def test_preview_from_the_embedded_jpeg_when_big_enough(dngs):
    info = extract(dngs["embedded"], DNG, SETTINGS)
    assert info.metadata["raw"] == {
        "format": DNG.label,
        "preview": "embedded",
        "embedded_preview": [1800, 1200],
    }
    done = render_many(dngs["embedded"], DNG, standard_specs(SETTINGS), SETTINGS)
    assert (done["preview"].width, done["preview"].height) == (1600, 1067)
    assert (done["thumb"].width, done["thumb"].height) == (320, 213)


def test_demosaic_shows_the_scene_red_left_blue_right(dngs):
    done = render(dngs["mosaic"], DNG, "max-600|format-png", SETTINGS)
    im = Image.open(io.BytesIO(done.data)).convert("RGB")
    assert im.size == (600, 398)
    left, right = im.getpixel((60, 60)), im.getpixel((540, 60))
    assert left[0] > left[2] + 60 and right[2] > right[0] + 60


def test_camera_rotation_is_applied(dngs):
    info = extract(dngs["portrait"], DNG, SETTINGS)
    assert (info.width, info.height) == (212, 320)
    done = render(dngs["portrait"], DNG, "max-320|format-png", SETTINGS)
    assert (done.width, done.height) == (212, 320)


def test_jpeg_presets_come_from_the_raw(dngs):
    done = render(dngs["mosaic"], DNG, "fill-200x200|format-jpeg|quality-90", SETTINGS)
    assert done.mime == "image/jpeg" and (done.width, done.height) == (200, 200)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: with_dimensions(d, 300_000, 300_000), id="absurd-dimensions"),
        pytest.param(lambda d: with_dimensions(d, 60_000, 424), id="lying-width"),
        pytest.param(lambda d: d[: len(d) // 2], id="truncated-mosaic"),
        pytest.param(lambda d: d[:600], id="header-only"),
    ],
)
def test_damaged_raws_are_refused_within_the_budget(damage, dngs):
    data = damage(dngs["mosaic"].read_bytes())
    with pytest.raises(InvalidFile):
        prepare(io.BytesIO(data), "foto.dng", IngestSettings())


def test_a_raw_over_the_pixel_limit_is_too_large(dngs):
    small = IngestSettings(max_image_pixels=100_000, budget=Budget(enabled=False))
    with pytest.raises(InvalidFile) as caught:
        extract(dngs["mosaic"], DNG, small)
    assert caught.value.details["width"] == 640
