"""Which official colour belongs where a piece has a wrong one.

When a piece's mark has the form of an official logo version
(:func:`guidelines.marks.best_form`), both marks are already aligned: each
is cropped to its box and scaled to the same square grid. For every colour
of the piece that is not official, the cells of the piece painted in it are
looked up in the official version, and the palette colour that covers most
of those cells is the one that belongs there: a shield painted red "should
be Azul Provincia", even when a grey of the palette is nearer to that red by
ΔE. Without a matched logo (a photo, a poster) there is no place to look
up, and the nearest palette colour is all that can be offered.

``colour_word`` names a colour in plain words (red, blue, grey …) as a code
the report translates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from guidelines.brand import PaletteColor
from guidelines.colors import ciede2000, parse_hex, srgb_to_lab
from guidelines.marks import Mark

# Below this share of agreeing cells a region has no clear official colour.
_MIN_AGREEMENT = 0.5
# A grid cell within this ΔE2000 of a colour is that colour, not a blend at a border.
_CLEAN = 8.0


@dataclass(frozen=True)
class Belongs:
    """The official colour found under a piece colour's cells in the official version."""

    color: PaletteColor
    agreement: float  # share of the piece colour's cells where the official has that colour


def belonging_colors(
    piece: Mark,
    official: Mark,
    piece_colors: Sequence[tuple[int, int, int]],
    wanted: Sequence[int],
    palette: Sequence[PaletteColor],
) -> dict[int, Belongs]:
    """For each index in ``wanted`` (into ``piece_colors``, the piece's dominant colours):
    the palette colour the official version has where the piece has that colour.

    Every cell of the piece is first given to its nearest dominant colour, so
    that the white letters of a logo are not counted as part of its red
    shield. A colour whose cells are not mostly one official colour (the
    forms disagree there) is left out of the answer.
    """
    if not piece_colors or not palette or not wanted:
        return {}
    both = piece.region_solid & official.region_solid
    if not both.any():
        return {}
    cells = piece.region_lab[both]
    under = official.region_lab[both]
    own = srgb_to_lab(np.array(piece_colors, dtype=np.float64))
    to_own = ciede2000(cells[:, None, :], own[None, :, :])
    owner = np.argmin(to_own, axis=1)
    official_lab = srgb_to_lab(np.array([parse_hex(c.hex) for c in palette], dtype=np.float64))
    to_official = ciede2000(under[:, None, :], official_lab[None, :, :])
    there_all = np.argmin(to_official, axis=1)
    # Only cells of one clean colour on both sides: a cell on the border of a thin
    # stripe is a blend of two colours and would vote for a third.
    clean = (to_own.min(axis=1) <= _CLEAN) & (to_official.min(axis=1) <= _CLEAN)
    found: dict[int, Belongs] = {}
    for index in wanted:
        mine = (owner == index) & clean
        if not mine.any():
            continue
        there = there_all[mine]
        counts = np.bincount(there, minlength=len(palette))
        best = int(np.argmax(counts))
        agreement = float(counts[best] / mine.sum())
        if agreement >= _MIN_AGREEMENT:
            found[index] = Belongs(palette[best], round(agreement, 4))
    return found


# Hue names, from CIELAB hue angle (degrees) and lightness; codes the report translates.
_HUES = (
    (20.0, "pink"),
    (38.0, "red"),
    (75.0, "orange"),
    (105.0, "yellow"),
    (190.0, "green"),
    (235.0, "light_blue"),
    (315.0, "blue"),
    (345.0, "purple"),
    (360.0, "pink"),
)
SPANISH_COLOR_WORDS = {
    "white": "blanco",
    "black": "negro",
    "grey": "gris",
    "brown": "marrón",
    "pink": "rosa",
    "red": "rojo",
    "orange": "naranja",
    "yellow": "amarillo",
    "green": "verde",
    "light_blue": "celeste",
    "blue": "azul",
    "purple": "violeta",
}


def colour_word(rgb: Sequence[int]) -> str:
    """A plain name for an sRGB colour: ``"red"``, ``"blue"``, ``"grey"`` … (a code)."""
    lab = srgb_to_lab(np.array(rgb[:3], dtype=np.float64))
    lightness, a, b = (float(v) for v in lab)
    chroma = float(np.hypot(a, b))
    if chroma < 10:
        if lightness > 90:
            return "white"
        return "black" if lightness < 20 else "grey"
    hue = float(np.degrees(np.arctan2(b, a)) % 360.0)
    word = next(name for limit, name in _HUES if hue < limit)
    if word in ("orange", "yellow", "red") and lightness < 45 and chroma < 60:
        return "brown"
    if word in ("blue", "light_blue"):
        return "light_blue" if lightness > 58 else "blue"
    return word
