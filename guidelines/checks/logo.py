"""Logo checks: clear space, proportion, colours, version and minimum size.

All of them work on the mark found in the analysis copy
(:mod:`guidelines.marks`); proportion, version and colours compare it with
the brand's official logo versions, picked by form alone (silhouette and
inner regions, :func:`guidelines.marks.best_form`): a logo that was only
recoloured is recognised as the version it came from, so the version rule
can say its form is right and the colour rule which official colour belongs
in each wrongly coloured region (:mod:`guidelines.regions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidelines import fmt
from guidelines.checks.palette import PALETTE_PARAMS, palette_outcome, piece_clusters
from guidelines.marks import Mark, Match, best_form, compare, find_mark
from guidelines.officials import Official
from guidelines.piece import Piece
from guidelines.registry import (
    Context,
    Outcome,
    Param,
    check,
    choice,
    failed_because,
    positive,
    positive_int,
    share,
    skipped,
    text_list,
    verdict,
)

_SIDES = {"left": "a la izquierda", "top": "arriba", "right": "a la derecha", "bottom": "abajo"}
_REFERENCE = {
    "height": "del alto del logo",
    "width": "del ancho del logo",
    "shorter": "del lado menor del logo",
}
_NO_MARK = "No se encontró ningún logo en la imagen: está vacía o es de un solo color."
_NO_OFFICIALS = "No hay archivos de logo oficiales cargados para comparar."
# A mark whose form is at least this alike to an official version's is that version
# (recoloured, perhaps); below it, it is another drawing (redrawn, rotated, cropped).
FORM_MATCH = 0.8
# At least this share of a matched logo's solid area in the official's colours.
COLOR_MATCH = 0.8
_RECOLOURED = (
    "La forma coincide con el logo oficial «{version}», pero sus colores no son los de "
    "ninguna versión oficial (vea «Colores del logo»). Use el archivo oficial sin "
    "cambiarle los colores."
)


def piece_mark(piece: Piece) -> Mark | None:
    return piece.memo("mark", lambda: find_mark(piece.array()))


def clear_space_ratios(mark: Mark, relative_to: str = "shorter") -> dict[str, float]:
    """Each margin as a share of the mark's reference size."""
    reference = {
        "height": mark.height,
        "width": mark.width,
        "shorter": min(mark.width, mark.height),
    }[relative_to]
    return {side: px / reference for side, px in mark.margins().items()}


@check(
    "clear_space",
    title="Área de respeto del logo",
    applies_to=("image", "svg"),
    params={
        "min_ratio": Param(positive, required=True),
        "relative_to": Param(choice(*_REFERENCE), default="shorter"),
    },
    placeholders=("side", "reference"),
    ok="El logo tiene espacio libre suficiente alrededor ({measured} {reference} como mínimo).",
)
def clear_space(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Free margin on every side of at least ``min_ratio`` of the mark's size."""
    mark = piece_mark(piece)
    if mark is None:
        return skipped(_NO_MARK, code="no_mark")
    ratios = clear_space_ratios(mark, params["relative_to"])
    side = min(ratios, key=lambda s: ratios[s])
    values = {
        "measured": fmt.percent(ratios[side]),
        "expected": fmt.percent(params["min_ratio"]),
        "side": _SIDES[side],
        "reference": _REFERENCE[params["relative_to"]],
    }
    details = {
        "margins": {s: round(r, 4) for s, r in ratios.items()},
        "smallest_side": side,
        "min_ratio": params["min_ratio"],
        "mark_box": list(mark.box),
    }
    return verdict(ratios[side] + 1e-9 >= params["min_ratio"], values, details)


def best_by_shape(mark: Mark, officials: list[Official]) -> Official:
    found = best_form(mark, officials)
    assert found is not None
    return found[1]


def matched_logo(piece: Piece, ctx: Context) -> tuple[Match, Official] | None:
    """The official version the piece's mark has the form of (None: no mark, no officials,
    or a form no version has)."""

    def find() -> tuple[Match, Official] | None:
        mark = piece_mark(piece)
        officials = list(ctx.officials)
        if mark is None or not officials:
            return None
        found = best_form(mark, officials)
        if found is None or found[0].form < FORM_MATCH:
            return None
        return found

    return piece.memo("matched_logo", find)


@check(
    "logo_aspect",
    title="Logo sin deformar",
    applies_to=("image", "svg"),
    params={"tolerance": Param(share, default=0.03)},
    placeholders=("version",),
    ok="El logo conserva su proporción ({measured}; la oficial es {expected}).",
)
def logo_aspect(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The mark's width / height within ``tolerance`` of the official version it resembles."""
    mark = piece_mark(piece)
    if mark is None:
        return skipped(_NO_MARK, code="no_mark")
    officials = list(ctx.officials)
    if not officials:
        return skipped(_NO_OFFICIALS, code="no_officials")
    official = best_by_shape(mark, officials)
    deviation = abs(mark.aspect / official.mark.aspect - 1.0)
    values = {
        "measured": fmt.num(mark.aspect, 2),
        "expected": fmt.num(official.mark.aspect, 2),
        "version": official.title,
    }
    details = {
        "measured": round(mark.aspect, 4),
        "expected": round(official.mark.aspect, 4),
        "version": official.name,
        "deviation": round(deviation, 4),
        "tolerance": params["tolerance"],
    }
    return verdict(deviation <= params["tolerance"], values, details)


@check(
    "logo_colors",
    title="Colores del logo",
    applies_to=("image", "svg"),
    params={
        **PALETTE_PARAMS,
        "tolerance": Param(positive, default=5.0),
        "max_off_palette": Param(share, default=0.02),
    },
    placeholders=("colors", "official"),
    ok="El logo usa solo colores oficiales.",
)
def logo_colors(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """A logo is not recoloured: its colours are palette colours (or neutrals)."""
    clusters = piece_clusters(piece, params["max_colors"])
    found = matched_logo(piece, ctx)
    mark = piece_mark(piece)
    matched = (mark, found[1]) if found is not None and mark is not None else None
    return palette_outcome(clusters, params, ctx, params["max_off_palette"], matched)


@check(
    "logo_version",
    title="Versión oficial del logo",
    applies_to=("image", "svg"),
    params={
        "versions": Param(text_list, refers_to="logos"),
        "min_similarity": Param(share, default=0.8),
    },
    placeholders=("version", "allowed"),
    ok="La forma coincide con el logo oficial «{version}».",
)
def logo_version(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The mark has the form of one of the allowed official versions, in its colours.

    Form and colour are judged apart: ``min_similarity`` applies to the form
    (silhouette and inner regions), so a recoloured logo is told that its
    form is right and that its colours are not.
    """
    mark = piece_mark(piece)
    if mark is None:
        # An empty file must not pass as a logo: this is the rule that says so.
        return failed_because(_NO_MARK, code="no_mark", similarity=0.0)
    officials = list(ctx.officials)
    if not officials:
        return skipped(_NO_OFFICIALS, code="no_officials")
    found = best_form(mark, officials)
    assert found is not None
    match, best = found
    allowed = params["versions"] or [o.name for o in officials]
    titles = {o.name: o.title for o in officials}
    form_ok = match.form >= params["min_similarity"]
    color_ok = match.color >= COLOR_MATCH
    values = {
        "measured": fmt.percent(match.form),
        "expected": fmt.percent(params["min_similarity"]),
        "version": best.title,
        "allowed": fmt.word_list([f"«{titles.get(n, n)}»" for n in allowed], "o"),
    }
    details = {
        "best": best.name,
        "best_title": best.title,
        "similarity": round(match.form, 4),
        "min_similarity": params["min_similarity"],
        "form_matches": form_ok,
        "color_matches": color_ok,
        "allowed": allowed,
        "scores": {
            o.name: {
                "form": round(m.form, 4),
                "shape": round(m.shape, 4),
                "color": round(m.color, 4),
            }
            for m, o in ((compare(mark, o.mark), o) for o in officials)
        },
    }
    if form_ok and best.name in allowed and not color_ok:
        return Outcome("fail", values, details, _RECOLOURED.format(**values), "recoloured")
    return verdict(form_ok and best.name in allowed, values, details)


@check(
    "logo_min_size",
    title="Tamaño mínimo del logo",
    applies_to=("image",),
    params={"min_width": Param(positive_int), "min_height": Param(positive_int)},
    ok="El logo mide {measured}, suficiente para verse bien.",
)
def logo_min_size(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The mark itself (not the canvas) is at least ``min_width`` × ``min_height`` pixels."""
    mark = piece_mark(piece)
    if mark is None:
        return skipped(_NO_MARK, code="no_mark")
    scale = piece.analysis_scale
    width, height = round(mark.width * scale), round(mark.height * scale)
    min_w, min_h = params["min_width"], params["min_height"]
    ok = (not min_w or width >= min_w) and (not min_h or height >= min_h)
    parts = [
        f"{fmt.num(min_w)} px de ancho" if min_w else "",
        f"{fmt.num(min_h)} px de alto" if min_h else "",
    ]
    values = {
        "measured": fmt.size(width, height),
        "expected": "al menos " + " y ".join(p for p in parts if p),
    }
    details = {"measured": [width, height], "min": [min_w, min_h]}
    return verdict(ok, values, details)
