"""SVG sanitising by allow-list, and the report of what an SVG contains.

An SVG is a program as much as a picture: it can carry scripts, event
handlers, links to other files and HTML. BrandHub stores and serves only the
sanitised form, and rasterises (with resvg, which reads local files named in
``<image href>``) only after sanitising. The parser is defusedxml: entity
declarations, external entities and DTD internal subsets are refused outright
(billion laughs, XXE); a plain ``<!DOCTYPE svg PUBLIC ...>`` line, which many
editors write and which declares nothing, is tolerated and dropped.

The tree is rebuilt from allowed parts only: SVG elements and attributes on
the allow-lists, ``href`` limited to ``#id`` or an embedded PNG/JPEG/WebP,
``url()`` limited to ``url(#id)``, CSS without ``@import`` or external URLs.
``<a>`` is kept as ``<g>`` so its drawing survives without the link.

``svg_report`` runs the same pass and says what it removed and what the
drawing uses (colours, live text, fonts): the brand-rule engine reads it.

``rules.py`` holds the allow-lists, ``css.py`` the CSS filter and colour
normalisation, ``tree.py`` the parser and the rebuilding walk.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from assets.settings import PILLOW_MAX_IMAGE_PIXELS
from assets.svg.css import normalize_color
from assets.svg.rules import FORBIDDEN_XML, SVG_NS, XLINK_NS
from assets.svg.tree import parse, sanitize_tree, size_of

__all__ = [
    "FORBIDDEN_XML",
    "SVG_NS",
    "XLINK_NS",
    "SvgSize",
    "normalize_color",
    "sanitize_svg",
    "svg_report",
    "svg_size",
]


def sanitize_svg(data: bytes, *, max_image_pixels: int = PILLOW_MAX_IMAGE_PIXELS) -> bytes:
    """The SVG rebuilt from allowed parts only, as UTF-8 bytes.

    Raises ``InvalidFile`` for XML that is malformed, declares entities or a
    DTD subset, is not an SVG, or would expand beyond what can be rendered.
    """
    root, _ = sanitize_tree(data, max_image_pixels)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def svg_report(data: bytes, *, max_image_pixels: int = PILLOW_MAX_IMAGE_PIXELS) -> dict[str, Any]:
    """What sanitising removes from an SVG, and what the drawing uses.

    ``removed`` counts scripts, event handlers, external references, foreign
    objects, animations, unsafe styles and invalid embedded images;
    ``active_content`` is true when any of those was present. ``text_elements``
    counts ``<text>`` with live text (not converted to outlines), ``fonts`` the
    font families named. Colours are normalised ``#rrggbb``: ``fill_colors``,
    ``stroke_colors`` and ``colors`` (every colour, stops and floods included).
    """
    root, p = sanitize_tree(data, max_image_pixels)
    width, height, viewbox = size_of(root)
    removed = {
        "scripts": p.scripts,
        "event_handlers": p.event_handlers,
        "external_refs": p.external_refs,
        "foreign_objects": p.foreign_objects,
        "animations": p.animations,
        "unsafe_styles": p.unsafe_styles,
        "invalid_images": p.invalid_images,
    }
    return {
        "removed": removed,
        "active_content": any(removed.values()),
        "dropped_elements": sorted(p.dropped_elements),
        "dropped_attributes": sorted(p.dropped_attributes),
        "text_elements": p.text_elements,
        "fonts": sorted(p.fonts),
        "fill_colors": sorted(p.fill),
        "stroke_colors": sorted(p.stroke),
        "colors": sorted(p.colors),
        "embedded_images": p.embedded_images,
        "elements": p.elements,
        "width": width,
        "height": height,
        "viewbox": list(viewbox) if viewbox else None,
    }


@dataclass(frozen=True)
class SvgSize:
    """The drawing's size in CSS pixels (None when it does not say) and viewBox."""

    width: float | None
    height: float | None
    viewbox: tuple[float, float, float, float] | None

    def pixels(self) -> tuple[float, float]:
        """The size a renderer uses: width/height, else the viewBox, else 300x150."""
        vb = self.viewbox
        w, h = self.width, self.height
        if w is None and h is None and vb:
            return vb[2], vb[3]
        if vb and vb[2] > 0 and vb[3] > 0:
            if w is None and h is not None:
                w = h * vb[2] / vb[3]
            elif h is None and w is not None:
                h = w * vb[3] / vb[2]
        return (w or 300.0), (h or 150.0)


def svg_size(clean: bytes) -> SvgSize:
    """Width, height and viewBox of an already sanitised SVG."""
    return SvgSize(*size_of(parse(clean)))
