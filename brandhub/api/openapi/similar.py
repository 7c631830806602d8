"""The OpenAPI description of near duplicates (the same picture resized or recompressed)."""

from __future__ import annotations

from typing import Any

from .shapes import ASSET_ID, ID, TEXT, URL_PATH, answer, array_of, errors, obj, ref

schemas: dict[str, Any] = {
    "Similar": obj(
        {
            "id": ID,
            "title": TEXT,
            "distance": {"type": "integer", "description": "Differing bits of 64 (0 to 10)"},
            "url": URL_PATH,
        }
    ),
}
paths: dict[str, Any] = {
    "/assets/{asset_id}/similar": {
        "get": {
            "summary": "Near duplicates (the same picture resized or recompressed)",
            "parameters": [ASSET_ID],
            "responses": {
                "200": answer(obj({"results": array_of(ref("Similar"))})),
                **errors(503),
            },
        }
    },
}
