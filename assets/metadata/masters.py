"""Metadata of designer masters (Illustrator, EPS, Photoshop, PDF/X) and brand fonts.

Each reader returns metadata groups: ``design`` for what a designer asks of
a master (format, colour mode, fonts used, spot colours, layers, PDF/X), the
usual ``document`` group for a page size in points and millimetres, and
``font`` for a font file (see :mod:`assets.fonts`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assets.metadata import clean
from assets.metadata.documents import points_to_mm
from assets.sniff import Sniffed


def read_pdf_design(path: Path) -> dict[str, Any]:
    """The ``design`` group of a PDF or PDF-compatible Illustrator file."""
    from assets.pdf_design import pdf_design

    design = pdf_design(path)
    if design.get("illustrator"):
        design["format"] = "ai"
    elif design.get("pdfx"):
        design["format"] = "pdfx"
    return clean.compact(design)


def read_postscript(path: Path, sniffed: Sniffed) -> dict[str, dict[str, Any]]:
    """``document`` (page size, title, author) and ``design`` groups of EPS or PostScript AI."""
    from assets.postscript import ps_info

    info = ps_info(path)
    width_pt, height_pt = clean.number(info.width_pt, 2), clean.number(info.height_pt, 2)
    document = {
        "pages": 1,
        "width_pt": width_pt,
        "height_pt": height_pt,
        "width_mm": points_to_mm(width_pt),
        "height_mm": points_to_mm(height_pt),
        "title": clean.text(info.title),
        "author": clean.text(info.author),
        "creator": clean.text(info.creator),
    }
    design = {
        "format": sniffed.ext,
        "illustrator": info.illustrator,
        "color_mode": info.color_mode,
        "fonts": info.fonts,
        "spot_colors": info.spot_colors,
        "process_colors": info.process_colors,
        "language_level": info.language_level,
        "bounding_box": list(info.bbox),
    }
    return {"document": clean.compact(document), "design": clean.compact(design)}


def read_photoshop(path: Path) -> dict[str, Any]:
    """The ``design`` group of a PSD or PSB: colour mode, depth and layers."""
    from assets.psd import psd_facts

    return clean.compact(psd_facts(path))


def read_font(path: Path) -> dict[str, dict[str, Any]]:
    """The ``font`` group, and a ``document`` group whose title is the font's full name."""
    from assets.fonts import font_facts

    facts = font_facts(path)
    document = {
        "title": clean.text(facts.get("full_name") or facts.get("family")),
        "author": clean.text(facts.get("designer") or facts.get("manufacturer")),
    }
    return {"font": facts, "document": clean.compact(document)}
