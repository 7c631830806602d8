"""Download presets: the sizes and formats each channel needs, by name.

Each preset is a rendition spec (see ``assets.renditions``). Instances add or
change presets with ``PRESETS`` in their config file (a dict of name →
{"label", "spec"}). ``fill`` crops are centred on the asset's focal point
(``operations.downloads`` puts it into the spec). Free sizes
(``?width=&height=&format=``) are checked here, with messages that say what
is allowed; ``DOWNLOAD_MAX_SIDE`` caps them, and ``ANONYMOUS_DOWNLOAD_MAX_SIDE``
caps them for visitors without an account (press kit, share links), whose
request for a format alone is bounded to that side too: the bitmap one visitor
can make a process draw stays within tens of megabytes (4000 x 4000 RGBA is
64 MB) rather than the 256 MB of an 8000 px vector.

Its errors are raised while answering a request, so they carry messages that
are already translated (with the name or limit in them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assets.renditions.spec import FORMAT_ALIASES
from assets.sniff.office import OFFICE_MIMES
from core.errors import InvalidInput


class UnknownPreset(InvalidInput):
    """There is no download preset of that name."""

    code = "unknown_preset"


class InvalidSize(InvalidInput):
    """The width or height of a free size is not allowed."""

    code = "invalid_size"


class InvalidFormat(InvalidInput):
    """The format of a free size is not one offered."""

    code = "invalid_format"


DEFAULT_PRESETS: dict[str, dict[str, Any]] = {
    "web": {"label": _l("Web (1920 px, JPEG)"), "spec": "max-1920|format-jpeg|quality-85"},
    "print": {
        "label": _l("Print (original pixels, high-quality JPEG)"),
        "spec": "original|format-jpeg|quality-95|dpi-300",
    },
    "print-tiff": {
        "label": _l("Print (original pixels, TIFF)"),
        "spec": "original|format-tiff|dpi-300",
    },
    "instagram-square": {
        "label": _l("Instagram square (1080 × 1080)"),
        "spec": "fill-1080x1080|format-jpeg|quality-90",
    },
    "instagram-story": {
        "label": _l("Instagram story (1080 × 1920)"),
        "spec": "fill-1080x1920|format-jpeg|quality-90",
    },
    "facebook": {
        "label": _l("Facebook (1200 × 630)"),
        "spec": "fill-1200x630|format-jpeg|quality-90",
    },
    "x": {"label": _l("X (1600 × 900)"), "spec": "fill-1600x900|format-jpeg|quality-90"},
    "youtube-thumb": {
        "label": _l("YouTube thumbnail (1280 × 720)"),
        "spec": "fill-1280x720|format-jpeg|quality-90",
    },
    "whatsapp": {"label": _l("WhatsApp (1600 px)"), "spec": "max-1600|format-jpeg|quality-80"},
}
#: What a designer master offers (Illustrator, EPS: a transparent PNG and the vector PDF;
#: Photoshop: a PNG beside the channel presets). Also valid by name for any asset.
MASTER_PRESETS: dict[str, dict[str, Any]] = {
    "master-png": {
        "label": _l("PNG with transparency (2000 px)"),
        "spec": "max-2000|format-png",
    },
    "master-pdf": {"label": _l("Vector PDF"), "spec": "original|format-pdf"},
}
_VECTOR_MASTERS = ("application/illustrator", "application/postscript")
_PHOTOSHOP = "image/vnd.adobe.photoshop"
FREE_FORMATS = ("jpeg", "png", "webp", "tiff")
DEFAULT_MAX_SIDE = 8000
DEFAULT_ANONYMOUS_MAX_SIDE = 4000
#: The file name label of a free size.
FREE_LABEL = "a-medida"


def presets(config: Mapping[str, Any], mime: str | None = None) -> dict[str, dict[str, Any]]:
    """The presets offered for an asset of type ``mime`` (every asset's when not given)."""
    everyone = {**DEFAULT_PRESETS, **(config.get("PRESETS") or {})}
    if mime in _VECTOR_MASTERS:
        return {**MASTER_PRESETS, "web": everyone["web"]} if "web" in everyone else MASTER_PRESETS
    if mime == _PHOTOSHOP:
        return {"master-png": MASTER_PRESETS["master-png"], **everyone}
    if mime in OFFICE_MIMES:
        # A presentation or a letter is not cropped for social networks nor printed as a
        # TIFF: its first page for the web (its PDF version is offered beside the original).
        return {"web": everyone["web"]} if "web" in everyone else {}
    return everyone


def preset_spec(config: Mapping[str, Any], name: str) -> str:
    """The spec of the preset ``name``; a 400 that says so when there is none."""
    found = {**MASTER_PRESETS, **presets(config)}.get(name)
    if found is None:
        raise UnknownPreset(_("There is no download preset %(name)s.", name=name[:40]))
    return str(found["spec"])


def _side(value: str | None, limit: int) -> int | None:
    if value is None or value == "":
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= limit:
        raise InvalidSize(
            _("Width and height must be whole numbers from 1 to %(max)s pixels.", max=limit)
        )
    return int(text)


def free_spec(
    width: str | None,
    height: str | None,
    fmt: str | None,
    max_side: int = DEFAULT_MAX_SIDE,
    *,
    bound_original: bool = False,
) -> str:
    """A spec from ``?width=&height=&format=`` (both sides: a crop to that shape).

    With ``bound_original`` a request without a size fits within ``max_side``
    instead of keeping the source's pixel size.
    """
    w, h = _side(width, max_side), _side(height, max_side)
    name = (fmt or "jpeg").strip().lower()
    name = FORMAT_ALIASES.get(name, name)
    if name not in FREE_FORMATS:
        raise InvalidFormat(
            _("The format must be one of: %(formats)s.", formats=", ".join(FREE_FORMATS))
        )
    if w and h:
        resize = f"fill-{w}x{h}"
    elif w:
        resize = f"width-{w}"
    elif h:
        resize = f"height-{h}"
    elif bound_original:
        resize = f"max-{max_side}"
    else:
        resize = "original"
    return f"{resize}|format-{name}"


def max_side(config: Mapping[str, Any], *, anonymous: bool = False) -> int:
    """The longest side a free size may ask for (the download menus' forms say it too)."""
    limit = int(config.get("DOWNLOAD_MAX_SIDE") or DEFAULT_MAX_SIDE)
    if anonymous:
        anonymous_side = config.get("ANONYMOUS_DOWNLOAD_MAX_SIDE") or DEFAULT_ANONYMOUS_MAX_SIDE
        limit = min(limit, int(anonymous_side))
    return limit


def spec_from_args(
    config: Mapping[str, Any], args: Mapping[str, Any], *, anonymous: bool = False
) -> tuple[str, str]:
    """``(spec, label)`` from a request's ``?preset=`` or ``?width=&height=&format=``."""
    name = args.get("preset")
    if name:
        return preset_spec(config, name), name
    spec = free_spec(
        args.get("width"),
        args.get("height"),
        args.get("format"),
        max_side(config, anonymous=anonymous),
        bound_original=anonymous,
    )
    return spec, FREE_LABEL
