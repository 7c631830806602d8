"""The OpenAPI description of the workflow's endpoints, added to ``openapi.SPEC``:
status changes, versions, usage rights, near duplicates, downloads, share links, stats."""

from __future__ import annotations

from typing import Any

from ..operations.rights import LICENCES
from ..operations.workflow import TRANSITIONS
from .openapi import ASSET_ID, SPEC, _err, _json

ASSET = {"$ref": "#/components/schemas/Asset"}
STATUS = {"enum": ["draft", "in_review", "approved", "archived"]}
WHEN = {"type": ["string", "null"], "format": "date-time"}
MOVES = ", ".join(f"{a} → {b} ({who})" for (a, b), who in TRANSITIONS.items())
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
LINK_ID = {"name": "link_id", "in": "path", "required": True, "schema": {"type": "integer"}}

ASSET_MEMBERS: dict[str, Any] = {
    "licence": {"enum": [*LICENCES, None]},
    "restrictions": {"type": "string"},
    "embargo_until": WHEN,
    "expires_at": WHEN,
    "rights_state": {
        "enum": ["expired", "expiring", "embargoed", None],
        "description": "Expired rights and embargoes keep an asset off public pages",
    },
    "version": {"type": "integer", "description": "The number of the current file"},
    "similar": {
        "type": "array",
        "description": "Only in the answer to an upload: near duplicates the uploader may see",
        "items": {"$ref": "#/components/schemas/Similar"},
    },
}

SCHEMAS: dict[str, Any] = {
    "StatusChange": {
        "type": "object",
        "properties": {
            "from": STATUS,
            "to": STATUS,
            "comment": {"type": "string"},
            "reason": {
                "type": ["string", "null"],
                "enum": ["new_file", "text_changed", None],
                "description": "Set when BrandHub made the move: an approved asset got a new "
                "file or new public text from someone who cannot approve, and went back to review",
            },
            "user": {"type": ["string", "null"]},
            "at": {"type": "string", "format": "date-time"},
        },
    },
    "Version": {
        "type": "object",
        "properties": {
            "number": {"type": "integer"},
            "current": {"type": "boolean"},
            "filename": {"type": "string"},
            "mime": {"type": "string"},
            "size": {"type": "integer"},
            "sha256": {"type": "string"},
            "width": {"type": ["integer", "null"]},
            "height": {"type": ["integer", "null"]},
            "comment": {"type": "string"},
            "created_by": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "file": {"type": "string"},
        },
    },
    "Similar": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "distance": {"type": "integer", "description": "Differing bits of 64 (0 to 10)"},
            "url": {"type": "string"},
        },
    },
    "ShareLink": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "prefix": {"type": "string"},
            "label": {"type": "string"},
            "target": {
                "type": "object",
                "properties": {
                    "kind": {"enum": ["asset", "collection", "event"]},
                    "id": {"type": "integer"},
                },
            },
            "state": {"enum": ["active", "expired", "revoked"]},
            "allow_download": {"type": "boolean"},
            "password": {"type": "boolean"},
            "expires_at": WHEN,
            "revoked_at": WHEN,
            "created_at": {"type": "string", "format": "date-time"},
            "created_by": {"type": ["string", "null"]},
            "opens": {"type": "integer"},
            "downloads": {"type": "integer"},
            "token": {"type": "string", "description": "Only in the answer to POST"},
            "url": {"type": "string", "description": "Only in the answer to POST"},
        },
    },
}

TARGET_QUERY = [
    {"name": name, "in": "query", "schema": {"type": "integer"}}
    for name in ("asset_id", "collection_id", "event_id")
]

PATHS: dict[str, Any] = {
    "/assets/{asset_id}/status": {
        "post": {
            "summary": "Move an asset in the workflow",
            "description": f"Allowed moves: {MOVES}. 'approve' moves are for brand managers "
            "and admins. A move not in the list is 409 with the allowed ones.",
            "parameters": [ASSET_ID],
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": STATUS, "comment": {"type": "string"}},
                        }
                    }
                }
            },
            "responses": {"200": _json(ASSET), **_err(401, 403, 404, 409, 422)},
        }
    },
    "/assets/{asset_id}/history": {
        "get": {
            "summary": "Status history and the moves the caller may make now",
            "description": "Only for those who may edit the asset (403 for its other readers).",
            "parameters": [ASSET_ID],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "status": STATUS,
                            "allowed": {"type": "array", "items": STATUS},
                            "changes": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/StatusChange"},
                            },
                        },
                    }
                ),
                **_err(401, 403, 404),
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
                    {
                        "type": "object",
                        "properties": {
                            "current": {"type": "integer"},
                            "versions": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Version"},
                            },
                        },
                    }
                ),
                **_err(401, 403, 404),
            },
        },
        "post": {
            "summary": "Replace the file; the current one stays as an earlier version",
            "description": "On an approved asset, a new file from someone who cannot approve "
            "sends the asset back to review: it is not public until approved again.",
            "parameters": [ASSET_ID],
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "comment": {"type": "string"},
                            },
                        }
                    }
                }
            },
            "responses": {"201": _json(ASSET), **_err(400, 401, 403, 404, 409, 413, 415, 422)},
        },
    },
    "/assets/{asset_id}/versions/{number}/file": {
        "get": {
            "summary": "The file of one version (byte ranges supported)",
            "description": "Only for those who may edit the asset (403 for its other readers).",
            "parameters": [ASSET_ID, NUMBER],
            "responses": {"200": {"description": "The file"}, **_err(401, 403, 404)},
        }
    },
    "/assets/{asset_id}/rights": {
        "get": {
            "summary": "Licence, credit line, restrictions, embargo and expiry",
            "parameters": [ASSET_ID],
            "responses": {"200": _json({"type": "object"}), **_err(401, 404)},
        },
        "patch": {
            "summary": "Change the usage rights (only the members sent)",
            "parameters": [ASSET_ID],
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "licence": {"enum": ["", *LICENCES]},
                                "credit": {"type": "string"},
                                "restrictions": {"type": "string"},
                                "embargo_until": WHEN,
                                "expires_at": WHEN,
                                "public": {"type": "boolean"},
                            },
                        }
                    }
                }
            },
            "responses": {"200": _json(ASSET), **_err(400, 401, 403, 404, 422)},
        },
    },
    "/assets/{asset_id}/similar": {
        "get": {
            "summary": "Near duplicates (the same picture resized or recompressed)",
            "parameters": [ASSET_ID],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "results": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Similar"},
                            }
                        },
                    }
                ),
                **_err(401, 404),
            },
        }
    },
    "/assets/{asset_id}/downloads": {
        "get": {
            "summary": "How many times the asset was downloaded, by channel",
            "parameters": [ASSET_ID],
            "responses": {"200": _json({"type": "object"}), **_err(401, 404)},
        }
    },
    "/share-links": {
        "get": {
            "summary": "The share links of one asset, collection or event",
            "parameters": TARGET_QUERY,
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "results": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/ShareLink"},
                            }
                        },
                    }
                ),
                **_err(401, 404, 422),
            },
        },
        "post": {
            "summary": "Make a share link (the token is in this answer only)",
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "asset_id": {"type": "integer"},
                                "collection_id": {"type": "integer"},
                                "event_id": {"type": "integer"},
                                "expires_at": WHEN,
                                "password": {"type": "string", "minLength": 6},
                                "allow_download": {"type": "boolean", "default": True},
                                "label": {"type": "string"},
                            },
                        }
                    }
                }
            },
            "responses": {
                "201": _json({"$ref": "#/components/schemas/ShareLink"}),
                **_err(400, 401, 403, 404, 422),
            },
        },
    },
    "/share-links/{link_id}": {
        "delete": {
            "summary": "Revoke a share link: it stops opening at once",
            "parameters": [LINK_ID],
            "responses": {"204": {"description": "Revoked"}, **_err(401, 403, 404)},
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
            "responses": {"200": _json({"type": "object"}), **_err(400, 401, 403)},
        }
    },
}

SPEC["components"]["schemas"]["Asset"]["properties"].update(ASSET_MEMBERS)
SPEC["components"]["schemas"].update(SCHEMAS)
SPEC["paths"].update(PATHS)
