"""Metadata extraction: what a file says about itself, as clean JSON-safe values.

``extract(path, sniffed, settings)`` dispatches on the sniffed kind:

- images (``image.py``): EXIF (camera, lens, exposure, GPS, orientation,
  artist, copyright), IPTC, XMP, ICC description and the image's own facts;
- video and audio (``streams.py``): streams, duration, frame and sample rate,
  container tags, with mutagen as the fallback for audio tags;
- PDF and SVG (``documents.py``): pages and page size, or size and viewBox.

The result is a ``MediaInfo``: displayed width and height, duration, an
orientation word, the capture date, the grouped ``metadata`` dict (stored as
JSON) and the normalised ``creator``, ``credit``, ``copyright``, ``caption``
and ``keywords`` picked from IPTC, then XMP, then EXIF or tags, because
IPTC is what photo desks fill in and EXIF is what cameras guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assets.metadata import clean
from assets.settings import IngestSettings
from assets.sniff import Sniffed

__all__ = ["MediaInfo", "extract", "orientation_of"]


@dataclass
class MediaInfo:
    """What BrandHub records about a file besides its bytes."""

    width: int | None = None
    height: int | None = None
    duration: float | None = None
    orientation: str | None = None
    captured_at: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    creator: str | None = None
    credit: str | None = None
    copyright: str | None = None
    caption: str | None = None
    keywords: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-safe values (the capture date in ISO 8601)."""
        return {
            "width": self.width,
            "height": self.height,
            "duration": self.duration,
            "orientation": self.orientation,
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
            "metadata": self.metadata,
            "creator": self.creator,
            "credit": self.credit,
            "copyright": self.copyright,
            "caption": self.caption,
            "keywords": list(self.keywords),
        }


def orientation_of(width: int | None, height: int | None) -> str | None:
    """``horizontal``, ``vertical`` or ``square``; None when the size is unknown."""
    if not width or not height:
        return None
    if width == height:
        return "square"
    return "horizontal" if width > height else "vertical"


def extract(path: Path, sniffed: Sniffed, settings: IngestSettings) -> MediaInfo:
    """Read the metadata of a file whose type has been sniffed.

    Raises ``InvalidFile`` when the file cannot be read as that type.
    """
    width = height = None
    duration = None
    captured = None
    if sniffed.kind == "image":
        from assets.metadata.image import read_image

        img = read_image(path, sniffed, settings)
        width, height, captured, groups = img.width, img.height, img.captured_at, img.groups
    elif sniffed.kind in ("video", "audio"):
        from assets.metadata.streams import read_av

        av = read_av(path, sniffed, settings)
        width, height, duration, captured, groups = (
            av.width, av.height, av.duration, av.captured_at, av.groups,
        )  # fmt: skip
    elif sniffed.mime == "application/pdf":
        from assets.metadata.documents import read_pdf

        doc = read_pdf(path)
        width, height, groups = doc.width, doc.height, doc.groups
    elif sniffed.mime == "image/svg+xml":
        from assets.metadata.documents import read_svg

        doc = read_svg(path, settings)
        width, height, groups = doc.width, doc.height, doc.groups
    else:
        raise ValueError(f"no metadata reader for {sniffed.mime}")

    info = MediaInfo(
        width=width,
        height=height,
        duration=duration,
        orientation=orientation_of(width, height),
        captured_at=captured,
        metadata=groups,
    )
    _normalise(info)
    return info


def _first(*values: Any) -> Any:
    return next((v for v in values if v), None)


def _normalise(info: MediaInfo) -> None:
    g = info.metadata
    iptc, xmp, exif = g.get("iptc", {}), g.get("xmp", {}), g.get("exif", {})
    tags, doc = g.get("tags", {}), g.get("document", {})
    info.creator = _first(
        iptc.get("creator"), xmp.get("creator"), exif.get("artist"),
        tags.get("artist"), doc.get("author"),
    )  # fmt: skip
    info.credit = _first(iptc.get("credit"), xmp.get("credit"))
    info.copyright = _first(
        iptc.get("copyright"), xmp.get("rights"), exif.get("copyright"), tags.get("copyright")
    )
    info.caption = _first(
        iptc.get("caption"), xmp.get("description"), exif.get("description"),
        tags.get("description"), tags.get("comment"), doc.get("subject"),
    )  # fmt: skip
    info.keywords = clean.text_list(
        _first(iptc.get("keywords"), xmp.get("subject"), doc.get("keywords")) or []
    )
