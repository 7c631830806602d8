"""The OpenAPI description of the figures: an asset's downloads, the monthly figures (admins)."""

from __future__ import annotations

from typing import Any

from .shapes import ASSET_ID, COUNT, TEXT, answer, array_of, errors, obj

paths: dict[str, Any] = {
    "/assets/{asset_id}/downloads": {
        "get": {
            "summary": "How many times the asset was downloaded, by channel",
            "parameters": [ASSET_ID],
            "responses": {
                "200": answer(
                    obj(
                        {
                            "count": COUNT,
                            "by_channel": {"type": "object", "additionalProperties": COUNT},
                        }
                    )
                )
            },
        }
    },
    "/stats/monthly": {
        "get": {
            "summary": "Downloads and uploads per agency and month (admins)",
            "parameters": [
                {
                    "name": "months",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 36},
                }
            ],
            "responses": {
                "200": answer(
                    obj(
                        {
                            "months": array_of(TEXT),
                            "downloads": array_of({"type": "integer"}),
                            "uploads": array_of({"type": "integer"}),
                            "agencies": array_of({"type": "object"}),
                        }
                    )
                ),
                **errors(400, 403),
            },
        }
    },
}
