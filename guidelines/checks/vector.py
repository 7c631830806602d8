"""SVG checks: no active content, text converted to outlines, fill colours in the palette.

They read ``assets.svg.svg_report``, the same pass that sanitises SVGs for
storage, so "what the check saw" and "what BrandHub removes" never differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidelines import fmt
from guidelines.checks.palette import Cluster, palette_outcome
from guidelines.colors import parse_hex
from guidelines.piece import Piece
from guidelines.registry import Context, Outcome, Param, boolean, check, positive, verdict
from guidelines.registry import text_list as names_list

_PROBLEMS = {
    "scripts": ("un script", "scripts"),
    "event_handlers": (
        "un manejador de eventos (onclick, onload…)",
        "manejadores de eventos (onclick, onload…)",
    ),
    "external_refs": (
        "una referencia a un archivo o sitio externo",
        "referencias a archivos o sitios externos",
    ),
    "foreign_objects": ("un bloque HTML incrustado", "bloques HTML incrustados"),
    "animations": ("una animación", "animaciones"),
    "unsafe_styles": ("un estilo CSS inseguro", "estilos CSS inseguros"),
    "invalid_images": ("una imagen incrustada dañada", "imágenes incrustadas dañadas"),
}


def _count(n: int, names: tuple[str, str]) -> str:
    return names[0] if n == 1 else f"{fmt.num(n)} {names[1]}"


@check(
    "svg_safe",
    title="SVG sin código activo",
    applies_to=("svg",),
    params={"allow_animations": Param(boolean, default=False)},
    ok="El SVG no tiene scripts, eventos ni referencias externas.",
)
def svg_safe(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """No scripts, event handlers, external references, HTML or unsafe CSS."""
    removed = dict(piece.svg_report["removed"])
    if params["allow_animations"]:
        removed.pop("animations", None)
    found = {k: v for k, v in removed.items() if v}
    values = {
        "measured": fmt.word_list(
            [_count(v, _PROBLEMS[k]) for k, v in found.items() if k in _PROBLEMS]
        )
        or "nada",
        "expected": "ningún contenido activo",
    }
    return verdict(not found, values, {"found": found})


@check(
    "svg_outlined_text",
    title="Textos convertidos a curvas",
    applies_to=("svg",),
    ok="Los textos del SVG están convertidos a curvas.",
)
def svg_outlined_text(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """No live ``<text>``: it would render in whatever font the viewer has."""
    count = int(piece.svg_report["text_elements"])
    fonts = list(piece.svg_report.get("fonts", []))
    values = {
        "measured": "ningún texto"
        if count == 0
        else ("un texto" if count == 1 else f"{fmt.num(count)} textos")
        + (f" en {fmt.word_list(fonts)}" if fonts else ""),
        "expected": "textos convertidos a curvas",
    }
    return verdict(count == 0, values, {"text_elements": count, "fonts": fonts})


@check(
    "svg_palette",
    title="Colores del SVG",
    applies_to=("svg",),
    params={
        "colors": Param(names_list, refers_to="palette"),
        "tolerance": Param(positive, default=3.0),
        "neutrals": Param(boolean, default=True),
        "strokes": Param(boolean, default=True),
    },
    placeholders=("colors", "official"),
    ok="Todos los colores del SVG son de la paleta oficial.",
)
def svg_palette(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Every fill (and stroke) colour written in the SVG is a palette colour.

    Colours are counted, not weighed by area: in a vector file one stray
    colour is a mistake whatever its size.
    """
    report = piece.svg_report
    found = list(report.get("fill_colors", []))
    if params["strokes"]:
        found += [c for c in report.get("stroke_colors", []) if c not in found]
    clusters = [Cluster(parse_hex(c), 1.0 / len(found)) for c in found] if found else []
    outcome = palette_outcome(clusters, {**params, "min_share": 0.0}, ctx, max_off=0.0)
    bad = [row["hex"] for row in outcome.details.get("colors", []) if not row["ok"]]
    outcome.values["measured"] = (
        "ninguno" if not bad else f"{fmt.num(len(bad))} de {fmt.num(len(found))}"
    )
    outcome.values["expected"] = "ninguno"
    outcome.values["colors"] = fmt.word_list(bad) or "ninguno"
    return outcome
