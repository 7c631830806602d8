"""Palette compliance: are the colours that cover the piece official colours?

The piece is reduced (at most ``SIDE`` pixels on its long side), its flat
opaque pixels are quantised into at most ``max_colors`` clusters, and
each cluster that covers at least ``min_share`` of the piece is compared with
the palette by CIEDE2000. Tiny clusters are antialiasing and photo noise, not
design decisions, and are left out. Whites, greys and blacks (chroma below
``NEUTRAL_CHROMA``) are accepted when ``neutrals`` is true, as brand manuals
allow them for backgrounds and text.

Each colour that is not official is paired with the official colour that
should replace it. For a logo whose form matched an official version, that
is the colour the official version has in the same region
(:mod:`guidelines.regions`); otherwise (a photo, a poster) only the nearest
palette colour by ΔE can be offered, and the row says so (``basis``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from PIL import Image

from guidelines import fmt
from guidelines.brand import PaletteColor
from guidelines.colors import chroma, ciede2000, nearest, parse_hex, srgb_to_lab, to_hex
from guidelines.marks import Mark
from guidelines.officials import Official
from guidelines.piece import Piece
from guidelines.regions import SPANISH_COLOR_WORDS, belonging_colors, colour_word
from guidelines.registry import (
    Context,
    Outcome,
    Param,
    boolean,
    check,
    positive,
    positive_int,
    share,
    skipped,
    text_list,
    verdict,
)

SIDE = 400
MAX_SAMPLES = 30_000
NEUTRAL_CHROMA = 8.0


@dataclass(frozen=True)
class Cluster:
    rgb: tuple[int, int, int]
    share: float


def flat_pixels(rgba: np.ndarray, threshold: int = 24) -> np.ndarray:
    """Mask of opaque pixels whose 4 neighbours have nearly the same colour.

    Edges (antialiased text, the rim of a shape) are mixtures of two colours
    that nobody chose; leaving them out keeps them from counting as
    off-palette colours.
    """
    rgb = rgba[..., :3].astype(np.int16)
    flat = rgba[..., 3] >= 250
    dx = np.abs(np.diff(rgb, axis=1)).sum(axis=-1) > threshold
    dy = np.abs(np.diff(rgb, axis=0)).sum(axis=-1) > threshold
    flat[:, :-1] &= ~dx
    flat[:, 1:] &= ~dx
    flat[:-1, :] &= ~dy
    flat[1:, :] &= ~dy
    return flat


def dominant_colors(rgba: np.ndarray, max_colors: int = 12) -> list[Cluster]:
    """Colour clusters of the flat opaque pixels of an (H, W, 4) array, largest first.

    Quantisation is Pillow's "maximum coverage" variant of median cut, which
    splits the box with the widest colour range rather than the most pixels:
    a small gold bar stays its own colour instead of being averaged into a
    box with the shades of a large blue field.

    When less than a third of the piece is flat (a photograph, a texture),
    every opaque pixel is used instead. Clusters closer than ΔE2000 2 are
    merged: one flat colour may be split into near-identical boxes.
    """
    opaque = rgba[..., 3] >= 128
    mask = flat_pixels(rgba)
    if mask.sum() < opaque.sum() / 3:
        mask = opaque
    pixels = rgba[..., :3][mask]
    if len(pixels) == 0:
        return []
    # Quantising costs about 1 ms per thousand pixels; an even sample of them
    # measures shares to well under a percent.
    if len(pixels) > MAX_SAMPLES:
        pixels = pixels[:: -(-len(pixels) // MAX_SAMPLES)]
    strip = Image.fromarray(np.ascontiguousarray(pixels.reshape(1, -1, 3)), "RGB")
    quantized = strip.quantize(
        colors=max_colors, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE
    )
    palette = quantized.getpalette() or []
    counts = sorted(quantized.getcolors(maxcolors=256) or [], reverse=True)
    total = float(len(pixels))
    merged: list[tuple[np.ndarray, float]] = []
    for count, index in cast(list[tuple[int, int]], counts):
        rgb = np.array(palette[3 * index : 3 * index + 3], dtype=np.float64)
        lab = srgb_to_lab(rgb)
        for i, (known, known_share) in enumerate(merged):
            if float(ciede2000(lab, srgb_to_lab(known))) < 2.0:
                merged[i] = (known, known_share + count / total)
                break
        else:
            merged.append((rgb, count / total))
    return sorted(
        (Cluster((int(r), int(g), int(b)), part) for (r, g, b), part in merged),
        key=lambda c: -c.share,
    )


def judge_colors(
    clusters: Sequence[Cluster],
    palette: Sequence[PaletteColor],
    tolerance: float,
    min_share: float,
    neutrals: bool,
) -> tuple[float, list[dict[str, Any]]]:
    """Off-palette share and one row per dominant cluster (found, nearest official, ΔE, share)."""
    dominant = [c for c in clusters if c.share >= min_share]
    if not dominant:
        return 0.0, []
    lab = srgb_to_lab(np.array([c.rgb for c in dominant], dtype=np.float64))
    official = srgb_to_lab(np.array([parse_hex(p.hex) for p in palette], dtype=np.float64))
    index, delta = nearest(lab, official)
    neutral = chroma(lab) < NEUTRAL_CHROMA
    rows, off = [], 0.0
    for i, cluster in enumerate(dominant):
        in_palette = bool(delta[i] <= tolerance)
        ok = in_palette or (neutrals and bool(neutral[i]))
        if not ok:
            off += cluster.share
        rows.append(
            {
                "hex": to_hex(cluster.rgb),
                "share": round(cluster.share, 4),
                "nearest": palette[int(index[i])].name,
                "nearest_hex": palette[int(index[i])].hex,
                "delta_e": round(float(delta[i]), 2),
                "neutral": bool(neutral[i]),
                "ok": ok,
                "word": colour_word(cluster.rgb),
                # What should replace it; a matched logo's own region replaces this guess.
                "should_be": palette[int(index[i])].name,
                "should_be_hex": palette[int(index[i])].hex,
                "basis": "nearest",
            }
        )
    return off, rows


def official_colors(ctx: Context, names: Sequence[str] | None) -> list[PaletteColor]:
    return [c for c in ctx.brand.palette if not names or c.name in names]


def palette_outcome(
    clusters: Sequence[Cluster],
    params: Mapping[str, Any],
    ctx: Context,
    max_off: float,
    matched: tuple[Mark, Official] | None = None,
) -> Outcome:
    """The palette verdict; with ``matched`` (the piece's mark and the official version it
    has the form of), each wrong colour is paired with the official colour of its region."""
    colors = official_colors(ctx, params["colors"])
    if not colors:
        return skipped("La marca no tiene colores oficiales para comparar.", code="no_palette")
    off, rows = judge_colors(
        clusters, colors, params["tolerance"], params["min_share"], params["neutrals"]
    )
    if matched is not None:
        _by_region(rows, clusters, params["min_share"], matched, list(ctx.brand.palette))
    bad = [r for r in rows if not r["ok"]]
    values = {
        "measured": fmt.percent(off),
        "expected": fmt.percent(max_off),
        "colors": fmt.word_list([_wrong(r) for r in bad]) or "ninguno",
        "official": fmt.word_list([f"{c.name} ({c.hex})" for c in colors]),
    }
    details: dict[str, Any] = {
        "off_palette_share": round(off, 4),
        "max_off_palette_share": max_off,
        "tolerance_delta_e": params["tolerance"],
        "colors": rows,
    }
    if matched is not None:
        details["matched_logo"] = matched[1].name
        details["matched_title"] = matched[1].title
    return verdict(off <= max_off + 1e-9, values, details)


def _by_region(
    rows: list[dict[str, Any]],
    clusters: Sequence[Cluster],
    min_share: float,
    matched: tuple[Mark, Official],
    palette: Sequence[PaletteColor],
) -> None:
    """Replace the nearest-colour guess of each wrong row with the official colour of its
    region in the matched version (rows follow the order of the dominant clusters)."""
    dominant = [c for c in clusters if c.share >= min_share]
    wrong = [i for i, row in enumerate(rows) if not row["ok"]]
    found = belonging_colors(matched[0], matched[1].mark, [c.rgb for c in dominant], wrong, palette)
    for index, belongs in found.items():
        rows[index].update(
            should_be=belongs.color.name,
            should_be_hex=belongs.color.hex,
            basis="region",
            agreement=belongs.agreement,
        )


def _wrong(row: Mapping[str, Any]) -> str:
    """'el rojo #D62828 (debería ser Azul Provincia)' or, without a logo to compare with,
    'el rojo #D62828 (el oficial más parecido es Gris Institucional)'."""
    word = SPANISH_COLOR_WORDS.get(row["word"], "")
    if row["basis"] == "region":
        fix = f"debería ser {row['should_be']}"
    else:
        fix = f"el oficial más parecido es {row['should_be']}"
    return f"el {word} {row['hex']} ({fix})"


PALETTE_PARAMS = {
    "colors": Param(text_list, refers_to="palette"),
    "tolerance": Param(positive, default=6.0),
    "max_off_palette": Param(share, default=0.05),
    "min_share": Param(share, default=0.02),
    "neutrals": Param(boolean, default=True),
    "max_colors": Param(positive_int, default=12),
}


def piece_clusters(piece: Piece, max_colors: int) -> list[Cluster]:
    return piece.memo(
        f"clusters:{max_colors}", lambda: dominant_colors(piece.array(SIDE), max_colors)
    )


@check(
    "palette",
    title="Colores de la paleta",
    applies_to=("image", "svg", "document", "postscript"),
    params=PALETTE_PARAMS,
    placeholders=("colors", "official"),
    ok="Los colores principales son de la paleta oficial (fuera de paleta: {measured}).",
)
def palette(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """At most ``max_off_palette`` of the piece in colours farther than ``tolerance`` ΔE."""
    clusters = piece_clusters(piece, params["max_colors"])
    return palette_outcome(clusters, params, ctx, params["max_off_palette"])
