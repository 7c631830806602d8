"""``print_preflight``: a print PDF checked the way a printer's preflight does.

Reads :func:`assets.preflight.preflight` (pikepdf) for each page and lists
every problem with its page number: a trim size that is none of the allowed
paper formats (either orientation, 1 mm of tolerance), a bleed narrower than
``bleed_mm`` beyond the TrimBox, fonts not embedded, fonts that are not the
brand's typefaces (nor their fallbacks), images under ``min_ppi`` at the size
they are placed, colour spaces other than ``colours`` (RGB is flagged for
offset), and text in rich black. Each problem is a ``code`` with its values
and a Spanish sentence; the app translates the codes for other readers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assets.preflight import Preflight, preflight
from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import (
    PAPER_MM,
    Context,
    Outcome,
    Param,
    boolean,
    check,
    choices,
    failed,
    passed,
    positive,
    print_size,
)

SIZE_TOLERANCE_MM = 1.0
COLOUR_NAMES = {
    "rgb": "RGB",
    "cmyk": "CMYK",
    "gray": "escala de grises",
    "spot": "tintas planas",
    "lab": "Lab",
}


def formats(value: Any) -> list[str | list[float]]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError('must be a list of paper sizes such as ["A4", "Carta"]')
    return [print_size(item) for item in items]


def _paper_name(value: str | list[float]) -> str:
    if isinstance(value, str):
        return value
    return f"{fmt.num(value[0], 1)} × {fmt.num(value[1], 1)} mm"


def _size_ok(size: tuple[float, float], allowed: list[str | list[float]]) -> bool:
    w, h = sorted(size)
    for item in allowed:
        pw, ph = sorted(PAPER_MM[item.lower()] if isinstance(item, str) else item)
        if abs(w - pw) <= SIZE_TOLERANCE_MM and abs(h - ph) <= SIZE_TOLERANCE_MM:
            return True
    return False


def _mm(value: float) -> str:
    return fmt.num(value, 0 if float(value).is_integer() else 1)


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _brand_font(name: str, ctx: Context) -> bool:
    families = [f.name for f in ctx.brand.typography]
    families += [f.fallback for f in ctx.brand.typography if f.fallback]
    keys = [_key(n) for n in families if _key(n)]
    return any(_key(name).startswith(k) for k in keys)


def problems(facts: Preflight, params: Mapping[str, Any], ctx: Context) -> list[dict[str, Any]]:
    """Every problem of the document, page by page, as ``{code, page, text, …}``."""
    out: list[dict[str, Any]] = []
    allowed = list(params["formats"])
    colours = set(params["colours"])
    for page in facts.pages:
        n = page.number
        if not _size_ok(page.trim_mm, allowed):
            size = f"{fmt.num(page.trim_mm[0])} × {fmt.num(page.trim_mm[1])} mm"
            names = fmt.word_list([_paper_name(a) for a in allowed], "o")
            out.append(
                {
                    "code": "page_size",
                    "page": n,
                    "size_mm": list(page.trim_mm),
                    "text": f"Página {n}: mide {size}, que no es un formato admitido ({names}).",
                }
            )
        if page.bleed_mm + 0.05 < params["bleed_mm"]:
            needed = _mm(params["bleed_mm"])
            text = (
                f"Página {n}: sin sangrado (se piden {needed} mm por lado)."
                if page.bleed_mm <= 0
                else f"Página {n}: el sangrado es de {_mm(page.bleed_mm)} mm y se piden "
                f"{needed} mm por lado."
            )
            out.append(
                {
                    "code": "bleed",
                    "page": n,
                    "bleed_mm": page.bleed_mm,
                    "min_mm": params["bleed_mm"],
                    "text": text,
                }
            )
        for font in page.fonts:
            if not font.embedded:
                out.append(
                    {
                        "code": "font_not_embedded",
                        "page": n,
                        "font": font.name,
                        "text": f"Página {n}: la fuente {font.name} no está incrustada.",
                    }
                )
            if params["brand_fonts"] and ctx.brand.typography and not _brand_font(font.name, ctx):
                out.append(
                    {
                        "code": "font_not_brand",
                        "page": n,
                        "font": font.name,
                        "text": f"Página {n}: la fuente {font.name} no es de la marca.",
                    }
                )
        for image in page.images:
            if image.ppi + 0.5 < params["min_ppi"]:
                out.append(
                    {
                        "code": "low_ppi",
                        "page": n,
                        "image": image.name,
                        "ppi": image.ppi,
                        "min_ppi": params["min_ppi"],
                        "text": f"Página {n}: una imagen está a {fmt.num(image.ppi)} ppp en el "
                        f"tamaño en que se imprime; se piden {fmt.num(params['min_ppi'])} ppp.",
                    }
                )
            if image.colour in COLOUR_NAMES and image.colour not in colours:
                out.append(
                    {
                        "code": "image_colour",
                        "page": n,
                        "image": image.name,
                        "colour": image.colour,
                        "text": f"Página {n}: una imagen está en {COLOUR_NAMES[image.colour]}; "
                        "para imprenta debe estar en CMYK.",
                    }
                )
        vector = {c for c in page.colours if c in COLOUR_NAMES and c not in colours}
        image_spaces = {i.colour for i in page.images}
        for colour in sorted(vector - image_spaces):
            out.append(
                {
                    "code": "vector_colour",
                    "page": n,
                    "colour": colour,
                    "text": f"Página {n}: hay textos o formas en {COLOUR_NAMES[colour]}; "
                    "para imprenta deben estar en CMYK o tintas planas.",
                }
            )
        if params["rich_black"] and page.rich_black_text:
            out.append(
                {
                    "code": "rich_black_text",
                    "page": n,
                    "text": f"Página {n}: hay texto en negro enriquecido (negro con cian, magenta "
                    "o amarillo): los textos van en negro puro (K 100 %).",
                }
            )
    return out


@check(
    "print_preflight",
    title="Preimpresión del PDF",
    applies_to=("document",),
    params={
        "formats": Param(formats, default=["A4", "A3", "Carta", "Oficio"]),
        "bleed_mm": Param(positive, default=3),
        "min_ppi": Param(positive, default=300),
        "colours": Param(
            choices("cmyk", "spot", "gray", "rgb", "lab"), default=["cmyk", "spot", "gray"]
        ),
        "brand_fonts": Param(boolean, default=True),
        "rich_black": Param(boolean, default=True),
        "max_pages": Param(positive, default=50),
    },
    placeholders=("problems", "pages"),
    ok="El PDF está listo para imprenta: tamaño, sangrado, fuentes, imágenes y colores.",
)
def print_preflight(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Page size, bleed, fonts, image resolution and colour spaces of a print PDF."""
    facts = piece.memo(
        "preflight", lambda: preflight(piece.document_pdf, max_pages=int(params["max_pages"]))
    )
    found = problems(facts, params, ctx)
    pages = sorted({p["page"] for p in found})
    values = {
        "measured": fmt.num(len(found)),
        "expected": "ninguno",
        "problems": " ".join(p["text"] for p in found),
        "pages": fmt.word_list([fmt.num(n) for n in pages]),
    }
    details = {
        "problems": found,
        "problem_pages": pages,
        "pages_checked": len(facts.pages),
        "pages_total": facts.pages_total,
    }
    return failed(values, details) if found else passed(values, details)
