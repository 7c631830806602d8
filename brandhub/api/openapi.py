"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from . import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _err(*codes: int) -> dict[str, Any]:
    return {
        str(c): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
        for c in codes
    }


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ASSET_ID = {"name": "asset_id", "in": "path", "required": True, "schema": {"type": "integer"}}

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
                        },
                    }
                },
            },
            "Asset": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"enum": ["image", "vector", "video", "audio", "document"]},
                    "title": {"type": "string"},
                    "description": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "credit": {"type": "string"},
                    "creator": {"type": "string"},
                    "copyright": {"type": "string"},
                    "caption": {"type": "string"},
                    "agency": {"type": ["string", "null"]},
                    "status": {"type": "string"},
                    "mime": {"type": "string"},
                    "size": {"type": "integer"},
                    "sha256": {"type": "string"},
                    "width": {"type": ["integer", "null"]},
                    "height": {"type": ["integer", "null"]},
                    "duration": {"type": ["number", "null"]},
                    "captured_at": {
                        "type": ["string", "null"],
                        "format": "date-time",
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
                    "created_at": {"type": "string", "format": "date-time"},
                    "links": {"type": "object"},
                },
            },
            "AssetPage": {
                "type": "object",
                "properties": {
                    "total": {"type": "integer"},
                    "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Asset"}},
                },
            },
            "AssetFields": {
                "type": "object",
                "properties": {
                    k: {"type": "string"}
                    for k in ("title", "description", "tags", "credit", "caption", "copyright")
                },
            },
        },
    },
    "paths": {
        "/assets": {
            "get": {
                "summary": "List assets, newest first",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/AssetPage"}),
                    **_err(400, 401),
                },
            },
            "post": {
                "summary": "Upload an asset",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {
                                    "file": {"type": "string", "format": "binary"},
                                    "title": {"type": "string"},
                                    "description": {"type": "string"},
                                    "tags": {"type": "string", "description": "comma-separated"},
                                    "credit": {"type": "string"},
                                    "agency": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json({"$ref": "#/components/schemas/Asset"}, "Created"),
                    **_err(400, 401, 403, 409, 413, 415, 422),
                },
            },
        },
        "/search": {
            "get": {
                "summary": "Search in Spanish with facets",
                "parameters": [
                    {"name": name, "in": "query", "schema": {"type": "string"}}
                    for name in ("q", "sort")
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
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Asset"},
                                },
                                "facets": {"type": "object"},
                                "suggestion": {"type": ["string", "null"]},
                            },
                        }
                    ),
                    **_err(400, 401, 503),
                },
            }
        },
        "/assets/{asset_id}": {
            "parameters": [ASSET_ID],
            "get": {
                "summary": "One asset",
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Asset"}),
                    **_err(401, 404),
                },
            },
            "patch": {
                "summary": "Change descriptive fields",
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/AssetFields"}}
                    }
                },
                "responses": {
                    "200": _json({"$ref": "#/components/schemas/Asset"}),
                    **_err(400, 401, 403, 404, 422),
                },
            },
            "delete": {
                "summary": "Delete an asset and its files",
                "responses": {"204": {"description": "Deleted"}, **_err(401, 403, 404)},
            },
        },
        "/assets/{asset_id}/file": {
            "parameters": [ASSET_ID],
            "get": {
                "summary": "The original file (supports Range)",
                "responses": {
                    "200": {"description": "The file"},
                    "206": {"description": "Part of the file"},
                    "302": {"description": "Redirect to a short-lived presigned URL"},
                    **_err(401, 404, 416),
                },
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
                "responses": {"200": {"description": "The image"}, **_err(401, 404)},
            },
        },
    },
}


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(SPEC)
