"""The OpenAPI description of downloads beyond one file: presets, ZIPs, the focal point."""

from __future__ import annotations

from typing import Any

from .shapes import ASSET_ID, PRESET, TEXT, ZIP, answer, array_of, errors, json_body, obj

FRACTION = {"type": "number", "minimum": 0, "maximum": 1}

paths: dict[str, Any] = {
    "/assets/zip": {
        "get": {
            "summary": "Some assets as one ZIP",
            "parameters": [
                {
                    "name": "ids",
                    "in": "query",
                    "required": True,
                    "description": "comma-separated asset ids, in the order wanted",
                    "schema": {
                        "type": "string",
                        "pattern": "^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,99}$",
                    },
                },
                PRESET,
                {"name": "name", "in": "query", "schema": TEXT},
            ],
            "responses": {**ZIP, **errors(400, 404, 503)},
        }
    },
    "/assets/{asset_id}/focal": {
        "parameters": [ASSET_ID],
        "post": {
            "summary": "Where crops centre, as fractions of the width and height",
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["x", "y"],
                    "properties": {"x": FRACTION, "y": FRACTION},
                }
            ),
            "responses": {"200": answer(obj({"x": FRACTION, "y": FRACTION})), **errors(422)},
        },
    },
    "/presets": {
        "get": {
            "summary": "The download presets: name, label and rendition spec",
            "responses": {
                "200": answer(
                    obj({"results": array_of(obj({"name": TEXT, "label": TEXT, "spec": TEXT}))})
                )
            },
        }
    },
}
