"""Metadata of raster images: EXIF, IPTC, XMP, ICC and the image itself.

Pillow reads the structures (``getexif`` with its Exif and GPS IFDs, the
Photoshop IPTC block, the XMP packet, the ICC profile) without decoding any
pixel, so this stays cheap even for a 100-megapixel photo. Width and height
are reported as displayed, after the EXIF orientation.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageCms, IptcImagePlugin

from assets.budget import check_decode
from assets.media import DECODER_ERRORS, decoder_errors, open_image
from assets.metadata import clean
from assets.metadata.capture import CaptureTime, from_exif, from_iso
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
_OFFSET_TIME, _OFFSET_ORIGINAL, _OFFSET_DIGITIZED = 0x9010, 0x9011, 0x9012
_SUBSEC_ORIGINAL, _SUBSEC_DIGITIZED = 0x9291, 0x9292
_GPS_TIME, _GPS_DATE = 0x07, 0x1D
_IPTC_DIGEST, _IPTC_BLOCK = 0x0425, 0x0404  # Photoshop image resources
_UTF8_ESCAPE = b"\x1b%G"  # IPTC 1:90 CodedCharacterSet for UTF-8
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
    capture: CaptureTime | None
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def captured_at(self) -> datetime | None:
        """The instant, when the file says its zone."""
        return self.capture.utc if self.capture else None


def read_image(path: Path, sniffed: Sniffed, settings: IngestSettings) -> ImageMetadata:
    """Everything BrandHub records about a raster image, without decoding it."""
    with open_image(path, sniffed, settings) as im, decoder_errors():
        width, height = im.size
        if im.format == "PNG" and "exif" not in im.info:
            # Pillow looks for a PNG's EXIF after the pixels, so getexif() decodes them
            # all: within the work budget or not at all.
            check_decode(width, height, im.mode, settings.budget)
        exif, exif_capture = _exif(im)
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
    # MWG: EXIF DateTimeOriginal first, then XMP (exif:DateTimeOriginal,
    # photoshop:DateCreated), then IPTC's DateCreated/TimeCreated.
    capture = (
        exif_capture
        or from_iso(clean.iso_datetime(xmp.get("datetime_original")), "xmp")
        or from_iso(clean.iso_datetime(xmp.get("date_created")), "xmp")
        or from_iso(iptc_date, "iptc")
        or from_iso(clean.iso_datetime(xmp.get("create_date")), "xmp")
    )
    return ImageMetadata(width, height, capture, clean.compact(groups))


def _exif(im: Image.Image) -> tuple[dict[str, Any], CaptureTime | None]:
    try:
        exif = im.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except DECODER_ERRORS:
        return {}, None  # unreadable EXIF does not make the picture unreadable
    return exif_values(exif, sub, gps)


def exif_values(
    exif: Mapping[int, Any], sub: Mapping[int, Any], gps: Mapping[int, Any]
) -> tuple[dict[str, Any], CaptureTime | None]:
    """The EXIF group and capture time from IFD0, the EXIF directory and the GPS directory."""
    out: dict[str, Any] = {}
    for name, (tag, limit) in _IFD0.items():
        out[name] = clean.exif_text(exif.get(tag), limit)
    for name, (tag, limit) in _EXIF_TEXT.items():
        out[name] = clean.exif_text(sub.get(tag), limit)
    for name, tag in _EXIF_NUMBERS.items():
        # 1/640 s is 0.0015625: six decimals would make it 1/639.8.
        out[name] = clean.number(sub.get(tag), 10 if name == "exposure_time" else 6)
    iso = next((sub.get(t) for t in _ISO if sub.get(t) is not None), None)
    if isinstance(iso, tuple | list):
        iso = iso[0] if iso else None
    out["iso"] = clean.integer(iso)
    orientation = clean.integer(exif.get(ORIENTATION_TAG))
    out["orientation"] = orientation if orientation in range(1, 9) else None
    gps_utc = _gps_datetime(gps)
    captured = from_exif(
        sub.get(_DATETIME_ORIGINAL),
        subsec=sub.get(_SUBSEC_ORIGINAL),
        offset_original=sub.get(_OFFSET_ORIGINAL),
        offset=sub.get(_OFFSET_TIME),
        gps_utc=gps_utc,
    ) or from_exif(
        sub.get(_DATETIME_DIGITIZED),
        subsec=sub.get(_SUBSEC_DIGITIZED),
        offset_original=sub.get(_OFFSET_DIGITIZED),
        offset=sub.get(_OFFSET_TIME),
        gps_utc=gps_utc,
    )
    # The file's own words, as written: the clock time and its helpers.
    out["datetime_original"] = clean.text(sub.get(_DATETIME_ORIGINAL), 32)
    out["subsec_original"] = clean.text(sub.get(_SUBSEC_ORIGINAL), 16)
    out["offset_time_original"] = clean.text(sub.get(_OFFSET_ORIGINAL), 16)
    out["offset_time"] = clean.text(sub.get(_OFFSET_TIME), 16)
    out["datetime_digitized"] = clean.text(sub.get(_DATETIME_DIGITIZED), 32)
    out["gps_datetime"] = gps_utc.isoformat() if gps_utc else None
    out["gps"] = _gps(gps)
    return clean.compact(out), captured


def _gps_datetime(gps: Mapping[int, Any]) -> datetime | None:
    """GPSDateStamp + GPSTimeStamp: a UTC instant from the satellites."""
    date = clean.text(gps.get(_GPS_DATE), 16)
    hms = gps.get(_GPS_TIME)
    if not date or not isinstance(hms, tuple | list) or len(hms) != 3:
        return None
    h, m, s = (clean.number(v, 6) for v in hms)
    if h is None or m is None or s is None:
        return None
    seconds = int(h) * 3600 + int(m) * 60 + s
    if not 0 <= seconds < 86_401:
        return None
    day = clean.exif_datetime(f"{date} 00:00:00")
    if day is None:
        return None
    return (day + timedelta(seconds=round(seconds))).replace(tzinfo=UTC)


def _degrees(value: Any, ref: Any) -> float | None:
    if isinstance(value, tuple | list):
        parts = [clean.number(v, 10) for v in value[:3]]
        numbers = [p for p in parts if p is not None]
        if not numbers or len(numbers) < len(parts):
            return None
        numbers += [0.0] * (3 - len(numbers))
        deg = numbers[0] + numbers[1] / 60 + numbers[2] / 3600
    else:
        single = clean.number(value, 10)
        if single is None:
            return None
        deg = single
    if (clean.text(ref, 4) or "").upper() in ("S", "W"):
        deg = -deg
    return round(deg, 7)


def _gps(gps: Mapping[int, Any]) -> dict[str, float] | None:
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
        info = IptcImagePlugin.getiptcinfo(im)  # type: ignore[arg-type]  # reads any Image, typed for ImageFile
    except DECODER_ERRORS:
        return {}, None
    if not info:
        return {}, None
    out: dict[str, Any] = {}
    utf8 = _first_bytes(info.get((1, 90))).startswith(_UTF8_ESCAPE)
    for (record, dataset), raw in info.items():
        if record != 2 or dataset not in _IPTC:
            continue
        name, kind = _IPTC[dataset]
        values: list[Any] = raw if isinstance(raw, list) else [raw]
        if utf8:  # declared UTF-8; without 1:90, ``clean.decode`` tries UTF-8, then Windows-1252
            values = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in values]
        if kind == "list":
            out[name] = clean.text_list(values)
        else:
            out[name] = clean.text(values, int(kind))
    captured = clean.iptc_datetime(info.get((2, 55)), info.get((2, 60)))
    if captured:
        out["date_created"] = captured.isoformat()
    out["charset"] = "utf-8" if utf8 else None
    out["digest"] = _iptc_digest(im)
    return clean.compact(out), captured


def _first_bytes(value: Any) -> bytes:
    if isinstance(value, list):
        value = value[0] if value else b""
    return value if isinstance(value, bytes) else b""


def _iptc_digest(im: Image.Image) -> str | None:
    """Whether the IPTC block is the one the last MWG-aware writer saw.

    Photoshop resource 0x0425 holds the MD5 of the IPTC block (0x0404) as that
    writer left it: ``match`` means IPTC and XMP were written together,
    ``mismatch`` that a tool unaware of XMP changed IPTC since; None when there is
    no digest (MWG treats that like a match).
    """
    resources = im.info.get("photoshop")
    if not isinstance(resources, dict):
        return None
    digest, block = resources.get(_IPTC_DIGEST), resources.get(_IPTC_BLOCK)
    if not isinstance(digest, bytes) or not isinstance(block, bytes) or not digest.strip(b"\0"):
        return None
    return (
        "match" if hashlib.md5(block, usedforsecurity=False).digest() == digest[:16] else "mismatch"
    )


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
    # A Photoshop document's "frames" are its layers (listed in the design group), not an animation.
    photoshop = im.format == "PSD"
    frames = 1 if photoshop else getattr(im, "n_frames", 1)
    has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info
    out: dict[str, Any] = {
        "format": im.format,
        "mode": im.mode,
        "has_alpha": has_alpha,
        "frames": clean.integer(frames) or 1,
        "animated": not photoshop and bool(getattr(im, "is_animated", False)),
    }
    if isinstance(dpi, tuple | list) and len(dpi) == 2:
        x, y = clean.number(dpi[0], 1), clean.number(dpi[1], 1)  # PNG stores dots per metre
        if x and y and 0 < x < 100_000 and 0 < y < 100_000:
            out["dpi"] = [x, y]
    return out
