"""Finding a logo's mark in an image and comparing it with the official versions.

The mark is the set of pixels that are not background: opaque pixels of a
transparent PNG, or pixels that differ from the border colour of an opaque
image (a logo exported on white). Its bounding box gives the clear space and
the proportion. For comparison each mark is cropped to its box and scaled to
a fixed square *ignoring its proportion*, so that a stretched logo still
matches the version it was stretched from (the stretch is reported by the
proportion check instead).

Shape and colour are judged apart. The *form* of a mark is its silhouette
(the overlap of the two normalised masks, soft IoU) and, inside it, where
one colour region meets another (the boundaries between regions, whatever
their colours): a logo that was only recoloured keeps both, so it matches
the version it came from by form alone. The *colour* term is the share of
the common solid area whose colour is within ΔE2000 12 of the official's;
it tells apart versions of the same form (the colour, monochrome and
negative versions) and says whether a matched logo was recoloured. Every
grid is a fixed size, so comparing costs the same for any file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np
from PIL import Image

from guidelines.colors import ciede2000, srgb_to_lab

SHAPE_SIDE = 64
COLOR_SIDE = 32
REGION_SIDE = 96
# Two neighbouring cells of a mark further apart than this (CIELAB ΔE76) are two regions.
_REGION_EDGE = 20.0
COLOR_TOLERANCE = 12.0
_BACKGROUND_DISTANCE = 15.0  # CIELAB ΔE76 from the border colour that counts as "mark"
_FORM_TIE = 0.03


@dataclass(frozen=True)
class Mark:
    """Where the mark is in an RGBA array and how it looks, normalised for comparison."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), in array pixels
    image_size: tuple[int, int]  # array width, height
    transparent: bool  # found through the alpha channel
    shape: np.ndarray  # (SHAPE_SIDE, SHAPE_SIDE) coverage, 0-1
    lab: np.ndarray  # (COLOR_SIDE, COLOR_SIDE, 3)
    solid: np.ndarray  # (COLOR_SIDE, COLOR_SIDE) bool: well inside the mark
    region_lab: np.ndarray  # (REGION_SIDE, REGION_SIDE, 3): colours, finer, for regions
    region_solid: np.ndarray  # (REGION_SIDE, REGION_SIDE) bool
    edges: np.ndarray  # (REGION_SIDE, REGION_SIDE) bool: a boundary between two regions

    @property
    def width(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def margins(self) -> dict[str, int]:
        """Free pixels between the mark and each edge of the image."""
        x0, y0, x1, y1 = self.box
        w, h = self.image_size
        return {"left": x0, "top": y0, "right": w - x1, "bottom": h - y1}


class _HasMark(Protocol):
    @property
    def mark(self) -> Mark: ...


T = TypeVar("T", bound=_HasMark)


def mark_mask(rgba: np.ndarray) -> tuple[np.ndarray, bool]:
    """Boolean mask of the mark and whether transparency defined it."""
    alpha = rgba[..., 3]
    if (alpha < 250).mean() > 0.01:
        # A faint halo (antialiasing, soft shadow) still belongs to the mark.
        return alpha > 16, True
    border = np.concatenate([rgba[0, :, :3], rgba[-1, :, :3], rgba[:, 0, :3], rgba[:, -1, :3]])
    background = np.median(border, axis=0)
    lab = srgb_to_lab(rgba[..., :3])
    distance = np.linalg.norm(lab - srgb_to_lab(background), axis=-1)
    return distance > _BACKGROUND_DISTANCE, False


def find_mark(rgba: np.ndarray) -> Mark | None:
    """The mark in an (H, W, 4) uint8 array, or None if the image is empty."""
    mask, transparent = mark_mask(rgba)
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return None
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    x0, y0, x1, y1 = box
    crop_mask = mask[y0:y1, x0:x1]
    crop = rgba[y0:y1, x0:x1]
    # The silhouette is the mask with its enclosed holes filled: white letters are part
    # of a transparent logo's mask but holes in the same logo exported on white.
    coverage = _resize_gray(crop_mask.astype(np.float32), SHAPE_SIDE)
    shape = np.maximum(coverage, _holes(coverage > 0.5).astype(np.float32))
    solid = _resize_gray(crop_mask.astype(np.float32), COLOR_SIDE) >= 0.99
    if transparent:
        # Composite on grey before averaging: transparent pixels carry arbitrary RGB.
        weights = crop_mask[..., None].astype(np.float32)
        flat = crop[..., :3].astype(np.float32) * weights + 128.0 * (1.0 - weights)
    else:
        flat = crop[..., :3].astype(np.float32)  # what shows through a hole is the background
    composite = Image.fromarray(flat.clip(0, 255).astype(np.uint8), "RGB")
    small = composite.resize((COLOR_SIDE, COLOR_SIDE), Image.Resampling.BOX)
    region_lab = srgb_to_lab(
        np.asarray(composite.resize((REGION_SIDE, REGION_SIDE), Image.Resampling.BOX))
    )
    region_cover = _resize_gray(crop_mask.astype(np.float32), REGION_SIDE)
    holes = _holes(region_cover > 0.5)
    region_solid = (region_cover >= 0.99) | (holes & (region_cover <= 0.01))
    return Mark(
        box=box,
        image_size=(rgba.shape[1], rgba.shape[0]),
        transparent=transparent,
        shape=shape,
        lab=srgb_to_lab(np.asarray(small)),
        solid=solid,
        region_lab=region_lab,
        region_solid=region_solid,
        edges=_region_edges(region_lab, (region_cover > 0.5) | holes),
    )


def _holes(inside: np.ndarray) -> np.ndarray:
    """Cells outside ``inside`` that the border cannot reach: the mark's enclosed holes."""
    outside = np.zeros_like(inside)
    outside[0, :], outside[-1, :] = ~inside[0, :], ~inside[-1, :]
    outside[:, 0], outside[:, -1] = ~inside[:, 0], ~inside[:, -1]
    free = ~inside
    # Grow from the border through free cells; the grid is small (REGION_SIDE at most).
    while True:
        grown = _grow(outside) & free
        if (grown == outside).all():
            holes: np.ndarray = free & ~outside
            return holes
        outside = grown


def _region_edges(lab: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """Cells of the mark where its colour changes to another colour of the mark."""
    edges = np.zeros(solid.shape, dtype=bool)
    dx = (np.linalg.norm(np.diff(lab, axis=1), axis=-1) > _REGION_EDGE) & (
        solid[:, 1:] & solid[:, :-1]
    )
    dy = (np.linalg.norm(np.diff(lab, axis=0), axis=-1) > _REGION_EDGE) & (
        solid[1:, :] & solid[:-1, :]
    )
    edges[:, :-1] |= dx
    edges[:, 1:] |= dx
    edges[:-1, :] |= dy
    edges[1:, :] |= dy
    return edges


@dataclass(frozen=True)
class Match:
    shape: float  # IoU of the normalised silhouettes, 0-1
    color: float  # share of the common solid area with matching colour, 0-1
    structure: float = 1.0  # agreement of the inner region boundaries, 0-1

    @property
    def form(self) -> float:
        """How alike the two forms are, whatever their colours: the silhouette, weighted
        by the inner boundaries (the colour and negative versions share both)."""
        return self.shape * (0.75 + 0.25 * self.structure)

    @property
    def score(self) -> float:
        return self.shape * self.color


def compare(piece: Mark, official: Mark) -> Match:
    # Soft IoU on coverage: thin strokes (a wordmark squeezed into the square)
    # would flip in and out of a thresholded mask with sub-pixel shifts.
    union = np.maximum(piece.shape, official.shape).sum()
    iou = float(np.minimum(piece.shape, official.shape).sum() / union) if union else 0.0
    structure = _edge_agreement(piece.edges, official.edges)
    common = piece.solid & official.solid
    if not common.any():
        return Match(iou, 0.0, structure)
    delta = ciede2000(piece.lab[common], official.lab[common])
    return Match(iou, float((delta <= COLOR_TOLERANCE).mean()), structure)


def _edge_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """F1 of two boundary maps, each boundary cell allowed one cell of shift."""
    if not a.any() and not b.any():
        return 1.0
    if not a.any() or not b.any():
        return 0.0
    near_a, near_b = _grow(a), _grow(b)
    precision = float((a & near_b).sum() / a.sum())
    recall = float((b & near_a).sum() / b.sum())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _grow(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    out[1:, :] |= mask[:-1, :]
    out[:-1, :] |= mask[1:, :]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def best_form(piece: Mark, officials: Sequence[T]) -> tuple[Match, T] | None:
    """The official version whose form the piece has, with its match (None without officials).

    Versions of the same form (a logo in colour and in negative) tie on form;
    among those within ``_FORM_TIE`` of the best, the one whose colours agree
    most wins, so a recoloured logo is matched to the version it came from.
    """
    scored = [(compare(piece, o.mark), o) for o in officials]
    if not scored:
        return None
    top = max(m.form for m, _o in scored)
    close = [(m, o) for m, o in scored if m.form >= top - _FORM_TIE]
    return max(close, key=lambda t: (t[0].color, t[0].form))


def _resize_gray(values: np.ndarray, side: int) -> np.ndarray:
    im = Image.fromarray(values, "F").resize((side, side), Image.Resampling.BOX)
    return np.asarray(im)
