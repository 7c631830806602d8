"""The OpenAPI description of the workflow status: moving an asset, and its history."""

from __future__ import annotations

from typing import Any

from ...models.assets import STATUSES
from ...operations.status import TRANSITIONS
from .shapes import (
    ASSET,
    ASSET_ID,
    TEXT,
    WHEN,
    answer,
    array_of,
    errors,
    json_body,
    nullable,
    obj,
    ref,
    text,
)

STATUS = {"enum": list(STATUSES)}
MOVES = ", ".join(f"{a} → {b} ({who})" for (a, b), who in TRANSITIONS.items())

schemas: dict[str, Any] = {
    "StatusChange": obj(
        {
            "from": STATUS,
            "to": STATUS,
            "comment": TEXT,
            "reason": {
                "enum": ["new_file", "text_changed", None],
                "description": "Set when BrandHub made the move: an approved asset got a new "
                "file or new public text from someone who cannot approve, and went back to review",
            },
            "user": nullable(TEXT),
            "at": WHEN,
        }
    ),
}

paths: dict[str, Any] = {
    "/assets/{asset_id}/status": {
        "post": {
            "summary": "Move an asset in the workflow",
            "description": f"Allowed moves: {MOVES}. 'approve' moves are for brand managers "
            "and admins. A move not in the list is 409 with the allowed ones.",
            "parameters": [ASSET_ID],
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["status"],
                    "properties": {"status": STATUS, "comment": text(2000)},
                }
            ),
            "responses": {"200": answer(ASSET), **errors(409, 422)},
        }
    },
    "/assets/{asset_id}/history": {
        "get": {
            "summary": "Status history and the moves the caller may make now",
            "description": "Only for those who may edit the asset (403 for its other readers).",
            "parameters": [ASSET_ID],
            "responses": {
                "200": answer(
                    obj(
                        {
                            "status": STATUS,
                            "allowed": array_of(STATUS),
                            "changes": array_of(ref("StatusChange")),
                        }
                    )
                ),
                **errors(403),
            },
        }
    },
}
