"""Metadata extraction: what a file says about itself, as clean JSON-safe values.

``extract(path, sniffed, settings)`` dispatches on the sniffed kind:

- camera raw (``raw.py``): the same EXIF group, read from the raw's own directories;
- images (``image.py``): EXIF (camera, lens, exposure, GPS, orientation,
  artist, copyright), IPTC, XMP, ICC description and the image's own facts;
- video and audio (``streams.py``): streams, duration, frame and sample rate,
  container tags, with mutagen as the fallback for audio tags;
- PDF and SVG (``documents.py``): pages and page size, or size and viewBox;
- designer masters and fonts (``masters.py``): Illustrator, EPS, Photoshop
  and PDF/X facts (fonts, spot colours, layers) and a font's names and rights.

The result is a ``MediaInfo``: displayed width and height, duration, an
orientation word, the capture time (``capture.py``: the camera's clock, its
offset when known and where the zone came from), the grouped ``metadata``
dict (stored as JSON, each source's raw values in its own group) and the
reconciled ``title``, ``creator``, ``credit``, ``copyright``, ``caption`` and
``keywords``: for images chosen from EXIF, XMP and IPTC by the Metadata
Working Group's rules (``reconcile.py``), placeholders left out; for other
files from their tags or document info.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assets.metadata import clean
from assets.metadata.capture import CaptureTime, from_container, resolve
from assets.metadata.reconcile import reconcile
from assets.settings import IngestSettings
from assets.sniff import Sniffed
from assets.sniff.office import is_office
from assets.sniff.raw import is_raw

__all__ = ["CaptureTime", "MediaInfo", "extract", "orientation_of"]


@dataclass
class MediaInfo:
    """What BrandHub records about a file besides its bytes."""

    width: int | None = None
    height: int | None = None
    duration: float | None = None
    orientation: str | None = None
    capture: CaptureTime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    creator: str | None = None
    credit: str | None = None
    copyright: str | None = None
    caption: str | None = None
    keywords: list[str] = field(default_factory=list)

    @property
    def captured_at(self) -> datetime | None:
        """The UTC instant of the capture, only when its offset is known."""
        return self.capture.utc if self.capture else None

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-safe values (the capture date in ISO 8601)."""
        return {
            "width": self.width,
            "height": self.height,
            "duration": self.duration,
            "orientation": self.orientation,
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
            "capture": self.capture.to_dict() if self.capture else None,
            "metadata": self.metadata,
            "title": self.title,
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
    captured: CaptureTime | None = None
    orientation = None
    if is_raw(sniffed):
        from assets.metadata.raw import read_raw

        img = read_raw(path, sniffed, settings)
        width, height, captured, groups = img.width, img.height, img.capture, img.groups
    elif sniffed.kind == "image":
        from assets.metadata.image import read_image

        img = read_image(path, sniffed, settings)
        width, height, captured, groups = img.width, img.height, img.capture, img.groups
        if sniffed.mime == "image/vnd.adobe.photoshop":
            from assets.metadata.masters import read_photoshop

            groups["design"] = read_photoshop(path)
    elif sniffed.kind in ("video", "audio"):
        from assets.metadata.streams import read_av

        av = read_av(path, sniffed, settings)
        width, height, duration, groups = av.width, av.height, av.duration, av.groups
        captured = from_container(av.captured_at)
    elif is_office(sniffed):
        from assets.metadata.documents import read_office

        groups = read_office(path).groups
    elif sniffed.mime in ("application/pdf", "application/illustrator"):
        from assets.metadata.documents import read_pdf
        from assets.metadata.masters import read_pdf_design

        doc = read_pdf(path)
        doc.groups["design"] = read_pdf_design(path)
        # A page is measured in points, not pixels: no pixel size, but its orientation.
        groups = doc.groups
        page = groups.get("document", {})
        orientation = orientation_of(page.get("width_pt"), page.get("height_pt"))
    elif sniffed.mime == "image/svg+xml":
        from assets.metadata.documents import read_svg

        doc = read_svg(path, settings)
        width, height, groups = doc.width, doc.height, doc.groups
    elif sniffed.mime == "application/postscript":
        from assets.metadata.masters import read_postscript

        groups = read_postscript(path, sniffed)
        page = groups["document"]
        orientation = orientation_of(page.get("width_pt"), page.get("height_pt"))
    elif sniffed.kind == "font":
        from assets.metadata.masters import read_font

        groups = read_font(path)
    else:
        raise ValueError(f"no metadata reader for {sniffed.mime}")

    if captured is not None:
        groups["capture"] = captured.to_dict()  # as the file told it, before any zone
        captured = resolve(captured, settings.time_zone, "instance")
    info = MediaInfo(
        width=width,
        height=height,
        duration=duration,
        orientation=orientation or orientation_of(width, height),
        capture=captured,
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
    camera = (exif.get("make") or tags.get("make"), exif.get("model") or tags.get("model"))
    if iptc or xmp or exif:
        chosen, sources = reconcile(exif, iptc, xmp)
        if sources:
            g["reconciled"] = sources  # which source each shown value came from
    else:
        chosen = {}

    def real(value: Any, limit: int = clean.SHORT) -> str | None:
        return clean.real_text(value, *camera, limit=limit)

    info.title = chosen.get("title") or real(tags.get("title")) or real(doc.get("title"))
    info.creator = chosen.get("creator") or real(tags.get("artist")) or real(doc.get("author"))
    info.credit = chosen.get("credit")
    info.copyright = chosen.get("copyright") or real(tags.get("copyright"), clean.LONG)
    info.caption = chosen.get("caption") or _first(
        real(tags.get("description"), clean.LONG),
        real(tags.get("comment"), clean.LONG),
        real(doc.get("subject"), clean.LONG),
    )
    info.keywords = chosen.get("keywords") or clean.text_list(doc.get("keywords") or [])
