"""Metadata of raster images: EXIF, IPTC, XMP, ICC and the image itself.

Pillow reads the structures (``getexif`` with its Exif and GPS IFDs, the
Photoshop IPTC block, the XMP packet, the ICC profile) without decoding any
pixel, so this stays cheap even for a 100-megapixel photo. Width and height
are reported as displayed, after the EXIF orientation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageCms, IptcImagePlugin

from assets.budget import check_decode
from assets.media import DECODER_ERRORS, decoder_errors, open_image
from assets.metadata import clean
from assets.metadata.xmp import parse_xmp
from assets.settings import IngestSettings
from assets.sniff import Sniffed

_IFD0 = {
    "make": (0x010F, clean.SHORT),
    "model": (0x0110, clean.SHORT),
    "artist": (0x013B, clean.SHORT),
    "copyright": (0x8298, clean.SHORT),
    "description": (0x010E, clean.LONG),
    "software": (0x0131, clean.SHORT),
}
_EXIF_TEXT = {"lens": (0xA434, clean.SHORT), "lens_make": (0xA433, clean.SHORT)}
_EXIF_NUMBERS = {
    "exposure_time": 0x829A,
    "f_number": 0x829D,
    "focal_length": 0x920A,
    "focal_length_35mm": 0xA405,
}
_ISO = (0x8827, 0x8833)  # ISOSpeedRatings, then the newer ISOSpeed
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_OFFSET_ORIGINAL, _OFFSET_DIGITIZED = 0x9011, 0x9012
ORIENTATION_TAG = 0x0112
_ICC_ERRORS: tuple[type[BaseException], ...] = (ImageCms.PyCMSError, *DECODER_ERRORS)

# IPTC IIM record 2 dataset -> (our name, cleaned length or "list")
_IPTC: dict[int, tuple[str, int | str]] = {
    5: ("object_name", clean.SHORT),
    25: ("keywords", "list"),
    80: ("creator", clean.SHORT),
    90: ("city", clean.SHORT),
    95: ("state", clean.SHORT),
    101: ("country", clean.SHORT),
    105: ("headline", clean.SHORT),
    110: ("credit", clean.SHORT),
    115: ("source", clean.SHORT),
    116: ("copyright", clean.LONG),
    120: ("caption", clean.LONG),
}


@dataclass
class ImageMetadata:
    width: int
    height: int
    captured_at: datetime | None
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_image(path: Path, sniffed: Sniffed, settings: IngestSettings) -> ImageMetadata:
    """Everything BrandHub records about a raster image, without decoding it."""
    with open_image(path, sniffed, settings) as im, decoder_errors():
        width, height = im.size
        if im.format == "PNG" and "exif" not in im.info:
            # Pillow looks for a PNG's EXIF after the pixels, so getexif() decodes them
            # all: within the work budget or not at all.
            check_decode(width, height, im.mode, settings.budget)
        exif, exif_dates = _exif(im)
        if exif.get("orientation") in (5, 6, 7, 8):
            width, height = height, width
        iptc, iptc_date = _iptc(im)
        xmp = parse_xmp(_raw_xmp(im))
        groups = {
            "image": _image_group(im),
            "exif": exif,
            "iptc": iptc,
            "xmp": xmp,
            "icc": _icc(im.info.get("icc_profile")),
        }
    captured = (
        exif_dates
        or iptc_date
        or clean.iso_datetime(xmp.get("date_created"))
        or clean.iso_datetime(xmp.get("create_date"))
    )
    return ImageMetadata(width, height, captured, clean.compact(groups))


def _exif(im: Image.Image) -> tuple[dict[str, Any], datetime | None]:
    try:
        exif = im.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except DECODER_ERRORS:
        return {}, None  # unreadable EXIF does not make the picture unreadable
    out: dict[str, Any] = {}
    for name, (tag, limit) in _IFD0.items():
        out[name] = clean.exif_text(exif.get(tag), limit)
    for name, (tag, limit) in _EXIF_TEXT.items():
        out[name] = clean.exif_text(sub.get(tag), limit)
    for name, tag in _EXIF_NUMBERS.items():
        out[name] = clean.number(sub.get(tag))
    iso = next((sub.get(t) for t in _ISO if sub.get(t) is not None), None)
    if isinstance(iso, tuple | list):
        iso = iso[0] if iso else None
    out["iso"] = clean.integer(iso)
    orientation = clean.integer(exif.get(ORIENTATION_TAG))
    out["orientation"] = orientation if orientation in range(1, 9) else None
    captured = clean.exif_datetime(
        sub.get(_DATETIME_ORIGINAL), sub.get(_OFFSET_ORIGINAL)
    ) or clean.exif_datetime(sub.get(_DATETIME_DIGITIZED), sub.get(_OFFSET_DIGITIZED))
    out["datetime_original"] = captured.isoformat() if captured else None
    out["gps"] = _gps(gps)
    return clean.compact(out), captured


def _degrees(value: Any, ref: Any) -> float | None:
    if isinstance(value, tuple | list):
        parts = [clean.number(v, 10) for v in value[:3]]
        if not parts or any(p is None for p in parts):
            return None
        parts += [0.0] * (3 - len(parts))
        deg = parts[0] + parts[1] / 60 + parts[2] / 3600  # type: ignore[operator]
    else:
        single = clean.number(value, 10)
        if single is None:
            return None
        deg = single
    if (clean.text(ref, 4) or "").upper() in ("S", "W"):
        deg = -deg
    return round(deg, 7)


def _gps(gps: dict[int, Any]) -> dict[str, float] | None:
    lat = _degrees(gps.get(2), gps.get(1))
    lon = _degrees(gps.get(4), gps.get(3))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    out = {"lat": lat, "lon": lon}
    altitude = clean.number(gps.get(6), 2)
    if altitude is not None and abs(altitude) < 100_000:
        out["altitude"] = -altitude if gps.get(5) in (1, b"\x01") else altitude
    return out


def _iptc(im: Image.Image) -> tuple[dict[str, Any], datetime | None]:
    try:
        info = IptcImagePlugin.getiptcinfo(im)  # type: ignore[arg-type]
    except DECODER_ERRORS:
        return {}, None
    if not info:
        return {}, None
    out: dict[str, Any] = {}
    for (record, dataset), raw in info.items():
        if record != 2 or dataset not in _IPTC:
            continue
        name, kind = _IPTC[dataset]
        values = raw if isinstance(raw, list) else [raw]
        if kind == "list":
            out[name] = clean.text_list(values)
        else:
            out[name] = clean.text(values, int(kind))
    captured = clean.iptc_datetime(info.get((2, 55)), info.get((2, 60)))
    if captured:
        out["date_created"] = captured.isoformat()
    return clean.compact(out), captured


def _raw_xmp(im: Image.Image) -> bytes | str | None:
    raw = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp")
    if raw is None and hasattr(im, "tag_v2"):
        raw = im.tag_v2.get(700)  # TIFF XMLPacket
    return raw if isinstance(raw, bytes | str) else None


def _icc(profile: bytes | None) -> dict[str, Any]:
    if not profile:
        return {}
    out: dict[str, Any] = {"size": len(profile)}
    if len(profile) >= 20:
        out["color_space"] = clean.text(profile[16:20], 8)
    try:
        parsed = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        out["description"] = clean.text(ImageCms.getProfileDescription(parsed))
    except _ICC_ERRORS:
        out["error"] = "unreadable"
    return clean.compact(out)


def _image_group(im: Image.Image) -> dict[str, Any]:
    dpi = im.info.get("dpi")
    frames = getattr(im, "n_frames", 1)
    has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info
    out: dict[str, Any] = {
        "format": im.format,
        "mode": im.mode,
        "has_alpha": has_alpha,
        "frames": clean.integer(frames) or 1,
        "animated": bool(getattr(im, "is_animated", False)),
    }
    if isinstance(dpi, tuple | list) and len(dpi) == 2:
        x, y = clean.number(dpi[0], 1), clean.number(dpi[1], 1)  # PNG stores dots per metre
        if x and y and 0 < x < 100_000 and 0 < y < 100_000:
            out["dpi"] = [x, y]
    return out
