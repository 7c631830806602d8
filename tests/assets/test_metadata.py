"""Metadata extraction from generated files: EXIF, IPTC, XMP, ICC, streams, documents."""

from __future__ import annotations

import json
import struct
import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from assets.errors import InvalidFile
from assets.metadata import MediaInfo, extract
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from tests.assets import media_factory as mf

SETTINGS = IngestSettings()

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Presidencia"
  photoshop:City="Rosario" photoshop:DateCreated="2023-11-20T09:15:00-03:00">
 <dc:creator><rdf:Seq><rdf:li>María Pérez</rdf:li></rdf:Seq></dc:creator>
 <dc:rights><rdf:Alt><rdf:li xml:lang="es">© Gobierno</rdf:li>
   <rdf:li xml:lang="x-default">© Government</rdf:li></rdf:Alt></dc:rights>
 <dc:description><rdf:Alt>
   <rdf:li xml:lang="x-default">Acto oficial</rdf:li></rdf:Alt></dc:description>
 <dc:subject><rdf:Bag><rdf:li>vacunación</rdf:li><rdf:li>salud</rdf:li></rdf:Bag></dc:subject>
</rdf:Description></rdf:RDF></x:xmpmeta>"""

CAMERA = {
    "make": "Canon",
    "model": "EOS R5",
    "lens": "RF24-105mm F4 L IS USM",
    "exposure_time": (1, 250),
    "f_number": 2.8,
    "iso": 400,
    "focal_length": 50.0,
    "datetime_original": "2024:05:01 10:20:30",
    "offset_time_original": "-03:00",
    "gps": (-34.603722, -58.381592),
    "artist": "Ana Lopez",
    "copyright": "Gobierno de la Ciudad",
}

IPTC = {
    "creator": "José Núñez",
    "credit": "Secretaría de Comunicación",
    "copyright": "CC BY 4.0 Gobierno",
    "caption": "Inauguración del hospital en Córdoba",
    "keywords": ["salud", "hospital", "inauguración"],
    "city": "Córdoba",
    "headline": "Nuevo hospital",
    "date_created": "20240501",
    "time_created": "102030-0300",
}


def read(tmp_path, data: bytes, settings: IngestSettings = SETTINGS) -> MediaInfo:
    path = tmp_path / "file"
    path.write_bytes(data)
    info = extract(path, sniff(data[:HEAD_BYTES]), settings)
    # Everything must survive a strict JSON round trip (it is stored as JSON).
    assert json.loads(json.dumps(info.to_dict(), allow_nan=False)) == info.to_dict()
    return info


def test_exif_from_a_camera_jpeg(tmp_path):
    info = read(tmp_path, mf.make_jpeg(400, 200, exif=CAMERA, orientation=6))
    exif = info.metadata["exif"]
    assert exif["make"] == "Canon" and exif["model"] == "EOS R5"
    assert exif["lens"] == "RF24-105mm F4 L IS USM"
    assert exif["exposure_time"] == pytest.approx(0.004)
    assert exif["f_number"] == pytest.approx(2.8)
    assert exif["iso"] == 400
    assert exif["focal_length"] == pytest.approx(50.0)
    assert exif["orientation"] == 6
    assert exif["gps"]["lat"] == pytest.approx(-34.603722, abs=1e-6)
    assert exif["gps"]["lon"] == pytest.approx(-58.381592, abs=1e-6)
    assert exif["datetime_original"] == "2024:05:01 10:20:30"  # as written
    assert exif["offset_time_original"] == "-03:00"
    tz = timezone(timedelta(hours=-3))
    assert info.captured_at == datetime(2024, 5, 1, 10, 20, 30, tzinfo=tz)
    # Stored 400x200 and rotated by orientation 6: displayed upright as 200x400.
    assert (info.width, info.height, info.orientation) == (200, 400, "vertical")
    assert info.creator == "Ana Lopez"
    assert info.copyright == "Gobierno de la Ciudad"


def test_iptc_block_is_read_in_utf8(tmp_path):
    info = read(tmp_path, mf.make_jpeg(iptc=IPTC))
    iptc = info.metadata["iptc"]
    assert iptc["creator"] == "José Núñez"
    assert iptc["city"] == "Córdoba"
    assert iptc["headline"] == "Nuevo hospital"
    assert iptc["keywords"] == ["salud", "hospital", "inauguración"]
    assert info.caption == "Inauguración del hospital en Córdoba"
    assert info.credit == "Secretaría de Comunicación"
    assert info.keywords == ["salud", "hospital", "inauguración"]
    assert info.captured_at == datetime(
        2024, 5, 1, 10, 20, 30, tzinfo=timezone(timedelta(hours=-3))
    )


def test_iptc_without_charset_falls_back_to_latin1(tmp_path):
    record = struct.pack(">BBBH", 0x1C, 2, 80, 5) + "Peña".encode("latin-1") + b"!"
    data = mf.splice_app13(mf.make_jpeg(), record)
    assert read(tmp_path, data).creator == "Peña!"


def test_xmp_packet(tmp_path):
    info = read(tmp_path, mf.make_jpeg(xmp=XMP))
    xmp = info.metadata["xmp"]
    assert xmp["creator"] == "María Pérez"
    assert xmp["rights"] == "© Government"  # the x-default alternative
    assert xmp["subject"] == ["vacunación", "salud"]
    assert xmp["credit"] == "Presidencia"
    assert xmp["city"] == "Rosario"
    assert (info.creator, info.credit, info.copyright) == (
        "María Pérez",
        "Presidencia",
        "© Government",
    )
    assert info.caption == "Acto oficial"
    assert info.keywords == ["vacunación", "salud"]
    assert info.captured_at == datetime(2023, 11, 20, 9, 15, tzinfo=timezone(timedelta(hours=-3)))


def test_exif_then_xmp_then_iptc(tmp_path):
    # MWG (as ExifTool's -use MWG reads it): EXIF when not blank, then XMP (no IPTC
    # digest here), then IPTC.
    everything = read(tmp_path, mf.make_jpeg(exif=CAMERA, iptc=IPTC, xmp=XMP))
    assert everything.creator == "Ana Lopez"
    assert everything.copyright == "Gobierno de la Ciudad"
    assert everything.caption == "Acto oficial"  # no EXIF description: XMP's
    assert everything.credit == "Presidencia"  # XMP's, over IPTC's
    assert everything.metadata["reconciled"]["creator"] == "exif"
    assert everything.metadata["reconciled"]["caption"] == "xmp"
    assert everything.metadata["iptc"]["creator"] == "José Núñez"  # the raw value stays
    without_exif = read(tmp_path, mf.make_jpeg(iptc=IPTC, xmp=XMP))
    assert without_exif.creator == "María Pérez"
    without_xmp = read(tmp_path, mf.make_jpeg(iptc=IPTC))
    assert without_xmp.creator == "José Núñez"
    without_iptc = read(tmp_path, mf.make_jpeg(exif=CAMERA, xmp=XMP))
    assert without_iptc.creator == "Ana Lopez"
    # EXIF dates are the camera's own clock: they win for the capture date.
    assert without_iptc.captured_at.year == 2024


def test_xmp_in_png(tmp_path):
    info = read(tmp_path, mf.make_png(xmp=XMP))
    assert info.creator == "María Pérez"


def test_icc_description_and_image_facts(tmp_path):
    icc = mf.make_icc_rgb("Display Oficial")
    info = read(tmp_path, mf.make_jpeg(icc=icc, dpi=(300, 300)))
    assert info.metadata["icc"]["description"] == "Display Oficial"
    assert info.metadata["icc"]["color_space"] == "RGB"
    image = info.metadata["image"]
    assert image == {
        "format": "JPEG",
        "mode": "RGB",
        "has_alpha": False,
        "frames": 1,
        "animated": False,
        "dpi": [300.0, 300.0],
    }


def test_hostile_exif_is_cleaned_and_capped(tmp_path):
    exif = {
        0x013B: "Ana\x07 L\u202eopez".encode() + b"x" * 10_000,  # artist, UTF-8
        "copyright": "   ",
        "model": "© Cámara".encode(),
        "exposure_time": (1, 0),
        "datetime_original": "0000:00:00 00:00:00",
        "gps": (123.0, 500.0),
    }
    info = read(tmp_path, mf.make_jpeg(exif=exif))
    exif_group = info.metadata["exif"]
    assert exif_group["artist"].startswith("Ana Lopez")
    assert len(exif_group["artist"]) <= 256
    assert exif_group["model"] == "© Cámara"
    assert "copyright" not in exif_group
    assert "exposure_time" not in exif_group
    assert "gps" not in exif_group
    assert info.captured_at is None


def test_keywords_are_deduplicated_and_capped(tmp_path):
    keywords = ["Salud", "salud", "SALUD"] + [f"k{i}" for i in range(300)]
    info = read(tmp_path, mf.make_jpeg(iptc={"keywords": keywords}))
    assert info.keywords[0] == "Salud"
    assert "salud" not in info.keywords
    assert len(info.keywords) == 100


@pytest.mark.parametrize(
    ("data", "fmt", "size", "extra"),
    [
        (mf.make_png(64, 32), "PNG", (64, 32), {"has_alpha": True, "mode": "RGBA"}),
        (mf.make_png(64, 32, "RGB", dpi=(150, 150)), "PNG", (64, 32), {"dpi": [150.0, 150.0]}),
        (mf.make_tiff(50, 60), "TIFF", (50, 60), {"mode": "RGB"}),
        (mf.make_webp(40, 40), "WEBP", (40, 40), {"has_alpha": True}),
        (mf.make_gif(30, 20, frames=4), "GIF", (30, 20), {"frames": 4, "animated": True}),
        (mf.make_heic(64, 48), "HEIF", (64, 48), {"mode": "RGB"}),
        (mf.make_avif(64, 48), "AVIF", (64, 48), {}),
    ],
    ids=["png", "png-dpi", "tiff", "webp", "gif", "heic", "avif"],
)
def test_image_formats(tmp_path, data, fmt, size, extra):
    info = read(tmp_path, data)
    assert (info.width, info.height) == size
    assert info.metadata["image"]["format"] == fmt
    for key, value in extra.items():
        assert info.metadata["image"][key] == value


def test_tiff_exif(tmp_path):
    info = read(tmp_path, mf.make_tiff(exif={"make": "Nikon", "artist": "Prensa"}))
    assert info.metadata["exif"]["make"] == "Nikon"
    assert info.creator == "Prensa"


def test_heic_orientation_is_applied(tmp_path):
    info = read(tmp_path, mf.make_heic(64, 48, orientation=6, exif={"make": "Apple"}))
    assert (info.width, info.height) == (48, 64)
    assert info.metadata["exif"]["make"] == "Apple"


def test_video_streams(tmp_path):
    data = mf.make_mp4(
        1.0, 320, 240, 25, audio=True, metadata={"creation_time": "2024-03-08T15:00:00.000000Z"}
    )
    info = read(tmp_path, data)
    assert info.duration == pytest.approx(1.0, abs=0.1)
    assert (info.width, info.height, info.orientation) == (320, 240, "horizontal")
    video = info.metadata["video"]
    assert video["codec"] in ("h264", "mpeg4")
    assert video["fps"] == pytest.approx(25.0)
    assert video["bit_rate"] > 0
    audio = info.metadata["audio"]
    assert (audio["codec"], audio["sample_rate"], audio["channels"]) == ("aac", 48000, 2)
    assert info.captured_at == datetime(2024, 3, 8, 15, 0, tzinfo=UTC)


def test_phone_video_rotation_swaps_the_size(tmp_path):
    info = read(tmp_path, mf.make_mp4(0.4, 320, 240, rotation=90))
    assert (info.width, info.height) == (240, 320)
    assert info.metadata["video"]["rotation"] == 90


@pytest.mark.parametrize(
    ("data", "container", "codec"),
    [
        (mf.make_webm(0.5, 160, 120, audio=True), "matroska", "vp8"),
        (mf.make_mov(0.5, 160, 120), "mov", None),
    ],
    ids=["webm", "mov"],
)
def test_other_video_containers(tmp_path, data, container, codec):
    info = read(tmp_path, data)
    assert info.duration == pytest.approx(0.5, abs=0.1)
    assert (info.width, info.height) == (160, 120)
    assert container in info.metadata["container"]["format"]
    if codec:
        assert info.metadata["video"]["codec"] == codec


@pytest.mark.parametrize(
    ("data", "codec", "rate", "channels", "seconds"),
    [
        (mf.make_wav(1.5, rate=44100, channels=2), "pcm_s16le", 44100, 2, 1.5),
        (mf.make_mp3(1.0), "mp3", 44100, 2, 1.0),
        (mf.make_ogg(1.0), "opus", 48000, 2, 1.0),
        (mf.make_ogg(1.0, codec="vorbis"), "vorbis", 48000, 2, 1.0),
        (mf.make_m4a(1.0), "aac", 48000, 2, 1.0),
        (mf.make_flac(0.5, rate=22050), "flac", 22050, 1, 0.5),
    ],
    ids=["wav", "mp3", "opus", "vorbis", "m4a", "flac"],
)
def test_audio_streams(tmp_path, data, codec, rate, channels, seconds):
    info = read(tmp_path, data)
    audio = info.metadata["audio"]
    assert (audio["codec"], audio["sample_rate"], audio["channels"]) == (codec, rate, channels)
    assert info.duration == pytest.approx(seconds, abs=0.1)
    assert info.width is None and info.orientation is None
    assert "video" not in info.metadata


def test_audio_tags(tmp_path):
    tags = {"artist": "Locución Oficial", "title": "Spot", "copyright": "Gobierno 2024"}
    info = read(tmp_path, mf.make_mp3(0.5, tags=tags))
    assert info.creator == "Locución Oficial"
    assert info.copyright == "Gobierno 2024"
    assert info.metadata["tags"]["title"] == "Spot"


def test_pdf(tmp_path):
    info = read(tmp_path, mf.make_pdf(3, width_pt=595, height_pt=842))
    document = info.metadata["document"]
    assert document["pages"] == 3
    assert (document["width_pt"], document["height_pt"]) == (595, 842)
    assert (document["width_mm"], document["height_mm"]) == (209.9, 297.0)  # A4
    # A page has no pixels: no pixel size, but it is upright.
    assert (info.width, info.height, info.orientation) == (None, None, "vertical")


def test_svg(tmp_path):
    info = read(tmp_path, mf.make_svg(width="120mm", height=None, viewbox="0 0 120 60"))
    assert (info.width, info.height) == (454, 227)
    assert info.metadata["vector"]["viewbox"] == [0, 0, 120, 60]


def test_decompression_bomb_is_refused_quickly(tmp_path):
    started = time.perf_counter()
    with pytest.raises(InvalidFile) as info:
        read(tmp_path, mf.make_png_header(100_000, 100_000))
    assert info.value.message == "The image is too large to process."
    assert time.perf_counter() - started < 1.0


def test_pixel_limit_comes_from_settings(tmp_path):
    with pytest.raises(InvalidFile) as info:
        read(tmp_path, mf.make_jpeg(640, 480), IngestSettings(max_image_pixels=100_000))
    assert info.value.message == "The image is too large to process."
    assert read(tmp_path, mf.make_jpeg(640, 480)).width == 640  # and back to the default


@pytest.mark.parametrize(
    ("settings", "detail"),
    [
        (IngestSettings(max_video_seconds=0.5), "seconds"),
        (IngestSettings(max_video_pixels=320 * 200), "width"),
    ],
)
def test_video_limits(tmp_path, settings, detail):
    with pytest.raises(InvalidFile) as info:
        read(tmp_path, mf.make_mp4(1.0, 320, 240), settings)
    assert info.value.message == "The video is too long or too large to process."
    assert detail in info.value.details


@pytest.mark.parametrize(
    "data",
    [
        mf.make_jpeg()[:120],
        mf.make_png()[:40],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
        mf.make_gif()[:20],
        mf.make_mp4(0.5)[:1500],
        mf.make_wav(0.1)[:30],
        mf.make_pdf()[:300],
        mf.make_ogg(0.5)[:300],
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 50,
    ],
    ids=["jpeg", "png", "png-garbage", "gif", "mp4", "wav", "pdf", "ogg", "id3"],
)
def test_damaged_files_raise_invalid_file(tmp_path, data):
    path = tmp_path / "file"
    path.write_bytes(data)
    sniffed = sniff(data)  # the head is intact: the damage is further in
    with pytest.raises(InvalidFile):
        extract(path, sniffed, SETTINGS)
