"""Checks on a raster's geometry and colour set-up, read from the header where possible.

Pixel size, DPI, colour mode and ICC profile come from Pillow's lazy open and
cost no decoding; only ``transparency`` looks at pixels, and only when the
file has an alpha channel at all. ``dimensions``, ``allowed_sizes`` and
``aspect_ratio`` apply to video frames too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import (
    Context,
    Outcome,
    Param,
    boolean,
    check,
    choices,
    paper_mm,
    positive,
    positive_int,
    print_size,
    ratio_value,
    ratios,
    share,
    sizes,
    skipped,
    text_list,
    verdict,
)

MODE_NAMES = {
    "rgb": "RGB (para pantalla)",
    "cmyk": "CMYK (para imprenta)",
    "grayscale": "escala de grises",
}


def _extent(width: int | None, height: int | None) -> str:
    if width and height:
        return fmt.size(width, height)
    if width:
        return f"{fmt.num(width)} px de ancho"
    return f"{fmt.num(height or 0)} px de alto"


def fits(
    size: tuple[int, int],
    minimum: tuple[int | None, int | None],
    maximum: tuple[int | None, int | None],
    any_orientation: bool = False,
) -> bool:
    """Whether ``size`` is within the bounds (each bound may be None)."""
    orientations = [size, (size[1], size[0])] if any_orientation else [size]
    for w, h in orientations:
        if (minimum[0] and w < minimum[0]) or (minimum[1] and h < minimum[1]):
            continue
        if (maximum[0] and w > maximum[0]) or (maximum[1] and h > maximum[1]):
            continue
        return True
    return False


@check(
    "dimensions",
    title="Tamaño en píxeles",
    applies_to=("image", "video"),
    params={
        "min_width": Param(positive_int),
        "min_height": Param(positive_int),
        "max_width": Param(positive_int),
        "max_height": Param(positive_int),
        "any_orientation": Param(boolean, default=False),
    },
    ok="Mide {measured}, dentro de lo pedido ({expected}).",
)
def dimensions(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Minimum and maximum width and height; ``any_orientation`` accepts the rotated size."""
    size = piece.dimensions
    if size is None:
        return skipped("No se pudo conocer el tamaño en píxeles de este archivo.", code="no_size")
    minimum = (params["min_width"], params["min_height"])
    maximum = (params["max_width"], params["max_height"])
    parts = []
    if any(minimum):
        parts.append("al menos " + _extent(*minimum))
    if any(maximum):
        parts.append("como máximo " + _extent(*maximum))
    expected = " y ".join(parts) or "cualquier tamaño"
    if params["any_orientation"]:
        expected += ", en vertical u horizontal"
    ok = fits(size, minimum, maximum, params["any_orientation"])
    details = {"measured": list(size), "min": list(minimum), "max": list(maximum)}
    return verdict(ok, {"measured": fmt.size(*size), "expected": expected}, details)


@check(
    "allowed_sizes",
    title="Medidas exactas",
    applies_to=("image", "video"),
    params={"sizes": Param(sizes, required=True), "tolerance_px": Param(positive_int)},
    ok="Mide {measured}, una de las medidas pedidas.",
)
def allowed_sizes(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """One of a list of exact sizes (the formats of a social network)."""
    size = piece.dimensions
    if size is None:
        return skipped("No se pudo conocer el tamaño en píxeles de este archivo.", code="no_size")
    tolerance = params["tolerance_px"] or 0
    match = next(
        (
            s
            for s in params["sizes"]
            if abs(size[0] - s[0]) <= tolerance and abs(size[1] - s[1]) <= tolerance
        ),
        None,
    )
    values = {"measured": fmt.size(*size), "expected": fmt.sizes(params["sizes"])}
    details = {"measured": list(size), "expected": params["sizes"], "matched": match}
    return verdict(match is not None, values, details)


def nearest_ratio(measured: float, allowed: Sequence[str | float]) -> tuple[str | float, float]:
    """The allowed ratio closest to ``measured`` and the relative deviation from it."""
    best = min(allowed, key=lambda r: abs(math.log(measured / ratio_value(r))))
    return best, abs(measured / ratio_value(best) - 1.0)


def _ratio_text(ratio: str | float) -> str:
    return ratio if isinstance(ratio, str) else fmt.num(ratio, 2)


@check(
    "aspect_ratio",
    title="Proporción",
    applies_to=("image", "video"),
    params={"ratios": Param(ratios, required=True), "tolerance": Param(share, default=0.01)},
    ok="La proporción es {measured}, como se pide ({expected}).",
)
def aspect_ratio(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Width / height within ``tolerance`` (relative) of one of ``ratios`` ("16:9", 1.91 …)."""
    size = piece.dimensions
    if size is None:
        return skipped("No se pudo conocer el tamaño en píxeles de este archivo.", code="no_size")
    measured = size[0] / size[1]
    best, deviation = nearest_ratio(measured, params["ratios"])
    values = {
        "measured": fmt.num(measured, 2),
        "expected": fmt.word_list([_ratio_text(r) for r in params["ratios"]], "o"),
    }
    details = {
        "measured": round(measured, 4),
        "expected": params["ratios"],
        "nearest": best,
        "deviation": round(deviation, 4),
        "tolerance": params["tolerance"],
    }
    return verdict(deviation <= params["tolerance"], values, details)


@check(
    "print_resolution",
    title="Resolución para imprimir",
    applies_to=("image",),
    params={
        "size": Param(print_size, required=True),
        "dpi": Param(positive, default=300),
        "any_orientation": Param(boolean, default=True),
    },
    placeholders=("effective", "dpi", "print_size"),
    ok="Alcanza para imprimir en {print_size} a {dpi}: tiene {measured} y necesita {expected}.",
)
def print_resolution(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Enough pixels to print at ``size`` (a paper name or millimetres) and ``dpi``."""
    size = piece.dimensions
    if size is None:
        return skipped("No se pudo conocer el tamaño en píxeles de este archivo.", code="no_size")
    mm_w, mm_h = paper_mm(params["size"])
    dpi = params["dpi"]
    needed = (round(mm_w / 25.4 * dpi), round(mm_h / 25.4 * dpi))
    orientations = [needed, (needed[1], needed[0])] if params["any_orientation"] else [needed]
    # Compare landscape pixels with landscape paper: the orientation that suits the image best.
    target = max(orientations, key=lambda n: min(size[0] / n[0], size[1] / n[1]))
    effective = min(size[0] / (target[0] / dpi), size[1] / (target[1] / dpi))
    ok = size[0] >= target[0] and size[1] >= target[1]
    name = (
        params["size"]
        if isinstance(params["size"], str)
        else (f"{fmt.trim(mm_w, 1)} × {fmt.trim(mm_h, 1)} mm")
    )
    values = {
        "measured": fmt.size(*size),
        "expected": fmt.size(*target),
        "effective": f"{fmt.num(effective)} ppp",
        "dpi": f"{fmt.trim(dpi)} ppp",
        "print_size": name,
    }
    details = {
        "measured": list(size),
        "needed": list(target),
        "print_mm": [mm_w, mm_h],
        "dpi": dpi,
        "effective_dpi": round(effective, 1),
    }
    return verdict(ok, values, details)


@check(
    "embedded_dpi",
    title="Resolución guardada en el archivo",
    applies_to=("image",),
    params={"min_dpi": Param(positive, required=True)},
    ok="El archivo indica {measured}, como se pide.",
)
def embedded_dpi(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The DPI written in the file (what layout programs use for the printed size)."""
    dpi = piece.dpi
    expected = f"al menos {fmt.trim(params['min_dpi'])} ppp"
    if dpi is None:
        return verdict(
            False,
            {"measured": "ninguna resolución", "expected": expected},
            {"measured": None, "min_dpi": params["min_dpi"]},
        )
    lowest = min(dpi)
    values = {"measured": f"{fmt.trim(lowest, 1)} ppp", "expected": expected}
    details = {"measured": [round(d, 2) for d in dpi], "min_dpi": params["min_dpi"]}
    return verdict(lowest + 0.5 >= params["min_dpi"], values, details)


@check(
    "color_mode",
    title="Modo de color",
    applies_to=("image",),
    params={"allowed": Param(choices(*MODE_NAMES), required=True)},
    ok="El modo de color es {measured}, como se pide.",
)
def color_mode(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """RGB, CMYK or grayscale, as the file stores its pixels."""
    mode = piece.color_mode
    values = {
        "measured": MODE_NAMES[mode],
        "expected": fmt.word_list([MODE_NAMES[m] for m in params["allowed"]], "o"),
    }
    details = {"measured": mode, "pillow_mode": piece.header.mode, "expected": params["allowed"]}
    return verdict(mode in params["allowed"], values, details)


@check(
    "icc_profile",
    title="Perfil de color",
    applies_to=("image",),
    params={"profile": Param(text_list, required=True), "required": Param(boolean, default=False)},
    ok="Perfil de color: {measured}.",
)
def icc_profile(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The embedded ICC profile's name contains one of ``profile`` ("sRGB" …).

    Without ``required``, a file with no profile passes: browsers and
    networks treat it as sRGB.
    """
    description = piece.icc_description
    wanted = params["profile"]
    expected = fmt.word_list(wanted, "o")
    if description is None:
        measured = "ninguno" if params["required"] else "ninguno (se toma como sRGB)"
        return verdict(
            not params["required"],
            {"measured": measured, "expected": expected},
            {"measured": None, "expected": wanted},
        )
    ok = any(w.lower() in description.lower() for w in wanted)
    values = {"measured": description, "expected": expected}
    return verdict(ok, values, {"measured": description, "expected": wanted})


def transparent_share(rgba: np.ndarray) -> float:
    """Share of pixels that are not fully opaque."""
    return float((rgba[..., 3] < 250).mean())


@check(
    "transparency",
    title="Fondo transparente",
    applies_to=("image", "svg"),
    params={"required": Param(boolean, required=True)},
    ok="El archivo {measured}, como se pide.",
)
def transparency(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """``required = true``: the piece must have transparent pixels; false: it must have none."""
    if piece.kind == "image" and not piece.has_alpha_channel:
        found = 0.0
    else:
        found = transparent_share(piece.array(256))
    has = found > 0.001
    names = {True: "tiene fondo transparente", False: "no tiene transparencia"}
    values = {"measured": names[has], "expected": names[params["required"]]}
    details = {"transparent_share": round(found, 4), "required": params["required"]}
    return verdict(has == params["required"], values, details)
