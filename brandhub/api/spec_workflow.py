"""The OpenAPI description of the workflow's endpoints, added to ``openapi.SPEC``:
status changes, versions, usage rights, near duplicates, downloads, share links, stats."""

from __future__ import annotations

from typing import Any

from ..operations.rights import LICENCES
from ..operations.status import TRANSITIONS
from .openapi import (
    ASSET_ID,
    ID,
    SPEC,
    TEXT,
    URL_PATH,
    WHEN_IN,
    _err,
    _json,
    id_param,
    nullable,
    obj,
    stored_file,
)

ASSET = {"$ref": "#/components/schemas/Asset"}
STATUS = {"enum": ["draft", "in_review", "approved", "archived"]}
WHEN = nullable({"type": "string", "format": "date-time"})
AT = {"type": "string", "format": "date-time"}
MOVES = ", ".join(f"{a} → {b} ({who})" for (a, b), who in TRANSITIONS.items())
NUMBER = id_param("number", "the version's number (GET versions)")
LINK_ID = id_param("link_id")

ASSET_MEMBERS: dict[str, Any] = {
    "licence": {"enum": [*LICENCES, None]},
    "restrictions": TEXT,
    "embargo_until": WHEN,
    "expires_at": WHEN,
    "rights_state": {
        "enum": ["expired", "expiring", "embargoed", None],
        "description": "Expired rights and embargoes keep an asset off public pages",
    },
    "version": {"type": "integer", "minimum": 1, "description": "The number of the current file"},
    "similar": {
        "type": "array",
        "description": "Only in the answer to an upload: near duplicates the uploader may see",
        "items": {"$ref": "#/components/schemas/Similar"},
    },
}

SCHEMAS: dict[str, Any] = {
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
            "at": AT,
        }
    ),
    "Version": obj(
        {
            "number": {"type": "integer", "minimum": 1},
            "current": {"type": "boolean"},
            "filename": TEXT,
            "mime": TEXT,
            "size": {"type": "integer", "minimum": 0},
            "sha256": TEXT,
            "width": nullable({"type": "integer"}),
            "height": nullable({"type": "integer"}),
            "comment": TEXT,
            "created_by": nullable(TEXT),
            "created_at": AT,
            "file": URL_PATH,
        }
    ),
    "Similar": obj(
        {
            "id": ID,
            "title": TEXT,
            "distance": {"type": "integer", "description": "Differing bits of 64 (0 to 10)"},
            "url": URL_PATH,
        }
    ),
    "ShareLink": obj(
        {
            "id": ID,
            "prefix": TEXT,
            "label": TEXT,
            "target": obj({"kind": {"enum": ["asset", "collection", "event"]}, "id": nullable(ID)}),
            "state": {"enum": ["active", "expired", "revoked"]},
            "allow_download": {"type": "boolean"},
            "password": {"type": "boolean"},
            "expires_at": WHEN,
            "revoked_at": WHEN,
            "created_at": AT,
            "created_by": nullable(TEXT),
            "opens": {"type": "integer", "minimum": 0},
            "downloads": {"type": "integer", "minimum": 0},
            "token": {"type": "string", "description": "Only in the answer to POST"},
            "url": {"type": "string", "format": "uri", "description": "Only in the answer to POST"},
        },
        optional=("token", "url"),
    ),
}

TARGETS = ("asset_id", "collection_id", "event_id")
TARGET_QUERY = [
    {"name": name, "in": "query", "schema": ID, "description": "exactly one of the three"}
    for name in TARGETS
]
# Exactly one of the three ids, in a query or a body.
ONE_TARGET = {
    "oneOf": [
        {"required": [name], "not": {"anyOf": [{"required": [o]} for o in TARGETS if o != name]}}
        for name in TARGETS
    ]
}
RIGHTS = obj(
    {
        **{k: v for k, v in ASSET_MEMBERS.items() if k != "similar"},
        "credit": TEXT,
        "public": {"type": "boolean"},
        "licences": {"type": "array", "items": TEXT, "description": "the codes one may choose"},
    }
)


def _json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


PATHS: dict[str, Any] = {
    "/assets/{asset_id}/status": {
        "post": {
            "summary": "Move an asset in the workflow",
            "description": f"Allowed moves: {MOVES}. 'approve' moves are for brand managers "
            "and admins. A move not in the list is 409 with the allowed ones.",
            "parameters": [ASSET_ID],
            "requestBody": _json_body(
                {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": STATUS,
                        "comment": {"type": ["string", "null"], "maxLength": 2000},
                    },
                }
            ),
            "responses": {"200": _json(ASSET), **_err(409, 422)},
        }
    },
    "/assets/{asset_id}/history": {
        "get": {
            "summary": "Status history and the moves the caller may make now",
            "description": "Only for those who may edit the asset (403 for its other readers).",
            "parameters": [ASSET_ID],
            "responses": {
                "200": _json(
                    obj(
                        {
                            "status": STATUS,
                            "allowed": {"type": "array", "items": STATUS},
                            "changes": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/StatusChange"},
                            },
                        }
                    )
                ),
                **_err(403),
            },
        }
    },
    "/assets/{asset_id}/versions": {
        "get": {
            "summary": "Every file the asset has had, the current one first",
            "description": "Only for those who may edit the asset (403 for its other readers).",
            "parameters": [ASSET_ID],
            "responses": {
                "200": _json(
                    obj(
                        {
                            "current": {"type": "integer", "minimum": 1},
                            "versions": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Version"},
                            },
                        }
                    )
                ),
                **_err(403),
            },
        },
        "post": {
            "summary": "Replace the file; the current one stays as an earlier version",
            "description": "On an approved asset, a new file from someone who cannot approve "
            "sends the asset back to review: it is not public until approved again. The same "
            "file as the current one, or a file of another kind, is 409; a file that is no "
            "accepted media 415, an empty or damaged one 422.",
            "parameters": [ASSET_ID],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "comment": {"type": "string", "maxLength": 2000},
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": {
                    **_json(ASSET, "Created"),
                    "headers": {"Location": {"schema": URL_PATH, "required": True}},
                },
                **_err(409, 415, 422, 503),
            },
        },
    },
    "/assets/{asset_id}/versions/{number}/file": {
        "get": {
            "summary": "The file of one version (byte ranges supported)",
            "description": "Only for those who may edit the asset (403 for its other readers).",
            "parameters": [ASSET_ID, NUMBER],
            "responses": {**stored_file("The file"), **_err(403, 503)},
        }
    },
    "/assets/{asset_id}/rights": {
        "get": {
            "summary": "Licence, credit line, restrictions, embargo and expiry",
            "parameters": [ASSET_ID],
            "responses": {"200": _json(RIGHTS)},
        },
        "patch": {
            "summary": "Change the usage rights (only the members sent)",
            "description": "An embargo that does not end before the rights expire is 422.",
            "parameters": [ASSET_ID],
            "requestBody": _json_body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "licence": {"enum": ["", *LICENCES, None]},
                        "credit": {"type": ["string", "null"], "maxLength": 300},
                        "restrictions": {"type": ["string", "null"], "maxLength": 5000},
                        "embargo_until": WHEN_IN,
                        "expires_at": WHEN_IN,
                        "public": {"type": "boolean"},
                    },
                },
                required=False,  # nothing sent: nothing changes
            ),
            "responses": {"200": _json(ASSET), **_err(422)},
        },
    },
    "/assets/{asset_id}/similar": {
        "get": {
            "summary": "Near duplicates (the same picture resized or recompressed)",
            "parameters": [ASSET_ID],
            "responses": {
                "200": _json(
                    obj(
                        {
                            "results": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Similar"},
                            }
                        }
                    )
                ),
                **_err(503),
            },
        }
    },
    "/assets/{asset_id}/downloads": {
        "get": {
            "summary": "How many times the asset was downloaded, by channel",
            "parameters": [ASSET_ID],
            "responses": {
                "200": _json(
                    obj(
                        {
                            "count": {"type": "integer", "minimum": 0},
                            "by_channel": {
                                "type": "object",
                                "additionalProperties": {"type": "integer", "minimum": 0},
                            },
                        }
                    )
                )
            },
        }
    },
    "/share-links": {
        "get": {
            "summary": "The share links of one asset, collection or event",
            "description": "Exactly one of asset_id, collection_id and event_id (else 422).",
            "parameters": TARGET_QUERY,
            "responses": {
                "200": _json(
                    obj(
                        {
                            "results": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/ShareLink"},
                            }
                        }
                    )
                ),
                **_err(404, 422),
            },
        },
        "post": {
            "summary": "Make a share link (the token is in this answer only)",
            "description": "Only approved assets can be shared (else 409); the expiry must be in "
            "the future (else 422).",
            "requestBody": _json_body(
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
                        "label": {"type": ["string", "null"], "maxLength": 200},
                    },
                }
            ),
            "responses": {
                "201": _json({"$ref": "#/components/schemas/ShareLink"}, "Created"),
                **_err(404, 409, 422),
            },
        },
    },
    "/share-links/{link_id}": {
        "delete": {
            "summary": "Revoke a share link: it stops opening at once",
            "parameters": [LINK_ID],
            "responses": {"204": {"description": "Revoked"}},
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
                "200": _json(
                    obj(
                        {
                            "months": {"type": "array", "items": TEXT},
                            "downloads": {"type": "array", "items": {"type": "integer"}},
                            "uploads": {"type": "array", "items": {"type": "integer"}},
                            "agencies": {"type": "array", "items": {"type": "object"}},
                        }
                    )
                ),
                **_err(400, 403),
            },
        }
    },
}

SPEC["components"]["schemas"]["Asset"]["properties"].update(ASSET_MEMBERS)
SPEC["components"]["schemas"].update(SCHEMAS)
SPEC["paths"].update(PATHS)
