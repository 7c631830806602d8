"""The OpenAPI description of usage rights: licence, credit, restrictions, embargo, expiry."""

from __future__ import annotations

from typing import Any

from ...operations.rights import LICENCES
from .assets import RIGHTS
from .shapes import ASSET, ASSET_ID, TEXT, WHEN_IN, answer, array_of, errors, json_body, obj, text

paths: dict[str, Any] = {
    "/assets/{asset_id}/rights": {
        "get": {
            "summary": "Licence, credit line, restrictions, embargo and expiry",
            "parameters": [ASSET_ID],
            "responses": {
                "200": answer(
                    obj(
                        {
                            **RIGHTS,
                            "credit": TEXT,
                            "public": {"type": "boolean"},
                            "licences": {
                                **array_of(TEXT),
                                "description": "the codes one may choose",
                            },
                        }
                    )
                )
            },
        },
        "patch": {
            "summary": "Change the usage rights (only the members sent)",
            "description": "An embargo that does not end before the rights expire is 422.",
            "parameters": [ASSET_ID],
            "requestBody": json_body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "licence": {"enum": ["", *LICENCES, None]},
                        "credit": text(300),
                        "restrictions": text(5000),
                        "embargo_until": WHEN_IN,
                        "expires_at": WHEN_IN,
                        "public": {"type": "boolean"},
                    },
                },
                required=False,  # nothing sent: nothing changes
            ),
            "responses": {"200": answer(ASSET), **errors(422)},
        },
    },
}
