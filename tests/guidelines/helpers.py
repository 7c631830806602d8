"""Helpers shared by the engine's tests: one-rule brands and generated photos."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from guidelines import Brand, load_brand_dict

PALETTE = [
    {"name": "Azul", "hex": "#1F4E8C"},
    {"name": "Dorado", "hex": "#E0A526"},
    {"name": "Blanco", "hex": "#FFFFFF"},
]
MESSAGE = "medido {measured}; pedido {expected}"


def one_rule_brand(
    check: str,
    category: str = "graphic",
    severity: str = "error",
    message: str = MESSAGE,
    logos: list[dict[str, Any]] | None = None,
    **params: Any,
) -> Brand:
    return load_brand_dict(
        {
            "slug": "prueba",
            "name": "Marca de prueba",
            "version": "1",
            "palette": PALETTE,
            "logos": logos or [],
            "rules": {
                category: [
                    {
                        "id": "regla",
                        "check": check,
                        "severity": severity,
                        "message": message,
                        "params": params,
                    }
                ]
            },
        }
    )


def photo(width: int = 1200, height: int = 800, seed: int = 1) -> Image.Image:
    """Smooth colour fields with sharp circles over them: detail a blur erases."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (height // 40 + 2, width // 40 + 2, 3), dtype=np.uint8)
    im = Image.fromarray(small, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(im)
    for _ in range(80):
        x, y = rng.integers(0, width), rng.integers(0, height)
        r = int(rng.integers(5, max(6, width // 12)))
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=color, width=3)
    return im
