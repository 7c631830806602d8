"""The OpenAPI description of share links: make one, list those of a target, revoke."""

from __future__ import annotations

from typing import Any

from .shapes import (
    COUNT,
    ID,
    TEXT,
    WHEN,
    WHEN_IN,
    answer,
    array_of,
    errors,
    id_param,
    json_body,
    nullable,
    obj,
    ref,
    text,
)

TARGETS = ("asset_id", "collection_id", "event_id")
# Exactly one of the three ids, in a query or a body.
ONE_TARGET = {
    "oneOf": [
        {"required": [name], "not": {"anyOf": [{"required": [o]} for o in TARGETS if o != name]}}
        for name in TARGETS
    ]
}

schemas: dict[str, Any] = {
    "ShareLink": obj(
        {
            "id": ID,
            "prefix": TEXT,
            "label": TEXT,
            "target": obj({"kind": {"enum": ["asset", "collection", "event"]}, "id": nullable(ID)}),
            "state": {"enum": ["active", "expired", "revoked"]},
            "allow_download": {"type": "boolean"},
            "password": {"type": "boolean"},
            "expires_at": nullable(WHEN),
            "revoked_at": nullable(WHEN),
            "created_at": WHEN,
            "created_by": nullable(TEXT),
            "opens": COUNT,
            "downloads": COUNT,
            "token": {"type": "string", "description": "Only in the answer to POST"},
            "url": {"type": "string", "format": "uri", "description": "Only in the answer to POST"},
        },
        optional=("token", "url"),
    ),
}

paths: dict[str, Any] = {
    "/share-links": {
        "get": {
            "summary": "The share links of one asset, collection or event",
            "description": "Exactly one of asset_id, collection_id and event_id (else 422).",
            "parameters": [
                {
                    "name": name,
                    "in": "query",
                    "schema": ID,
                    "description": "exactly one of the three",
                }
                for name in TARGETS
            ],
            "responses": {
                "200": answer(obj({"results": array_of(ref("ShareLink"))})),
                **errors(404, 422),
            },
        },
        "post": {
            "summary": "Make a share link (the token is in this answer only)",
            "description": "Only approved assets can be shared (else 409); the expiry must be in "
            "the future (else 422).",
            "requestBody": json_body(
                {
                    "type": "object",
                    **ONE_TARGET,
                    "properties": {
                        **{name: ID for name in TARGETS},
                        "expires_at": WHEN_IN,
                        "password": {
                            "anyOf": [
                                {"type": "string", "minLength": 6, "maxLength": 200},
                                {"type": "string", "maxLength": 0},
                                {"type": "null"},
                            ],
                            "description": "at least 6 characters; empty or null: none",
                        },
                        "allow_download": {"type": "boolean", "default": True},
                        "label": text(200),
                    },
                }
            ),
            "responses": {"201": answer(ref("ShareLink"), "Created"), **errors(404, 409, 422)},
        },
    },
    "/share-links/{link_id}": {
        "delete": {
            "summary": "Revoke a share link: it stops opening at once",
            "parameters": [id_param("link_id")],
            "responses": {"204": {"description": "Revoked"}},
        }
    },
}
