"""Image quality: JPEG over-compression and blur.

JPEG quality is estimated from the quantization tables in the header, with
no decoding: libjpeg (and nearly every encoder since) scales the standard
tables of Annex K by ``5000 / q`` below quality 50 and by ``200 - 2q`` above,
so the quality whose scaled tables are closest to the file's is its
quality. Encoders with their own tables (some cameras, Photoshop) get the
nearest equivalent, and ``details.exact`` says so.

Sharpness is measured on the Laplacian of a grayscale copy normalised to
``side`` pixels on the long side: edges make it large, blur makes it small.
Normalising the size makes the number comparable between a 24 MP photo and a
phone picture; the cost is that blur finer than the reduction goes unseen.
The Laplacian's variance is taken per tile of ``tile`` pixels and the score
is the mean of the sharpest tenth of the tiles: the sharpness where the
subject is. Averaged over the whole frame, a sharp kite against a plain sky
read as blurred (the sky, most of the frame, has no edges to measure); a
photo blurred all over has no sharp tiles and still fails.
The blocks of a JPEG saved at very low quality are edges too and read as
detail: such a file fails ``jpeg_quality`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from PIL import Image

from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import (
    Context,
    Outcome,
    Param,
    check,
    positive,
    positive_int,
    skipped,
    verdict,
)

# ITU-T T.81 Annex K tables, in natural (row-major) order, as Pillow reports them.
STD_LUMINANCE = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ]
).ravel()
STD_CHROMINANCE = np.array(
    [
        [17, 18, 24, 47, 99, 99, 99, 99],
        [18, 21, 26, 66, 99, 99, 99, 99],
        [24, 26, 56, 99, 99, 99, 99, 99],
        [47, 66, 99, 99, 99, 99, 99, 99],
        *[[99] * 8] * 4,
    ]
).ravel()
_QUALITIES = np.arange(1, 101)


def scaled_tables(quality: int | np.ndarray, base: np.ndarray) -> np.ndarray:
    """libjpeg's ``jpeg_quality_scaling`` + ``jpeg_add_quant_table`` (baseline, 1-255)."""
    q = np.clip(np.asarray(quality), 1, 100)
    scale = np.where(q < 50, 5000 // q, 200 - 2 * q)
    scaled = (base[None, :] * np.atleast_1d(scale)[:, None] + 50) // 100
    tables: np.ndarray = np.clip(scaled, 1, 255)
    return tables


def estimate_quality(tables: Mapping[int, Sequence[int]]) -> tuple[int, bool, float]:
    """(quality 1-100, whether the tables are exactly libjpeg's, mean table error)."""
    errors = np.zeros(len(_QUALITIES))
    used = 0
    for index, base in ((0, STD_LUMINANCE), (1, STD_CHROMINANCE)):
        if index not in tables:
            continue
        actual = np.asarray(tables[index], dtype=np.int64)
        if actual.size != 64:
            continue
        candidates = scaled_tables(_QUALITIES, base)
        # Log ratios weigh a 2-vs-1 step like a 100-vs-50 one, as quality scaling does.
        errors += np.abs(np.log(candidates) - np.log(np.maximum(actual, 1))).mean(axis=1)
        used += 1
    if not used:
        raise ValueError("no quantization tables")
    best = int(np.argmin(errors))
    exact = all(
        np.array_equal(
            scaled_tables(_QUALITIES[best], base)[0], np.asarray(tables[i], dtype=np.int64)
        )
        for i, base in ((0, STD_LUMINANCE), (1, STD_CHROMINANCE))
        if i in tables
    )
    return int(_QUALITIES[best]), exact, float(errors[best] / used)


@check(
    "jpeg_quality",
    title="Compresión JPEG",
    applies_to=("image",),
    params={"min_quality": Param(positive_int, required=True)},
    ok="La compresión es adecuada (calidad estimada {measured} de 100).",
)
def jpeg_quality(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Estimated JPEG quality of at least ``min_quality``; other formats are skipped."""
    if piece.image.format != "JPEG":
        return skipped("No aplica: el archivo no es JPEG.", code="not_jpeg")
    tables = getattr(piece.image, "quantization", None)
    if not tables:
        return skipped("El JPEG no trae tablas de cuantización legibles.", code="no_tables")
    quality, exact, error = estimate_quality(tables)
    values = {"measured": fmt.num(quality), "expected": fmt.num(params["min_quality"])}
    details = {
        "estimated_quality": quality,
        "min_quality": params["min_quality"],
        "exact": exact,
        "table_error": round(error, 4),
    }
    return verdict(quality >= params["min_quality"], values, details)


def laplacian(gray: np.ndarray) -> np.ndarray:
    """The 4-neighbour Laplacian of a 2-D array of 0-255 values (one pixel smaller a side)."""
    g = gray.astype(np.float32)
    return g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian of a 2-D array of 0-255 values."""
    return float(laplacian(gray).var())


def tile_sharpness(gray: np.ndarray, tile: int = 32, top: float = 0.1) -> float:
    """Mean Laplacian variance of the sharpest ``top`` fraction of ``tile``-pixel tiles.

    An image smaller than two tiles a side is measured as one tile.
    """
    return _tile_sharpness(laplacian(gray), tile, top)


def _tile_sharpness(lap: np.ndarray, tile: int, top: float) -> float:
    rows, cols = lap.shape[0] // tile, lap.shape[1] // tile
    if rows < 2 or cols < 2:
        return float(lap.var())
    tiles = lap[: rows * tile, : cols * tile].reshape(rows, tile, cols, tile)
    variances = tiles.var(axis=(1, 3)).ravel()
    count = max(1, round(variances.size * top))
    return float(np.partition(variances, variances.size - count)[-count:].mean())


def normalised_gray(rgba: np.ndarray, side: int) -> np.ndarray:
    im = Image.fromarray(rgba, "RGBA").convert("L")
    if max(im.size) > side:
        scale = side / max(im.size)
        im = im.resize(
            (max(1, round(im.width * scale)), max(1, round(im.height * scale))),
            Image.Resampling.BOX,
        )
    return np.asarray(im)


@check(
    "sharpness",
    title="Nitidez",
    applies_to=("image",),
    params={
        "min_sharpness": Param(positive, required=True),
        "side": Param(positive_int, default=1024),
        "tile": Param(positive_int, default=32),
    },
    ok="La imagen se ve nítida (nitidez {measured}).",
)
def sharpness(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Sharpest-tiles Laplacian variance of at least ``min_sharpness`` at ``side`` pixels."""
    rgba = piece.array(params["side"])
    if min(rgba.shape[:2]) < 8:
        return skipped("La imagen es demasiado pequeña para medir su nitidez.", code="too_small")
    lap = laplacian(normalised_gray(rgba, params["side"]))
    value = _tile_sharpness(lap, params["tile"], 0.1)
    values = {"measured": fmt.num(value), "expected": fmt.num(params["min_sharpness"])}
    details = {
        "sharpness": round(value, 2),
        "laplacian_variance": round(float(lap.var()), 2),
        "min_sharpness": params["min_sharpness"],
        "side": params["side"],
        "tile": params["tile"],
    }
    return verdict(value >= params["min_sharpness"], values, details)
