"""Helpers of the workflow tests: pictures that are alike or not, rows changed directly."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from flask import Flask
from PIL import Image, ImageDraw

from brandhub.db import database
from brandhub.models import Asset


def scene(seed: int, size: tuple[int, int] = (900, 600)) -> Image.Image:
    """A picture with shapes on a gradient, distinct for each ``seed`` (like a photo, not flat)."""
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 / w, y * 255 / h, (x + y) * 127 / (w + h)], -1)
    image = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        cx, cy, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(30, 160))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(seed: int, **options: Any) -> bytes:
    return encode(scene(seed), "JPEG", quality=options.pop("quality", 90), **options)


def change(app: Flask, asset_id: int, **values: Any) -> None:
    db = database(app).sessionmaker()
    try:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        for name, value in values.items():
            setattr(asset, name, value)
        db.commit()
    finally:
        db.close()


def row(app: Flask, asset_id: int) -> Asset:
    db = database(app).sessionmaker()
    try:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        db.expunge(asset)
        return asset
    finally:
        db.close()


def upload(api: Any, seed: int, filename: str | None = None, **fields: Any) -> dict[str, Any]:
    """Upload a distinct picture through the API; its JSON."""
    r = api.upload(photo(seed), filename or f"foto-{seed}.jpg", **fields)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def approve(app: Flask, asset_id: int, public: bool = False, **values: Any) -> None:
    """Approve an asset directly (the workflow itself is tested in test_workflow.py)."""
    change(app, asset_id, status="approved", public=public, **values)
