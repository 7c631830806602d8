"""Turning metadata read from files into small, JSON-safe, displayable values.

Embedded metadata is written by whoever made the file, so it is hostile until
cleaned: strings may carry NULs, control and bidi-override characters, be
megabytes long, or be bytes in an unknown encoding; numbers may be NaN or
rationals with a zero denominator. Everything leaving the metadata package
passes through here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

SHORT = 256  # names, camera models, credits
LONG = 2000  # captions and descriptions
MAX_ITEMS = 100  # keywords and other lists
MAX_KEYWORD = 100

# C0/C1 controls except tab and newline, bidi embeddings/overrides/isolates,
# marks, BOM. Newlines survive: captions have paragraphs.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufffe]"
)


def text(value: Any, limit: int = SHORT) -> str | None:
    """A clean, stripped, length-capped string, or None when nothing is left."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        value = decode(bytes(value))
    elif isinstance(value, list | tuple):
        value = "; ".join(s for s in (text(v, limit) for v in value[:MAX_ITEMS]) if s)
    elif not isinstance(value, str):
        value = str(value)
    # C strings end at their first NUL; what follows is the writer's leftover
    # buffer ("Nokia\x002" is the make "Nokia").
    value = value.split("\x00", 1)[0]
    value = _UNWANTED.sub("", unicodedata.normalize("NFC", value[: limit * 4]))
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value or None


def exif_text(value: Any, limit: int = SHORT) -> str | None:
    """Like ``text``, repairing UTF-8 that was read as Latin-1.

    EXIF says its strings are ASCII; cameras and editors write UTF-8 anyway
    ("© Ana"), and readers hand it back decoded as Latin-1 ("Â© Ana").
    """
    if isinstance(value, str) and not value.isascii():
        try:
            value = value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return text(value, limit)


def decode(raw: bytes) -> str:
    """Bytes from metadata as text: UTF-8 when valid, else Windows-1252/Latin-1."""
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NUL bytes inside
        raw = raw.split(b"\x00", 1)[0]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def text_list(values: Iterable[Any] | None, limit: int = MAX_KEYWORD) -> list[str]:
    """Unique cleaned strings in first-seen order, at most ``MAX_ITEMS``."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values or ():
        item = text(value, limit)
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
            if len(out) >= MAX_ITEMS:
                break
    return out


def number(value: Any, ndigits: int = 6) -> float | None:
    """A finite float (rationals included), or None."""
    try:
        result = float(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(result) or abs(result) > 1e15:
        return None
    return round(result, ndigits)


def integer(value: Any) -> int | None:
    result = number(value, 0)
    return int(result) if result is not None else None


def compact(group: dict[str, Any]) -> dict[str, Any]:
    """The group without empty values (None, "", [], {})."""
    return {k: v for k, v in group.items() if v not in (None, "", [], {})}


# --- dates -------------------------------------------------------------------

_EXIF_DATE = re.compile(r"(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_ISO_DATE = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def offset_tz(offset: str | None) -> timezone | None:
    """``Z``, ``+HH:MM`` or ``-HHMM`` as a fixed offset; None for anything else."""
    if not offset:
        return None
    if offset == "Z":
        return UTC
    m = _OFFSET.fullmatch(offset.strip())
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


def _make(parts: Iterable[str | None], tz: timezone | None) -> datetime | None:
    y, mo, d, h, mi, s = (int(p) if p else 0 for p in parts)
    try:
        value = datetime(y, mo or 1, d or 1, h, mi, s, tzinfo=tz)
    except ValueError:
        return None
    # Cameras with an unset clock write 0000:00:00 or 1970; neither is a capture date.
    return value if 1900 < value.year < 2200 else None


def exif_datetime(value: Any, offset: Any = None) -> datetime | None:
    """EXIF ``YYYY:MM:DD HH:MM:SS`` (plus an optional ``+HH:MM`` offset tag)."""
    raw = text(value, 64)
    if not raw:
        return None
    m = _EXIF_DATE.match(raw)
    if not m:
        return iso_datetime(raw)
    return _make(m.groups(), offset_tz(text(offset, 16)))


def iso_datetime(value: Any) -> datetime | None:
    """ISO 8601 as written in XMP and video tags (date-only is midnight)."""
    raw = text(value, 64)
    if not raw:
        return None
    m = _ISO_DATE.match(raw)
    if not m:
        return None
    return _make(m.groups()[:6], offset_tz(m.group(7)))


def iptc_datetime(date: Any, time: Any = None) -> datetime | None:
    """IPTC ``CCYYMMDD`` and ``HHMMSS±HHMM``."""
    d = text(date, 16)
    if not d or not re.fullmatch(r"\d{8}", d):
        return None
    t = text(time, 16) or ""
    m = re.fullmatch(r"(\d{2})(\d{2})(\d{2})([+-]\d{4})?", t)
    hms = m.groups()[:3] if m else (None, None, None)
    return _make((d[:4], d[4:6], d[6:8], *hms), offset_tz(m.group(4)) if m else None)


# --- placeholders ----------------------------------------------------------------

# What cameras and tools write when nobody wrote anything: never a caption,
# a title or a rights statement. Compared case-insensitively, spaces folded.
PLACEHOLDERS = frozenset(
    s.casefold()
    for s in (
        "x-default",  # the language tag of an XMP lang-alt, read as its text
        "OLYMPUS DIGITAL CAMERA",
        "KONICA MINOLTA DIGITAL CAMERA",
        "MINOLTA DIGITAL CAMERA",
        "SONY DSC",
        "DCIM",
        "Default",
        "DIGITAL CAMERA",
        "SAMSUNG DIGITAL CAMERA",
        "PENTAX DIGITAL CAMERA",
        "NIKON DIGITAL CAMERA",
        "KODAK DIGITAL STILL CAMERA",
        "KODAK CSC DIGITAL CAMERA",
        "EASYSHARE DIGITAL CAMERA",
        "PANASONIC DIGITAL CAMERA",
        "CASIO DIGITAL CAMERA",
        "FUJIFILM DIGITAL CAMERA",
        "SANYO DIGITAL CAMERA",
        "Exif_JPEG_PICTURE",
        "LEICA DIGITAL CAMERA",
        "My beautiful picture",
        "Untitled",
        "Sin título",
        "Picture",
        "Image",
        "Photo",
        "None",
        "Unknown",
        "Copyright",
        "(c)",
        "©",
        "[None] (Photographer) - [None] (Editor)",
    )
)


def placeholder(value: str | None, *camera: str | None) -> bool:
    """True for text that only looks like metadata (see ``PLACEHOLDERS``).

    Also a value that only repeats the camera's make and model ("Canon EOS 70D",
    "NIKON D750"), or that has no letter or digit at all.
    """
    if not value:
        return True
    folded = " ".join(value.split()).casefold()
    if folded in PLACEHOLDERS or not any(c.isalnum() for c in folded):
        return True
    words = set(folded.replace(",", " ").split())
    known = {w for name in camera if name for w in name.casefold().split()}
    return bool(known) and words <= known


def real_text(value: Any, *camera: str | None, limit: int = SHORT) -> str | None:
    """``text(value)``, or None when it is a placeholder."""
    cleaned = text(value, limit)
    return None if placeholder(cleaned, *camera) else cleaned


# --- display --------------------------------------------------------------------


def exposure(seconds: Any) -> str | None:
    """An exposure time as photographers write it: "1/640", "0.4", "2".

    ExifTool's rule: below a quarter second, the reciprocal rounded to a whole
    number; otherwise one decimal, without a trailing ".0".
    """
    value = number(seconds, 10)
    if value is None or value <= 0:
        return None
    if value < 0.25001:
        return f"1/{int(0.5 + 1 / value)}"
    shown = f"{value:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown
