"""Type sniffing from bytes, lying names, safe file names and hashing."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from assets.errors import FileTooLarge, UnsupportedMediaType
from assets.hashing import HashingReader, hash_stream
from assets.sniff import HEAD_BYTES, check_extension, safe_filename, sniff
from tests.assets import media_factory as mf

# (generator, kwargs, mime, kind, ext)
FORMATS = [
    (mf.make_jpeg, {}, "image/jpeg", "image", "jpg"),
    (mf.make_jpeg, {"mode": "CMYK", "color": (0, 0, 0, 0)}, "image/jpeg", "image", "jpg"),
    (mf.make_png, {}, "image/png", "image", "png"),
    (mf.make_tiff, {}, "image/tiff", "image", "tiff"),
    (mf.make_tiff, {"mode": "I;16B"}, "image/tiff", "image", "tiff"),
    (mf.make_webp, {}, "image/webp", "image", "webp"),
    (mf.make_gif, {}, "image/gif", "image", "gif"),
    (mf.make_heic, {}, "image/heic", "image", "heic"),
    (mf.make_avif, {}, "image/avif", "image", "avif"),
    (mf.make_svg, {}, "image/svg+xml", "vector", "svg"),
    (mf.make_pdf, {}, "application/pdf", "document", "pdf"),
    (mf.make_mp4, {"seconds": 0.2}, "video/mp4", "video", "mp4"),
    (mf.make_mov, {"seconds": 0.2}, "video/quicktime", "video", "mov"),
    (mf.make_webm, {"seconds": 0.2}, "video/webm", "video", "webm"),
    (mf.make_wav, {"seconds": 0.1}, "audio/wav", "audio", "wav"),
    (mf.make_mp3, {"seconds": 0.2}, "audio/mpeg", "audio", "mp3"),
    (mf.make_ogg, {"seconds": 0.2}, "audio/ogg", "audio", "opus"),
    (mf.make_ogg, {"seconds": 0.2, "codec": "vorbis"}, "audio/ogg", "audio", "ogg"),
    (mf.make_m4a, {"seconds": 0.2}, "audio/mp4", "audio", "m4a"),
    (mf.make_flac, {"seconds": 0.2}, "audio/flac", "audio", "flac"),
]


@pytest.mark.parametrize(
    ("make", "kwargs", "mime", "kind", "ext"),
    FORMATS,
    ids=[f"{f.__name__}-{i}" for i, (f, *_rest) in enumerate(FORMATS)],
)
def test_sniffs_every_accepted_format(make, kwargs, mime, kind, ext):
    data = make(**kwargs)
    found = sniff(data[:HEAD_BYTES])
    assert (found.mime, found.kind, found.ext) == (mime, kind, ext)
    assert found.label
    check_extension(found, f"file.{ext}")  # its own extension is always fine


# Heads written by hand for the variants generators cannot produce.
HEADS = [
    (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 60, "audio/mpeg"),  # MPEG-1 layer III frame, no ID3
    (b"\x00\x00\x00\x08wide\x00\x00\x00\x10mdat", "video/quicktime"),  # ftyp-less QuickTime
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "image/heic"),
    (b"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1", "image/heif"),
    (b"\x00\x00\x00\x18ftyp3gp4\x00\x00\x00\x00isom3gp4", "video/3gpp"),
    (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x00\x00\x00\x1f\x42\x82\x88matroska", "video/x-matroska"),
    (b"OggS\x00\x02" + b"\x00" * 22 + b"\x80theora", "video/ogg"),
    (b"\xef\xbb\xbf<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    (
        b"<!-- logo -->\n<!DOCTYPE svg PUBLIC '-//W3C//DTD SVG 1.1//EN' 'x.dtd'>\n<svg>",
        "image/svg+xml",
    ),
    (b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "b">]>\n<svg>', "image/svg+xml"),
    (b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    ("\ufeff<svg/>".encode("utf-16-le"), "image/svg+xml"),
    (b"\n\n%PDF-1.7\n", "application/pdf"),
]


@pytest.mark.parametrize(("head", "mime"), HEADS)
def test_sniffs_variants(head, mime):
    assert sniff(head).mime == mime


# (bytes, what the details say it seems to be, message fragment)
REFUSED = [
    (b"", "empty file", "empty"),
    (b"<!DOCTYPE html><html><body><svg></svg></body></html>", "HTML page", "HTML page"),
    (b"  <html><script>alert(1)</script>", "HTML page", "HTML page"),
    (b"<body onload=x>", "HTML page", "HTML page"),
    (b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 30, "ZIP archive", "compressed archive"),
    (b"PK\x03\x04\x14\x00[Content_Types].xml", "Office document", "compressed archive"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "program", "program"),
    (b"\x7fELF\x02\x01\x01\x00", "program", "program"),
    (b"#!/bin/sh\nrm -rf /\n", "script", "program"),
    (b"\x1f\x8b\x08\x00\x00\x00", "compressed archive", "compressed archive"),
    # A Photoshop version that does not exist, and a printer's PostScript job (not artwork).
    (b"8BPS\x00\x03", "Photoshop document", "not accepted"),
    (b"%!PS-Adobe-3.0\n%%Pages: 3\n", "PostScript file", "not accepted"),
    (b"BM6\x00\x00\x00", "BMP image", "not accepted"),
    (b"hello, this is plain text\n", "text file", "not accepted"),
    (b"<?xml version='1.0'?><feed/>", "XML document", "not accepted"),
    (b"\x00\x00\x00\x18ftypjp2 \x00\x00\x00\x00jp2 isom", "unknown data", "not accepted"),
    (bytes(range(256)) * 4, "unknown data", "not accepted"),
]


@pytest.mark.parametrize(("data", "seems", "fragment"), REFUSED)
def test_refuses_other_files_and_says_what_they_seem(data, seems, fragment):
    with pytest.raises(UnsupportedMediaType) as info:
        sniff(data, "upload.bin")
    assert info.value.details["seems"] == seems
    assert fragment in info.value.message
    assert info.value.details["filename"] == "upload.bin"


def test_random_bytes_are_refused():
    with pytest.raises(UnsupportedMediaType):
        sniff(os.urandom(HEAD_BYTES).replace(b"\xff", b"\x00"))


def test_svg_must_start_within_the_first_kilobyte():
    late = b"<!--" + b" " * 2000 + b"-->" + mf.make_svg(prologue="")
    with pytest.raises(UnsupportedMediaType):
        sniff(late[:HEAD_BYTES])


# (content generator, file name, accepted)
NAMES = [
    (mf.make_png, "logo.jpg", False),
    (mf.make_mp4, "clip.png", False),
    (mf.make_jpeg, "photo.pdf", False),
    (mf.make_png, "page.html", False),
    (mf.make_jpeg, "setup.exe", False),
    (mf.make_svg, "logo.png", False),
    (mf.make_jpeg, "photo.JPEG", True),
    (mf.make_jpeg, "photo.jpe", True),
    (mf.make_tiff, "scan.tif", True),
    (mf.make_mp4, "clip.mov", True),
    (mf.make_mov, "clip.mp4", True),
    (mf.make_heic, "IMG_0001.HEIF", True),
    (mf.make_pdf, "logo.ai", True),
    (mf.make_jpeg, "photo", True),
    (mf.make_jpeg, "photo.unknownext", True),
    (mf.make_jpeg, None, True),
    (mf.make_jpeg, ".jpg", True),
    (mf.make_png, r"C:\Users\ana\logo.png", True),
]


@pytest.mark.parametrize(("make", "filename", "accepted"), NAMES)
def test_check_extension(make, filename, accepted):
    found = sniff(make()[:HEAD_BYTES])
    if accepted:
        check_extension(found, filename)
        return
    with pytest.raises(UnsupportedMediaType) as info:
        check_extension(found, filename)
    assert info.value.message == "The file's content does not match its name."
    assert info.value.details["content"] == found.mime
    assert info.value.details["extension"] == filename.rsplit(".", 1)[1].lower()


SAFE_NAMES = [
    (None, "file"),
    ("", "file"),
    ("photo.jpg", "photo.jpg"),
    ("../../etc/passwd", "passwd"),
    (r"C:\Users\ana\Desktop\logo final.png", "logo final.png"),
    ("a/b\\c.pdf", "c.pdf"),
    ("report\x00.pdf.exe", "report.pdf.exe"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),
    ("line\nbreak\ttab.png", "line break tab.png"),
    ("...hidden.svg", "hidden.svg"),
    ("Presentaci\u006f\u0301n.pdf", "Presentación.pdf"),
    ('what?<is>:"this"|*.png', "what__is___this___.png"),
    ("CON.txt", "_CON.txt"),
    ("  spaced   out  .jpg", "spaced out.jpg"),
    ("...", "file"),
    ("/", "file"),
    ("año 2024 — logotipo oficial.svg", "año 2024 — logotipo oficial.svg"),
]


@pytest.mark.parametrize(("raw", "expected"), SAFE_NAMES)
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


def test_safe_filename_limits_length_and_keeps_extension():
    name = safe_filename("x" * 500 + ".jpeg")
    assert len(name) == 200
    assert name.endswith("x.jpeg")
    assert safe_filename("é" * 300) == "é" * 200


def test_hash_stream_matches_hashlib():
    data = os.urandom(3 * 1024 * 1024 + 17)
    assert hash_stream(io.BytesIO(data)) == (hashlib.sha256(data).hexdigest(), len(data))
    assert hash_stream(io.BytesIO(b"")) == (hashlib.sha256(b"").hexdigest(), 0)


def test_hashing_reader_stops_at_the_limit():
    reader = HashingReader(io.BytesIO(b"x" * 100), limit=64)
    assert reader.read(64) == b"x" * 64
    with pytest.raises(FileTooLarge) as info:
        reader.read(10)
    assert info.value.details["limit"] == 64
