"""The metadata writer on files made by Pillow, read back by ExifTool and exiv2."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from assets.embed import IPTC_LIMITS, Embedding, NotWritable, cut_utf8, write_metadata

HAVE_TOOLS = bool(shutil.which("exiftool") and shutil.which("exiv2"))
needs_tools = pytest.mark.skipif(
    not HAVE_TOOLS and os.geteuid() != 0,
    reason="exiftool and exiv2 are not installed (make test installs them as root)",
)

FORMATS = {
    "jpg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
    "tiff": ("TIFF", "image/tiff"),
}


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abc", 32, "abc"),
        ("a" * 40, 32, "a" * 32),
        ("ñ" * 20, 32, "ñ" * 16),  # two bytes each: exactly 32
        ("a" + "ñ" * 20, 32, "a" + "ñ" * 15),  # the 16th ñ would straddle byte 32
        ("abc😀", 5, "abc"),  # a four-byte emoji is dropped whole
        ("😀😀", 8, "😀😀"),
        ("", 32, ""),
    ],
)
def test_cut_utf8_cuts_between_characters(text, limit, expected):
    assert cut_utf8(text, limit).decode("utf-8") == expected


def _encoded(fmt: str, mode: str = "RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (40, 30), (10, 120, 200)).save(buffer, FORMATS[fmt][0], **options)
    return buffer.getvalue()


def _exiftool(paths: list[Path]) -> dict[str, dict]:
    out = subprocess.run(
        [
            "exiftool",
            "-json",
            "-a",
            "-G1",
            "-validate",
            "-warning",
            "-IPTC:all",
            "-IFD0:all",
            "-XMP-dc:all",
            "-JFIF:all",
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return {Path(item["SourceFile"]).name: item for item in json.loads(out.stdout)}


@needs_tools
def test_every_iptc_limit_is_kept_and_the_full_text_is_in_xmp(tmp_path):
    long = "Señalización vial 🚦 en Añatuya, Ñuñoa y Córdoba — "
    embedding = Embedding(
        creator=(long * 5)[:150],
        credit=long,
        rights=long * 4,
        title=long * 8,
        caption=long * 60,
    )
    paths = []
    for ext in ("jpg", "tiff", "png"):
        path = tmp_path / f"limits.{ext}"
        path.write_bytes(write_metadata(_encoded(ext), FORMATS[ext][1], embedding, (40, 30)))
        paths.append(path)
    clean = embedding.cleaned()
    for path, tags in zip(paths, _exiftool(paths).values(), strict=True):
        assert tags["ExifTool:Validate"] == "OK", (path.name, tags)
        expected = {
            "IPTC:By-line": (clean.creator, IPTC_LIMITS["by_line"]),
            "IPTC:Credit": (clean.credit, IPTC_LIMITS["credit"]),
            "IPTC:CopyrightNotice": (clean.rights, IPTC_LIMITS["copyright"]),
            "IPTC:Headline": (clean.title, IPTC_LIMITS["headline"]),
            "IPTC:Caption-Abstract": (clean.caption, IPTC_LIMITS["caption"]),
        }
        for tag, (full, limit) in expected.items():
            value = str(tags[tag])
            assert len(value.encode()) <= limit and full.startswith(value), (path.name, tag)
            assert len(value.encode()) > limit - 4, (path.name, tag)  # cut no earlier than needed
        assert tags["IPTC:CodedCharacterSet"] == "UTF8"
        assert tags["XMP-dc:Description"] == clean.caption  # the whole caption
        assert tags["XMP-dc:Title"] == clean.title


@needs_tools
@pytest.mark.parametrize("ext", FORMATS)
def test_empty_credits_still_give_a_valid_file(tmp_path, ext):
    path = tmp_path / f"empty.{ext}"
    path.write_bytes(write_metadata(_encoded(ext), FORMATS[ext][1], Embedding(), (40, 30)))
    tags = _exiftool([path])[path.name]
    assert tags["ExifTool:Validate"] == "OK", tags
    assert "IFD0:Artist" not in tags and tags["IFD0:XResolution"] == 72
    shown = subprocess.run(["exiv2", "-pa", str(path)], capture_output=True, text=True, check=False)
    assert "Error" not in shown.stderr and "Exif.Image.XResolution" in shown.stdout


@needs_tools
def test_metadata_already_in_a_jpeg_is_replaced_not_doubled(tmp_path):
    """A JPEG encoded with EXIF, XMP and a density of its own: one of each after writing."""
    exif = Image.Exif()
    exif[0x013B] = "Cámara vieja"
    exif[0x0110] = "Modelo X"
    source = _encoded("jpg", exif=exif.tobytes(), dpi=(96, 96), xmp=b"<x:xmpmeta/>")
    once = write_metadata(source, "image/jpeg", Embedding(creator="Ana Núñez"), (40, 30))
    twice = write_metadata(once, "image/jpeg", Embedding(creator="Ana Núñez"), (40, 30))
    assert once == twice
    assert once.count(b"Exif\x00\x00") == 1 and once.count(b"http://ns.adobe.com/xap") == 1
    path = tmp_path / "again.jpg"
    path.write_bytes(twice)
    tags = _exiftool([path])[path.name]
    assert tags["ExifTool:Validate"] == "OK", tags
    assert tags["IFD0:Artist"] == "Ana Núñez" and tags["JFIF:XResolution"] == 72
    assert "IFD0:Model" not in tags  # the camera's own EXIF does not leak into downloads
    assert Image.open(io.BytesIO(twice)).tobytes() == Image.open(io.BytesIO(source)).tobytes()


@pytest.mark.parametrize("ext", FORMATS)
def test_pixels_are_not_touched(ext):
    options = {"lossless": True} if ext == "webp" else {}
    source = _encoded(ext, "RGBA" if ext in ("png", "webp") else "RGB", **options)
    written = write_metadata(source, FORMATS[ext][1], Embedding(creator="Ana"), (40, 30))
    before, after = Image.open(io.BytesIO(source)), Image.open(io.BytesIO(written))
    assert before.mode == after.mode and before.tobytes() == after.tobytes()


def test_a_compressed_tiff_of_many_strips_keeps_its_pixels():
    image = Image.effect_noise((1500, 1100), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", compression="tiff_lzw")
    written = write_metadata(buffer.getvalue(), "image/tiff", Embedding(creator="Ana"), image.size)
    with Image.open(io.BytesIO(written)) as after:
        assert len(after.tag_v2[273]) > 1  # StripOffsets: the strips moved with nothing
        assert after.tobytes() == image.tobytes()
        assert after.info["dpi"] == (72.0, 72.0)


@pytest.mark.parametrize("ext", FORMATS)
def test_bytes_that_are_not_the_format_are_refused(ext):
    with pytest.raises(NotWritable):
        write_metadata(b"not an image at all" * 3, FORMATS[ext][1], Embedding(), (40, 30))


def test_a_caption_too_big_for_one_jpeg_segment_is_cut_in_xmp_too():
    caption = "&<>" * 30_000  # 90,000 characters, five times longer once escaped
    written = write_metadata(_encoded("jpg"), "image/jpeg", Embedding(caption=caption), (40, 30))
    with Image.open(io.BytesIO(written)) as image:
        assert image.size == (40, 30)
        assert 20_000 < len(image.info["xmp"]) <= 65_000


def test_formats_without_a_place_come_back_unchanged():
    assert write_metadata(b"%PDF-1.7", "application/pdf", Embedding(creator="x"), (1, 1)) == (
        b"%PDF-1.7"
    )
