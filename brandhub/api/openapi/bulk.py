"""The OpenAPI description of ``POST /assets/bulk``: one set of changes to a selection."""

from __future__ import annotations

from typing import Any

from .shapes import (
    ASSET,
    ASSET_IDS,
    COUNT,
    ID,
    TEXT,
    answer,
    array_of,
    errors,
    json_body,
    nullable,
    obj,
    text,
)

# Text with a character that cleaning keeps (control characters are dropped).
KEPT = {"type": "string", "pattern": "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"}
TEXTS = {"credit": 300, "caption": 5000, "copyright": 300, "title_prefix": 100}
SETS = ("event_id", "collection_id")

CHANGES = {
    **ASSET_IDS,
    "additionalProperties": False,
    "properties": {
        **ASSET_IDS["properties"],
        **{name: text(size) for name, size in TEXTS.items()},
        "add_tags": {
            "anyOf": [
                array_of(TEXT),
                {"type": "string", "description": "comma-separated"},
                {"type": "null"},
            ]
        },
        **{name: nullable(ID) for name in SETS},
    },
    # At least one change.
    "anyOf": [
        *({"required": [name], "properties": {name: KEPT}} for name in TEXTS),
        *({"required": [name], "properties": {name: ID}} for name in SETS),
        {
            "required": ["add_tags"],
            "properties": {
                "add_tags": {
                    "anyOf": [
                        {"type": "array", "contains": {"pattern": "[^\\s]"}},
                        {"type": "string", "pattern": "[^\\s,]"},
                    ]
                }
            },
        },
    ],
}

paths: dict[str, Any] = {
    "/assets/bulk": {
        "post": {
            "summary": "Apply one set of changes to every selected asset (all or nothing)",
            "description": "At least one change: a text, a tag, an event or a collection.",
            "requestBody": json_body(CHANGES),
            "responses": {
                "200": answer(obj({"updated": COUNT, "results": array_of(ASSET)})),
                **errors(404, 422),
            },
        }
    },
}
