"""Download presets: the sizes and formats each channel needs, by name.

Each preset is a rendition spec (see ``assets.renditions``). Instances add or
change presets with ``PRESETS`` in their config file (a dict of name →
{"label", "spec"}). Crops are centred on the asset's focal point when it has
one.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

DEFAULT_PRESETS: dict[str, dict[str, Any]] = {
    "web": {"label": _l("Web (1920 px, JPEG)"), "spec": "max-1920|format-jpeg|quality-85"},
    "print": {
        "label": _l("Print (original pixels, high-quality JPEG)"),
        "spec": "original|format-jpeg|quality-95",
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


def presets(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {**DEFAULT_PRESETS, **(config.get("PRESETS") or {})}


def free_spec(width: str | None, height: str | None, fmt: str | None) -> str:
    """A spec from ``?width=&height=&format=``; the spec parser enforces the limits."""
    parts = []
    if width and height:
        parts.append(f"fill-{width}x{height}")
    elif width:
        parts.append(f"width-{width}")
    elif height:
        parts.append(f"height-{height}")
    else:
        parts.append("original")
    parts.append(f"format-{fmt or 'jpeg'}")
    return "|".join(parts)
