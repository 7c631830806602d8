"""Fictional example logos, drawn from a few numbers so no image file is committed.

A shipped example brand describes each logo version with a ``drawing`` table:

    drawing = { shape = "shield", fill = "Azul Provincia", ink = "Blanco",
                accent = "Dorado", initials = "GP", wordmark = "PROVINCIA" }

``shape`` is the emblem (shield, circle, hexagon, rounded-square), ``fill``
its colour, ``initials`` (1-3 letters) are drawn on it in ``ink``, an optional
``accent`` bar sits under them, and an optional ``wordmark`` is written to the
right of the emblem in ``wordmark_color`` (default: ``fill``). Colours are
palette names or HEX values. Letters come from a small stroke alphabet so that
the PNG and the SVG have the same geometry and the SVG has no ``<text>``
(its letters are already outlines, as our own rule asks). None of these
resemble a real institution's mark.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from guidelines.colors import parse_hex, to_hex

if TYPE_CHECKING:
    from guidelines.brand import Brand

SHAPES = ("shield", "circle", "hexagon", "rounded-square")
_KEYS = {"shape", "fill", "ink", "accent", "initials", "wordmark", "wordmark_color"}
_PADDING = 0.25  # clear space drawn into the file, as a share of the emblem height
Point = tuple[float, float]

# A stroke alphabet on a 4 × 6 grid (y grows downwards): polylines per letter.
_C: list[Point] = [(4, 0.8), (3.2, 0), (0.8, 0), (0, 0.8), (0, 5.2), (0.8, 6), (3.2, 6), (4, 5.2)]
_O: list[Point] = [
    (0.8, 0),
    (3.2, 0),
    (4, 0.8),
    (4, 5.2),
    (3.2, 6),
    (0.8, 6),
    (0, 5.2),
    (0, 0.8),
    (0.8, 0),
]
_P: list[Point] = [(0, 6), (0, 0), (3, 0), (4, 1), (4, 2.4), (3, 3.4), (0, 3.4)]
GLYPHS: dict[str, list[list[Point]]] = {
    "A": [[(0, 6), (2, 0), (4, 6)], [(0.7, 4), (3.3, 4)]],
    "B": [
        [(0, 3), (0, 0), (2.8, 0), (3.6, 0.8), (3.6, 2.2), (2.8, 3), (0, 3)],
        [(2.8, 3), (4, 3.9), (4, 5.2), (3.2, 6), (0, 6), (0, 3)],
    ],
    "C": [_C],
    "D": [[(0, 0), (2.8, 0), (4, 1.2), (4, 4.8), (2.8, 6), (0, 6), (0, 0)]],
    "E": [[(4, 0), (0, 0), (0, 6), (4, 6)], [(0, 3), (3, 3)]],
    "F": [[(4, 0), (0, 0), (0, 6)], [(0, 3), (3, 3)]],
    "G": [[*_C, (4, 3.4), (2.2, 3.4)]],
    "H": [[(0, 0), (0, 6)], [(4, 0), (4, 6)], [(0, 3), (4, 3)]],
    "I": [[(2, 0), (2, 6)], [(1, 0), (3, 0)], [(1, 6), (3, 6)]],
    "J": [[(4, 0), (4, 4.8), (2.8, 6), (1.2, 6), (0, 4.8)]],
    "K": [[(0, 0), (0, 6)], [(4, 0), (0, 3.6)], [(1.3, 2.6), (4, 6)]],
    "L": [[(0, 0), (0, 6), (4, 6)]],
    "M": [[(0, 6), (0, 0), (2, 3.5), (4, 0), (4, 6)]],
    "N": [[(0, 6), (0, 0), (4, 6), (4, 0)]],
    "O": [_O],
    "P": [_P],
    "Q": [_O, [(2.6, 4.4), (4.2, 6.2)]],
    "R": [_P, [(2, 3.4), (4, 6)]],
    "S": [
        [
            (4, 0.8),
            (3.2, 0),
            (0.8, 0),
            (0, 0.8),
            (0, 2.2),
            (0.8, 3),
            (3.2, 3),
            (4, 3.8),
            (4, 5.2),
            (3.2, 6),
            (0.8, 6),
            (0, 5.2),
        ]
    ],
    "T": [[(0, 0), (4, 0)], [(2, 0), (2, 6)]],
    "U": [[(0, 0), (0, 4.8), (1.2, 6), (2.8, 6), (4, 4.8), (4, 0)]],
    "V": [[(0, 0), (2, 6), (4, 0)]],
    "W": [[(0, 0), (1, 6), (2, 2.5), (3, 6), (4, 0)]],
    "X": [[(0, 0), (4, 6)], [(4, 0), (0, 6)]],
    "Y": [[(0, 0), (2, 3), (4, 0)], [(2, 3), (2, 6)]],
    "Z": [[(0, 0), (4, 0), (0, 6), (4, 6)]],
    " ": [],
}


def letters(text: str) -> str:
    """Upper case without accents ("Salud Pública" → "SALUD PUBLICA")."""
    decomposed = unicodedata.normalize("NFD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def validate_drawing(drawing: Mapping[str, Any], palette: Iterable[str]) -> None:
    """ValueError with a short reason if a ``drawing`` table cannot be drawn."""
    names = set(palette)
    unknown = sorted(set(drawing) - _KEYS)
    if unknown:
        raise ValueError(f"has unknown key {unknown[0]!r}")
    if drawing.get("shape") not in SHAPES:
        raise ValueError(f"'shape' must be one of {', '.join(SHAPES)}")
    for key in ("fill", "ink", "accent", "wordmark_color"):
        value = drawing.get(key)
        if value is None and key in ("accent", "wordmark_color"):
            continue
        if not isinstance(value, str):
            raise ValueError(f"{key!r} must be a palette colour name or a HEX value")
        if value not in names:
            try:
                parse_hex(value)
            except ValueError:
                raise ValueError(
                    f"{key!r}: {value!r} is not in the palette nor a HEX value"
                ) from None
    for key, limit in (("initials", 3), ("wordmark", 24)):
        text = drawing.get(key, "" if key == "wordmark" else None)
        if not isinstance(text, str) or (key == "initials" and not text.strip()):
            raise ValueError(f"{key!r} must be a text")
        if len(text) > limit or any(c not in GLYPHS for c in letters(text)):
            raise ValueError(f"{key!r} must be at most {limit} letters A-Z")


class _Geometry:
    """The logo as filled polygons and stroked polylines in emblem-height units."""

    def __init__(self, drawing: Mapping[str, Any], colors: Mapping[str, str]) -> None:
        def color(key: str, default: str | None = None) -> str | None:
            value = drawing.get(key, default)
            return None if value is None else to_hex(parse_hex(colors.get(value, value)))

        self.fill = color("fill")
        self.ink = color("ink")
        self.accent = color("accent")
        self.word_color = color("wordmark_color", drawing["fill"])
        shape = drawing["shape"]
        self.emblem_w = {"shield": 0.82, "hexagon": 0.866}.get(shape, 1.0)
        self.shape = shape
        p = _PADDING
        self.polygons: list[tuple[list[Point], str]] = [
            (_shift(_outline(shape, self.emblem_w), p, p), self.fill or "#000000")
        ]
        self.strokes: list[tuple[list[Point], float, str]] = []
        initials = letters(drawing["initials"])
        height = 0.36 if len(initials) < 3 else 0.27
        width = _text_width(initials, height)
        x0 = p + (self.emblem_w - width) / 2
        self._text(initials, x0, p + 0.40 - height / 2, height, self.ink or "#FFFFFF")
        if self.accent:
            bar_w = self.emblem_w * 0.5
            bx, by = p + (self.emblem_w - bar_w) / 2, p + 0.70
            self.polygons.append(
                (
                    [(bx, by), (bx + bar_w, by), (bx + bar_w, by + 0.07), (bx, by + 0.07)],
                    self.accent,
                )
            )
        word = letters(drawing.get("wordmark", "")).strip()
        right = p + self.emblem_w
        if word:
            word_h = 0.26
            start = right + 0.2
            self._text(word, start, p + 0.5 - word_h / 2, word_h, self.word_color or "#000000")
            right = start + _text_width(word, word_h)
        self.width = right + p
        self.height = 1.0 + 2 * p

    def _text(self, text: str, x: float, y: float, height: float, color: str) -> None:
        scale = height / 6.0
        stroke = height * 0.16
        for char in text:
            for line in GLYPHS[char]:
                self.strokes.append(
                    ([(x + gx * scale, y + gy * scale) for gx, gy in line], stroke, color)
                )
            x += _advance(height)


def _advance(height: float) -> float:
    return height * (4.0 / 6.0) + height * 0.32


def _text_width(text: str, height: float) -> float:
    return len(text) * _advance(height) - height * 0.32 if text else 0.0


def _shift(points: list[Point], dx: float, dy: float) -> list[Point]:
    return [(x + dx, y + dy) for x, y in points]


def _outline(shape: str, w: float) -> list[Point]:
    import math

    if shape == "circle":
        return [
            (0.5 + 0.5 * math.cos(t / 64 * math.tau), 0.5 + 0.5 * math.sin(t / 64 * math.tau))
            for t in range(64)
        ]
    if shape == "hexagon":
        return [(w / 2, 0), (w, 0.25), (w, 0.75), (w / 2, 1), (0, 0.75), (0, 0.25)]
    if shape == "rounded-square":
        r, pts = 0.18, []
        for cx, cy, start in ((1 - r, r, -90), (1 - r, 1 - r, 0), (r, 1 - r, 90), (r, r, 180)):
            for i in range(9):
                a = math.radians(start + i * 90 / 8)
                pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
        return pts
    # Shield: straight top and sides, two quadratic curves meeting at the bottom point.
    pts = [(0.0, 0.0), (w, 0.0), (w, 0.55)]
    pts += _quad((w, 0.55), (w, 0.85), (w / 2, 1.0))
    pts += _quad((w / 2, 1.0), (0.0, 0.85), (0.0, 0.55))
    return pts


def _quad(p0: Point, p1: Point, p2: Point, steps: int = 24) -> list[Point]:
    out = []
    for i in range(1, steps + 1):
        t = i / steps
        out.append(
            (
                (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
                (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1],
            )
        )
    return out


def _colors(brand: Brand) -> dict[str, str]:
    return {c.name: c.hex for c in brand.palette}


def draw_png(
    drawing: Mapping[str, Any], colors: Mapping[str, str], height: int = 512
) -> Image.Image:
    """The logo as a transparent RGBA image ``height`` pixels tall (clear space included)."""
    geo = _Geometry(drawing, colors)
    # Supersampling gives smooth edges; skipped for very large renders to bound memory.
    ss = 4 if height <= 256 else 2 if height <= 1024 else 1
    unit = height * ss / geo.height
    size = (max(1, round(geo.width * unit)), height * ss)
    im = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    for points, color in geo.polygons:
        draw.polygon([(x * unit, y * unit) for x, y in points], fill=color)
    for points, width, color in geo.strokes:
        px = [(x * unit, y * unit) for x, y in points]
        w = max(1, round(width * unit))
        draw.line(px, fill=color, width=w, joint="curve")
        for x, y in px:  # round caps
            draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=color)
    if ss > 1:
        im = im.resize(
            (max(1, round(geo.width * height / geo.height)), height), Image.Resampling.LANCZOS
        )
    return im


def draw_svg(drawing: Mapping[str, Any], colors: Mapping[str, str], height: int = 512) -> str:
    """The same logo as SVG: paths only (letters are strokes, no ``<text>``)."""
    geo = _Geometry(drawing, colors)
    unit = height / geo.height

    def path(points: Sequence[Point], close: bool) -> str:
        d = " ".join(
            f"{'M' if i == 0 else 'L'}{x * unit:.2f} {y * unit:.2f}"
            for i, (x, y) in enumerate(points)
        )
        return d + (" Z" if close else "")

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{geo.width * unit:.0f}" '
        f'height="{height}" viewBox="0 0 {geo.width * unit:.2f} {height}">'
    ]
    for points, color in geo.polygons:
        parts.append(f'<path d="{path(points, True)}" fill="{color}"/>')
    for points, width, color in geo.strokes:
        parts.append(
            f'<path d="{path(points, False)}" fill="none" stroke="{color}" '
            f'stroke-width="{width * unit:.2f}" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_logos(brand: Brand, directory: Path, height: int = 512) -> dict[str, dict[str, Path]]:
    """Write every drawn logo of ``brand`` as ``<slug>-<name>.png`` and ``.svg``.

    Returns ``{logo name: {"png": path, "svg": path}}``; logos given as files are skipped.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict[str, Path]] = {}
    for logo in brand.logos:
        if logo.drawing is None:
            continue
        png_path = directory / f"{brand.slug}-{logo.name}.png"
        svg_path = directory / f"{brand.slug}-{logo.name}.svg"
        buffer = io.BytesIO()
        draw_png(logo.drawing, _colors(brand), height).save(buffer, "PNG", optimize=False)
        png_path.write_bytes(buffer.getvalue())
        svg_path.write_text(draw_svg(logo.drawing, _colors(brand), height), encoding="utf-8")
        out[logo.name] = {"png": png_path, "svg": svg_path}
    return out
