"""The drawn example logos: geometry shared by PNG and SVG, validation of drawings."""

from __future__ import annotations

import io

import numpy as np
import pytest
import resvg_py
from PIL import Image

from guidelines.examples import GLYPHS, draw_png, draw_svg, letters, validate_drawing
from guidelines.marks import compare, find_mark

COLORS = {"Azul": "#1F4E8C", "Blanco": "#FFFFFF", "Dorado": "#E0A526"}
DRAWING = {
    "shape": "shield",
    "fill": "Azul",
    "ink": "Blanco",
    "accent": "Dorado",
    "initials": "GP",
    "wordmark": "Provincia",
}


@pytest.mark.parametrize("shape", ["shield", "circle", "hexagon", "rounded-square"])
def test_png_and_svg_draw_the_same_logo(shape: str) -> None:
    drawing = {**DRAWING, "shape": shape}
    png = draw_png(drawing, COLORS, height=200)
    svg = draw_svg(drawing, COLORS, height=200)
    assert "<text" not in svg and "<script" not in svg
    rendered = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=svg))))
    assert abs(rendered.width - png.width) <= 1 and rendered.height == png.height
    a, b = find_mark(np.asarray(png)), find_mark(np.asarray(rendered.convert("RGBA")))
    assert a is not None and b is not None
    assert compare(a, b).score > 0.9
    assert a.aspect == pytest.approx(b.aspect, rel=0.02)


def test_png_is_transparent_around_the_mark() -> None:
    png = np.asarray(draw_png(DRAWING, COLORS, height=120))
    assert png[0, 0, 3] == 0 and png[-1, -1, 3] == 0
    assert (png[..., 3] == 255).any()


def test_every_letter_has_a_glyph() -> None:
    assert set(letters("Gobierno Provincial Pública Ñandú")) <= set(GLYPHS) | {"N", "~"}
    assert letters("Salud Pública") == "SALUD PUBLICA"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"shape": "star"}, "'shape' must be one of"),
        ({"fill": "Rojo"}, "'fill': 'Rojo' is not in the palette"),
        ({"initials": "ABCD"}, "'initials' must be at most 3 letters"),
        ({"wordmark": "Año 2025"}, "'wordmark' must be at most 24 letters A-Z"),
        ({"sombra": True}, "unknown key 'sombra'"),
    ],
)
def test_invalid_drawings(change: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        validate_drawing({**DRAWING, **change}, COLORS)


def test_hex_colours_are_accepted_in_drawings() -> None:
    validate_drawing({**DRAWING, "fill": "#123456"}, COLORS)
