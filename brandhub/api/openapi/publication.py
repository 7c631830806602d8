"""The OpenAPI description of an event's publication to the press kit (preview and publish)."""

from __future__ import annotations

from typing import Any

from ...operations.rights import LICENCES
from .shapes import (
    ASSET_IDS,
    COUNT,
    ID,
    answer,
    array_of,
    errors,
    id_param,
    json_body,
    nullable,
    obj,
    text,
)

RESULT = obj(
    {
        "id": ID,
        "done": {"type": "boolean"},
        "reason": {
            "type": ["string", "null"],
            "description": "why it will not appear (or did not); a note on one that does",
        },
    }
)
PUBLICATION = obj(
    {
        "public": {"type": "boolean", "description": "whether the event (its press kit) is public"},
        "presskit_url": {"type": "string", "format": "uri"},
        "appear": COUNT,
        "refused": COUNT,
        "results": array_of(RESULT),
    }
)
PUBLISH = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "licence": nullable({"type": "string", "enum": ["", *LICENCES]}),
        "credit": text(300),
        "restrictions": text(5000),
        "asset_ids": {**ASSET_IDS["properties"]["asset_ids"], "type": ["array", "null"]},
    },
}
EVENT_ID = id_param("event_id")

paths: dict[str, Any] = {
    "/events/{event_id}/publication": {
        "get": {
            "parameters": [EVENT_ID],
            "summary": "What publishing the event's coverage would put in its press kit",
            "description": "Each asset: whether it would appear, or why not. Nothing changes.",
            "responses": {"200": answer(PUBLICATION), **errors(403)},
        },
        "post": {
            "parameters": [EVENT_ID],
            "summary": "Publish the event's coverage to its press kit in one step",
            "description": (
                "Sets the licence, credit line and restrictions given on each asset (of"
                " asset_ids, or all), approves where the person may, makes them public and"
                " the event public. Each asset is done or refused with the reason."
            ),
            "requestBody": json_body(PUBLISH),
            "responses": {"200": answer(PUBLICATION), **errors(403, 422)},
        },
    }
}
