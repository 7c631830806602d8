"""Checks on designer masters: a logo drawn in vectors, and only the brand's typefaces.

``vector_master`` is for brands whose manual asks for the logo master as a
vector file (Illustrator, EPS, SVG or PDF): a PNG or a Photoshop document of
a logo fails it. With ``masters_only`` the rule is about originals only: a
PNG, JPEG, GIF, WebP, AVIF or HEIC made for use (a logo exported for the web)
is not held to it and the check is skipped, while a Photoshop document, a TIFF
or a camera raw sent as the master fails. ``brand_fonts`` reads the fonts a PDF, Illustrator, EPS or
SVG piece names and fails with the foreign ones named when any is not one of
the brand's typefaces (nor, unless the rule says otherwise, their fallbacks).
A font's PostScript name ("AtkinsonHyperlegible-Bold") belongs to a family
("Atkinson Hyperlegible") when, letters and digits only and in lower case, it
starts with the family's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assets.sniff.office import is_office
from guidelines import fmt
from guidelines.checks.files import SPANISH_TYPES
from guidelines.piece import Piece
from guidelines.registry import Context, Outcome, Param, boolean, check, skipped, verdict

_ALL_KINDS = ("image", "svg", "video", "audio", "document", "postscript", "font")
#: Raster types made for use rather than kept as originals (``masters_only`` skips them).
_FOR_USE = frozenset({"png", "jpg", "gif", "webp", "avif", "heic", "heif"})
_OFFICE_FONTS = "No se revisa: las tipografías de un documento de oficina no se leen todavía."
_NOT_A_MASTER = "No se aplica: el archivo es {measured}, hecho para usar y no un original."


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


@check(
    "vector_master",
    title="Logo en vector",
    applies_to=_ALL_KINDS,
    params={"masters_only": Param(boolean, default=False)},
    ok="El archivo es {measured}, un original en vector.",
)
def vector_master(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The file is drawn from vectors: Illustrator, EPS, SVG or PDF.

    With ``masters_only``, raster files made for use (PNG, JPEG …) are skipped.
    """
    ext = piece.ext
    values = {
        "measured": SPANISH_TYPES.get(ext, ext.upper()),
        "expected": "un vector (AI, EPS, SVG o PDF)",
    }
    if params["masters_only"] and ext in _FOR_USE:
        return skipped(_NOT_A_MASTER.format(**values), code="not_a_master", measured=ext)
    return verdict(piece.is_vector, values, {"measured": ext, "vector": piece.is_vector})


@check(
    "brand_fonts",
    title="Tipografías de la pieza",
    applies_to=("document", "postscript", "svg"),
    params={"fallbacks": Param(boolean, default=True)},
    placeholders=("fonts",),
    ok="Las tipografías de la pieza son de la marca: {measured}.",
)
def brand_fonts(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Every font the piece names is one of the brand's typefaces (or their fallbacks)."""
    if piece.sniffed is not None and is_office(piece.sniffed):
        # LibreOffice's PDF names the fonts it substituted, not the ones the document asks for.
        return skipped(_OFFICE_FONTS, code="office_fonts")
    families = [font.name for font in ctx.brand.typography]
    if params["fallbacks"]:
        families += [font.fallback for font in ctx.brand.typography if font.fallback]
    keys = [_key(name) for name in families if _key(name)]
    used = piece.fonts_used
    foreign = [font for font in used if not any(_key(font).startswith(k) for k in keys)]
    values = {
        "measured": fmt.word_list(used) if used else "ninguna tipografía",
        "expected": fmt.word_list(families, "o") if families else "las de la marca",
        "fonts": fmt.word_list(foreign) if foreign else "ninguna",
    }
    return verdict(not foreign, values, {"fonts": used, "foreign": foreign, "brand": families})
