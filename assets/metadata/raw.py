"""Metadata of camera raw photos: the same EXIF group as a JPEG's, read from the raw.

The EXIF directories of a raw are TIFF structures (``assets.raw.exif_blocks``
finds them in each format); Pillow parses them and
``assets.metadata.image.exif_values`` turns them into the very values a JPEG
gives (camera, lens, exposure, capture time, GPS). Where a maker keeps a value
elsewhere, LibRaw's own reading fills the gap (exposure, aperture, ISO, focal
length, lens, the camera clock). The size is LibRaw's, as displayed; the
``raw`` group says how the preview is made (the camera's embedded JPEG, or
a demosaic).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from assets.media import DECODER_ERRORS
from assets.metadata import clean
from assets.metadata.capture import from_exif, from_iso
from assets.metadata.image import ImageMetadata, exif_values
from assets.metadata.xmp import parse_xmp
from assets.raw import exif_blocks, raw_facts, raw_size
from assets.settings import IngestSettings
from assets.sniff import Sniffed
from assets.sniff.raw import CR3

_XMP_TAG = 700


def _load(block: bytes) -> Image.Exif:
    exif = Image.Exif()
    if block:
        try:
            exif.load(b"Exif\x00\x00" + block)
        except DECODER_ERRORS:
            return Image.Exif()
    return exif


def _directories(
    path: Path, sniffed: Sniffed
) -> tuple[dict[int, Any], dict[int, Any], dict[int, Any]]:
    """IFD0, the EXIF directory and the GPS directory as plain dicts (empty when unreadable)."""
    blocks = exif_blocks(path, sniffed)
    try:
        if sniffed == CR3:
            ifd0, sub, gps = (dict(_load(b)) for b in (blocks + [b"", b"", b""])[:3])
            return ifd0, sub, gps
        exif = _load(blocks[0]) if blocks else Image.Exif()
        ifd0 = dict(exif)
        sub = dict(exif.get_ifd(ExifTags.IFD.Exif))
        gps = dict(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except DECODER_ERRORS:
        return {}, {}, {}
    # TIFF/EP lets a raw keep its EXIF tags in IFD0 itself.
    return ifd0, {**ifd0, **sub}, gps


def read_raw(path: Path, sniffed: Sniffed, settings: IngestSettings) -> ImageMetadata:
    """Everything BrandHub records about a raw photo, without demosaicing it."""
    size = raw_size(path, settings)
    ifd0, sub, gps = _directories(path, sniffed)
    exif, capture = exif_values(ifd0, sub, gps)
    exif.pop("orientation", None)  # LibRaw's rotation is applied to every rendition already
    other, lens = raw_facts(path, settings)
    _fill(exif, other, lens)
    if capture is None and isinstance(other.timestamp, datetime):
        capture = from_exif(other.timestamp.strftime("%Y:%m:%d %H:%M:%S"))
    xmp = parse_xmp(_xmp(ifd0))
    capture = capture or from_iso(clean.iso_datetime(xmp.get("datetime_original")), "xmp")
    groups: dict[str, Any] = {
        "image": {"format": sniffed.ext.upper(), "mode": "RGB", "has_alpha": False, "frames": 1},
        "raw": clean.compact(
            {
                "format": sniffed.label,
                "preview": "embedded" if _covers(size.thumb, settings) else "demosaic",
                "embedded_preview": list(size.thumb) if size.thumb else None,
            }
        ),
        "exif": exif,
        "xmp": xmp,
    }
    return ImageMetadata(size.width, size.height, capture, clean.compact(groups))


def _covers(thumb: tuple[int, int] | None, settings: IngestSettings) -> bool:
    """Whether the embedded preview is big enough for the standard preview."""
    return thumb is not None and max(thumb) >= settings.preview_size


def _fill(exif: dict[str, Any], other: Any, lens: Any) -> None:
    """Values LibRaw read where the EXIF directories did not say them."""
    found = {
        "exposure_time": clean.number(other.shutter_speed, 10) if other.shutter_speed else None,
        "f_number": clean.number(other.aperture, 1) if other.aperture else None,
        "iso": clean.integer(round(other.iso_speed)) if other.iso_speed else None,
        "focal_length": clean.number(other.focal_length, 6) if other.focal_length else None,
        "lens": clean.text(lens.model, clean.SHORT) if lens.model else None,
    }
    for name, value in found.items():
        if value and not exif.get(name):
            exif[name] = value


def _xmp(ifd0: Mapping[int, Any]) -> bytes | str | None:
    raw = ifd0.get(_XMP_TAG)
    return raw if isinstance(raw, bytes | str) else None
