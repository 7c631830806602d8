"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

This module holds the shared parts (errors, ids, paging, the Asset schema) and
the asset endpoints; ``spec_archive``, ``spec_compliance``, ``spec_workflow`` and
``jobs.views`` add theirs to ``SPEC`` when they are imported. ``complete`` then
adds, once, the answers every operation of a kind can give, so that no module
has to remember them:

- 400 and 401 everywhere (a query parameter given twice; a missing, malformed or revoked
  token, also on public operations);
- 403 on every change (a read-only token);
- 404 wherever the path names something (ids past the database's range included);
- 413 wherever there is a body (larger than allowed; 400 when it is no JSON object);
- 429 with ``Retry-After`` on the operations listed in ``RATE_LIMITED``.

The document is checked against the running app by tests/api/test_openapi_conformance.py
(schemathesis: every operation, every check), so a member, a status or a format
described here is one the server really gives.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import current_app, jsonify
from sqlalchemy import select

from ..db import get_session
from ..ids import MAX_ID
from ..models import Agency
from . import bp

ERROR = {"$ref": "#/components/schemas/Error"}
# Asset members only some answers have: search highlights, a status change, near duplicates.
ASSET_OPTIONAL = ("highlights", "change", "similar")
METHODS = ("get", "put", "post", "patch", "delete")
# Operations that answer 429 Too Many Requests (with Retry-After) past a limit.
RATE_LIMITED: set[tuple[str, str]] = {("post", "/compliance/check")}


def _err(*codes: int) -> dict[str, Any]:
    return {
        str(c): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
        for c in codes
    }


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null (OpenAPI 3.1: a type array, and None in an enum)."""
    out = dict(schema)
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    return out


def obj(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """A response object whose members are all present, but ``optional`` ones."""
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
TEXT = {"type": "string"}
WHEN = {"type": "string", "format": "date-time"}
# A request's date and time: RFC 3339 or a plain date; null (or "") clears it.
WHEN_IN = {
    "anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "maxLength": 0},
        {"type": "null"},
    ],
    "description": "RFC 3339 (2026-05-25T10:30:00-03:00) or a date; null or empty: none",
}
# Text that keeps at least one character once spaces and control characters are dropped.
VISIBLE = r"[^\s\x00-\x1f\x7f\x85]"
URL_PATH = {"type": "string", "format": "uri-reference"}
BINARY = {"type": "string", "format": "binary"}
FILE = {"*/*": {"schema": BINARY}}


def id_param(name: str, description: str | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "path", "required": True, "schema": ID}
    if description:
        param["description"] = description
    return param


ASSET_ID = id_param("asset_id")
PAGING = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100_000},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj(
        {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "results": {"type": "array", "items": item},
        }
    )


def stored_file(description: str, *, ranges: bool = True) -> dict[str, Any]:
    """The answers of an endpoint that sends a stored file."""
    answers: dict[str, Any] = {
        "200": {"description": description, "content": FILE},
        "302": {"description": "Redirect to a short-lived presigned URL (S3 storage)"},
        "304": {"description": "Not modified (If-None-Match)"},
    }
    if ranges:
        answers["206"] = {"description": "Part of the file (Range)", "content": FILE}
        answers.update(_err(416))
    return answers


ASSET_LINKS = obj(
    {
        "self": URL_PATH,
        "file": URL_PATH,
        "renditions": {"type": "object", "additionalProperties": URL_PATH},
        "page": URL_PATH,
    }
)

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "BrandHub API",
        "version": "1",
        "description": "Assets, search and brand compliance for government communication offices.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "field": {"type": "string"},
                            "fields": {
                                "type": "object",
                                "additionalProperties": {"type": "array", "items": TEXT},
                            },
                        },
                    }
                },
            },
            "Asset": obj(
                {
                    "id": ID,
                    "kind": {"enum": ["image", "vector", "video", "audio", "document"]},
                    "title": TEXT,
                    "description": TEXT,
                    "tags": {"type": "array", "items": TEXT},
                    "credit": TEXT,
                    "creator": TEXT,
                    "copyright": TEXT,
                    "caption": TEXT,
                    "agency": nullable(TEXT),
                    "status": {"enum": ["draft", "in_review", "approved", "archived"]},
                    "public": {"type": "boolean"},
                    "filename": TEXT,
                    "mime": TEXT,
                    "size": {"type": "integer", "minimum": 0},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "width": nullable({"type": "integer"}),
                    "height": nullable({"type": "integer"}),
                    "duration": nullable({"type": "number"}),
                    "orientation": nullable(TEXT),
                    "captured_at": {
                        **nullable(WHEN),
                        "description": "When it was taken, as an instant written with the offset"
                        " of the place (2020-02-19T16:35:05-03:00); null when the file gives a"
                        " camera clock time and no zone is known.",
                    },
                    "captured_local": {
                        "type": ["string", "null"],
                        "description": "The camera's clock time, without zone"
                        " (2020-02-19T16:35:05, sub-seconds when the file has them).",
                    },
                    "capture_utc_offset": {
                        "type": ["string", "null"],
                        "pattern": "^[+-][0-9]{2}:[0-9]{2}$",
                        "description": "The offset of captured_local from UTC, when known.",
                    },
                    "capture_time_zone": {
                        "type": ["string", "null"],
                        "description": "The IANA zone the clock was read in, when one was used.",
                    },
                    "capture_time_zone_source": {
                        "type": ["string", "null"],
                        "enum": [
                            "offset_time_original",
                            "gps_time",
                            "offset_time",
                            "xmp",
                            "iptc",
                            "container",
                            "event",
                            "agency",
                            "instance",
                            None,
                        ],
                        "description": "Where the offset came from: the file (EXIF"
                        " OffsetTimeOriginal, the gap to GPS time, OffsetTime, an XMP or IPTC"
                        " date, a video container's UTC date) or the zone it is filed under"
                        " (the event's, the agency's, the instance's).",
                    },
                    "metadata": {"type": "object"},
                    "created_at": WHEN,
                    "updated_at": WHEN,
                    "links": ASSET_LINKS,
                    "highlights": {
                        "type": "object",
                        "description": "Only in search results: the matching passages",
                    },
                    "change": {
                        "$ref": "#/components/schemas/StatusChange",
                        "description": "Only in the answer to a status change",
                    },
                },
                optional=ASSET_OPTIONAL,
            ),
            "AssetFields": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string", "maxLength": 300, "pattern": VISIBLE},
                    "description": {"type": ["string", "null"], "maxLength": 10000},
                    "tags": {
                        "description": "comma-separated, or a list",
                        "anyOf": [
                            {"type": "string", "maxLength": 2000},
                            {"type": "array", "items": TEXT},
                            {"type": "null"},
                        ],
                    },
                    "credit": {"type": ["string", "null"], "maxLength": 300},
                    "caption": {"type": ["string", "null"], "maxLength": 5000},
                    "copyright": {"type": ["string", "null"], "maxLength": 300},
                    "agency": {
                        "type": ["string", "null"],
                        "description": "an agency's slug; empty: your own",
                    },
                },
            },
        },
    },
    "paths": {
        "/assets": {
            "get": {
                "summary": "List assets, newest first",
                "parameters": PAGING,
                "responses": {
                    "200": _json(page_of({"$ref": "#/components/schemas/Asset"})),
                    **_err(400),
                },
            },
            "post": {
                "summary": "Upload an asset",
                "description": "The file's bytes decide its type: a file that is no accepted "
                "media is 415, an empty or damaged one 422; a file stored already is 409.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": BINARY,
                                    "title": {"type": "string", "maxLength": 300},
                                    "description": {"type": "string", "maxLength": 10000},
                                    "tags": {
                                        "type": "string",
                                        "maxLength": 2000,
                                        "description": "comma-separated",
                                    },
                                    "credit": {"type": "string", "maxLength": 300},
                                    "caption": {"type": "string", "maxLength": 5000},
                                    "copyright": {"type": "string", "maxLength": 300},
                                    "agency": {
                                        "type": "string",
                                        "description": "an agency's slug; empty: your own",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        **_json({"$ref": "#/components/schemas/Asset"}, "Created"),
                        "headers": {"Location": {"schema": URL_PATH, "required": True}},
                    },
                    **_err(409, 415, 422, 503),
                },
            },
        },
        "/search": {
            "get": {
                "summary": "Search in Spanish with facets",
                "parameters": [
                    {"name": "q", "in": "query", "schema": TEXT},
                    {
                        "name": "sort",
                        "in": "query",
                        "schema": {"enum": ["relevance", "newest", "oldest", "title"]},
                    },
                ]
                + [
                    {
                        "name": name,
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                        "style": "form",
                        "explode": True,
                    }
                    for name in (
                        "kind",
                        "agency",
                        "year",
                        "tag",
                        "orientation",
                        "compliance",
                        "status",
                    )
                ]
                + [
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 10_000},
                    },
                    PAGING[1],
                ],
                "responses": {
                    "200": _json(
                        {
                            **page_of({"$ref": "#/components/schemas/Asset"}),
                            "required": [
                                "total",
                                "page",
                                "per_page",
                                "results",
                                "facets",
                                "suggestion",
                            ],  # fmt: skip
                            "properties": {
                                **page_of({"$ref": "#/components/schemas/Asset"})["properties"],
                                "facets": {"type": "object"},
                                "suggestion": nullable(TEXT),
                            },
                        }
                    ),
                    **_err(400, 503),
                },
            }
        },
        "/assets/{asset_id}": {
            "parameters": [ASSET_ID],
            "get": {
                "summary": "One asset",
                "responses": {"200": _json({"$ref": "#/components/schemas/Asset"})},
            },
            "patch": {
                "summary": "Change descriptive fields (only those sent)",
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/AssetFields"}}
                    },
                },
                "responses": {"200": _json({"$ref": "#/components/schemas/Asset"}), **_err(422)},
            },
            "delete": {
                "summary": "Delete an asset and its files",
                "responses": {"204": {"description": "Deleted"}, **_err(503)},
            },
        },
        "/assets/{asset_id}/file": {
            "parameters": [
                ASSET_ID,
                {
                    "name": "download",
                    "in": "query",
                    "schema": TEXT,
                    "description": "1: as an attachment; anything else: inline",
                },
            ],
            "get": {
                "summary": "The original file (supports Range)",
                "responses": {**stored_file("The file"), **_err(503)},
            },
        },
        "/assets/{asset_id}/renditions/{name}": {
            "parameters": [
                ASSET_ID,
                {
                    "name": "name",
                    "in": "path",
                    "required": True,
                    "schema": {"enum": ["thumb", "preview"]},
                },
            ],
            "get": {
                "summary": "A WebP rendition (thumb fits 320 px, preview fits 1600 px)",
                "responses": {**stored_file("The image"), **_err(503)},
            },
        },
    },
}


def _statuses(method: str, path: str, operation: dict[str, Any], params: list[Any]) -> list[int]:
    codes = [400, 401]  # 400: a query parameter given twice, a body that is no JSON object
    if method != "get":
        codes.append(403)
    if any(p.get("in") == "path" for p in params):
        codes.append(404)
    if "requestBody" in operation:
        codes.append(413)
    if (method, path) in RATE_LIMITED:
        codes.append(429)
    return codes


TOO_MANY = {
    "description": "Too many requests: wait the seconds in Retry-After",
    "headers": {"Retry-After": {"required": True, "schema": {"type": "integer", "minimum": 0}}},
    "content": {"application/json": {"schema": ERROR}},
}


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the answers every operation of a kind gives (see the module docstring)."""
    spec = copy.deepcopy(spec)
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = shared + operation.get("parameters", [])
            responses = operation.setdefault("responses", {})
            for code in _statuses(method, path, operation, params):
                if code == 429:
                    responses.setdefault("429", TOO_MANY)
                else:
                    responses.setdefault(str(code), _err(code)[str(code)])
            operation["responses"] = dict(sorted(responses.items()))
    # Members other modules added to Asset are always present too, but these few.
    asset = spec["components"]["schemas"]["Asset"]
    asset["required"] = [name for name in asset["properties"] if name not in ASSET_OPTIONAL]
    return spec


_complete: dict[str, Any] = {}


def _agency_fields(node: Any, slugs: list[str]) -> None:
    """Name the agencies that exist in every request body's ``agency`` member."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict) and "agency" in value:
                value["agency"] = {**value["agency"], "enum": ["", *slugs]}
                if "null" in value["agency"].get("type", []):
                    value["agency"]["enum"].append(None)
            _agency_fields(value, slugs)
    elif isinstance(node, list):
        for value in node:
            _agency_fields(value, slugs)


def _query_values(path: str, item: dict[str, Any], method: str, config: Any) -> None:
    """The preset names and the largest free size this instance is configured with."""
    from ..presets import DEFAULT_MAX_SIDE, presets

    operation = item.get(method, {})
    for param in item.get("parameters", []) + operation.get("parameters", []):
        if param.get("in") != "query":
            continue
        if param["name"] == "preset":
            param["schema"] = {"enum": ["", "original", *presets(config)]}
        elif param["name"] in ("width", "height") and path.endswith("/download"):
            side = int(config.get("DOWNLOAD_MAX_SIDE") or DEFAULT_MAX_SIDE)
            param["schema"] = {**param["schema"], "maximum": side}


def document() -> dict[str, Any]:
    """The document as served: complete, with this instance's agencies and presets."""
    if not _complete:
        _complete.update(complete(SPEC))
    served = copy.deepcopy(_complete)
    slugs = list(get_session().scalars(select(Agency.slug).order_by(Agency.slug)))
    _agency_fields(served["components"]["schemas"]["AssetFields"], slugs)
    for path, item in served["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            _query_values(path, item, method, current_app.config)
            body = item[method].get("requestBody")
            if body is not None:
                _agency_fields(body, slugs)
    return served


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(document())
