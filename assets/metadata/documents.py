"""Metadata of PDF documents, SVG drawings and office documents.

A PDF reports its page count, first page size (in points, 1/72 inch, and in
millimetres: a page has no pixels) and document info; an SVG its size and viewBox read from
the sanitised tree, so nothing the sanitiser would drop is ever trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assets.metadata import clean
from assets.pdf import pdf_info
from assets.settings import IngestSettings
from assets.svg import sanitize_svg, svg_size


@dataclass
class DocumentMetadata:
    width: int | None
    height: int | None
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)


_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?")


def _pdf_date(value: Any) -> str | None:
    m = _PDF_DATE.match(clean.text(value, 64) or "")
    if not m:
        return None
    y, mo, d, h, mi, s = (g or "00" for g in m.groups())
    parsed = clean.iso_datetime(
        f"{y}-{mo if mo != '00' else '01'}-{d if d != '00' else '01'}T{h}:{mi}:{s}"
    )
    return parsed.isoformat() if parsed else None


def points_to_mm(points: float | None) -> float | None:
    """PostScript points (1/72 inch) in millimetres, to a tenth: 595 pt is 209.9 mm."""
    if not points or points <= 0:
        return None
    return round(points * 25.4 / 72, 1)


def read_pdf(path: Path) -> DocumentMetadata:
    info = pdf_info(path)
    raw = info["info"]
    keywords = re.split(r"[;,]", clean.text(raw.get("Keywords"), clean.LONG) or "")
    width_pt, height_pt = clean.number(info["width_pt"], 2), clean.number(info["height_pt"], 2)
    document = {
        "pages": info["pages"],
        "width_pt": width_pt,
        "height_pt": height_pt,
        "width_mm": points_to_mm(width_pt),
        "height_mm": points_to_mm(height_pt),
        "title": clean.text(raw.get("Title")),
        "author": clean.text(raw.get("Author")),
        "subject": clean.text(raw.get("Subject"), clean.LONG),
        "keywords": clean.text_list(keywords),
        "creator": clean.text(raw.get("Creator")),
        "producer": clean.text(raw.get("Producer")),
        "created": _pdf_date(raw.get("CreationDate")),
    }
    width = round(info["width_pt"]) if info["width_pt"] > 0 else None
    height = round(info["height_pt"]) if info["height_pt"] > 0 else None
    return DocumentMetadata(width, height, {"document": clean.compact(document)})


def read_svg(path: Path, settings: IngestSettings) -> DocumentMetadata:
    clean_svg = sanitize_svg(path.read_bytes(), max_image_pixels=settings.max_image_pixels)
    size = svg_size(clean_svg)
    w, h = size.pixels()
    vector = {
        "width": size.width,
        "height": size.height,
        "viewbox": list(size.viewbox) if size.viewbox else None,
    }
    return DocumentMetadata(max(1, round(w)), max(1, round(h)), {"vector": clean.compact(vector)})


def read_office(path: Path) -> DocumentMetadata:
    """An office document's own properties (``assets.office``): no pixel size, no page size."""
    from assets.office import office_info

    raw = office_info(path)
    keywords = re.split(r"[;,]", clean.text(raw.get("keywords"), clean.LONG) or "")
    document = {
        "title": clean.text(raw.get("title")),
        "author": clean.text(raw.get("author")),
        "subject": clean.text(raw.get("subject"), clean.LONG),
        "description": clean.text(raw.get("description"), clean.LONG),
        "keywords": clean.text_list(keywords),
        "created": _iso(raw.get("created")),
        "modified": _iso(raw.get("modified")),
        "creator": clean.text(raw.get("application")),
        "pages": raw.get("pages"),
        "slides": raw.get("slides"),
        "sheets": raw.get("sheets"),
        "macros": raw.get("macros"),
        "external_links": raw.get("external_links"),
    }
    return DocumentMetadata(None, None, {"document": clean.compact(document)})


def _iso(value: Any) -> str | None:
    parsed = clean.iso_datetime(clean.text(value, 64))
    return parsed.isoformat() if parsed else None
