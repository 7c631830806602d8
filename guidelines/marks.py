"""Finding a logo's mark in an image and comparing it with the official versions.

The mark is the set of pixels that are not background: opaque pixels of a
transparent PNG, or pixels that differ from the border colour of an opaque
image (a logo exported on white). Its bounding box gives the clear space and
the proportion. For comparison each mark is cropped to its box and scaled to
a fixed square *ignoring its proportion*, so that a stretched logo still
matches the version it was stretched from (the stretch is reported by the
proportion check instead). Similarity is the overlap of the two shapes (soft IoU)
times the share of the mark whose colour is within ΔE2000 12 of the
official's: a recoloured logo keeps its shape but loses the colour term.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from guidelines.colors import ciede2000, srgb_to_lab

SHAPE_SIDE = 64
COLOR_SIDE = 32
COLOR_TOLERANCE = 12.0
_BACKGROUND_DISTANCE = 15.0  # CIELAB ΔE76 from the border colour that counts as "mark"


@dataclass(frozen=True)
class Mark:
    """Where the mark is in an RGBA array and how it looks, normalised for comparison."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), in array pixels
    image_size: tuple[int, int]  # array width, height
    transparent: bool  # found through the alpha channel
    shape: np.ndarray  # (SHAPE_SIDE, SHAPE_SIDE) coverage, 0-1
    lab: np.ndarray  # (COLOR_SIDE, COLOR_SIDE, 3)
    solid: np.ndarray  # (COLOR_SIDE, COLOR_SIDE) bool: well inside the mark

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
    shape = _resize_gray(crop_mask.astype(np.float32), SHAPE_SIDE)
    solid = _resize_gray(crop_mask.astype(np.float32), COLOR_SIDE) >= 0.99
    # Composite on grey before averaging: transparent pixels carry arbitrary RGB.
    weights = crop_mask[..., None].astype(np.float32)
    flat = crop[..., :3].astype(np.float32) * weights + 128.0 * (1.0 - weights)
    small = Image.fromarray(flat.clip(0, 255).astype(np.uint8), "RGB").resize(
        (COLOR_SIDE, COLOR_SIDE), Image.Resampling.BOX
    )
    return Mark(
        box=box,
        image_size=(rgba.shape[1], rgba.shape[0]),
        transparent=transparent,
        shape=shape,
        lab=srgb_to_lab(np.asarray(small)),
        solid=solid,
    )


@dataclass(frozen=True)
class Match:
    shape: float  # IoU of the normalised shapes, 0-1
    color: float  # share of the common solid area with matching colour, 0-1

    @property
    def score(self) -> float:
        return self.shape * self.color


def compare(piece: Mark, official: Mark) -> Match:
    # Soft IoU on coverage: thin strokes (a wordmark squeezed into the square)
    # would flip in and out of a thresholded mask with sub-pixel shifts.
    union = np.maximum(piece.shape, official.shape).sum()
    iou = float(np.minimum(piece.shape, official.shape).sum() / union) if union else 0.0
    common = piece.solid & official.solid
    if not common.any():
        return Match(iou, 0.0)
    delta = ciede2000(piece.lab[common], official.lab[common])
    return Match(iou, float((delta <= COLOR_TOLERANCE).mean()))


def _resize_gray(values: np.ndarray, side: int) -> np.ndarray:
    im = Image.fromarray(values, "F").resize((side, side), Image.Resampling.BOX)
    return np.asarray(im)
