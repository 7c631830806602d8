"""The OpenAPI description of the coverage archive's endpoints, added to ``openapi.SPEC``:
events, collections, bulk edits, download presets, ZIPs and the focal point."""

from __future__ import annotations

from typing import Any

from .openapi import ASSET_ID, SPEC, _err, _json

ASSET = {"$ref": "#/components/schemas/Asset"}
EVENT = {"$ref": "#/components/schemas/Event"}
COLLECTION = {"$ref": "#/components/schemas/Collection"}
IDS = {
    "type": "object",
    "required": ["asset_ids"],
    "properties": {"asset_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 1000}},
}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]
PRESET = {
    "name": "preset",
    "in": "query",
    "description": "A preset name (GET /presets); empty or 'original' for the original files",
    "schema": {"type": "string"},
}
ZIP = {
    "200": {
        "description": "A ZIP, streamed, with Content-Length (photos in the preset, video "
        "and audio as originals)",
        "content": {"application/zip": {}},
    }
}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _page_of(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "results": {"type": "array", "items": item},
        },
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _owned_set(kind: str, schema: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The five CRUD operations, members and ZIP of an event or a collection."""
    plural, item = f"/{kind}s", f"/{kind}s/{{{kind}_id}}"
    writable = {"type": "object", "properties": fields}
    return {
        plural: {
            "get": {
                "summary": f"{kind.title()}s the caller may see",
                "parameters": PAGING,
                "responses": {"200": _json(_page_of(schema)), **_err(400, 401)},
            },
            "post": {
                "summary": f"Create a {kind}",
                "requestBody": _body({**writable, "required": ["title"]}),
                "responses": {"201": _json(schema, "Created"), **_err(400, 401, 403, 422)},
            },
        },
        item: {
            "parameters": [_id(f"{kind}_id")],
            "get": {
                "summary": f"One {kind}",
                "responses": {"200": _json(schema), **_err(401, 404)},
            },
            "patch": {
                "summary": "Change the fields sent",
                "requestBody": _body(writable),
                "responses": {"200": _json(schema), **_err(400, 401, 403, 404, 422)},
            },
            "delete": {
                "summary": f"Delete the {kind}; its assets stay in the library",
                "responses": {"204": {"description": "Deleted"}, **_err(401, 403, 404)},
            },
        },
        f"{item}/assets": {
            "parameters": [_id(f"{kind}_id")],
            "get": {
                "summary": "Its assets the caller may see"
                + (" (in capture order)" if kind == "event" else " (in the order added)"),
                "parameters": PAGING,
                "responses": {"200": _json(_page_of(ASSET)), **_err(400, 401, 404)},
            },
        },
        f"{item}/assets/{{asset_id}}": {
            "parameters": [_id(f"{kind}_id"), ASSET_ID],
            "delete": {
                "summary": f"Take the asset out of the {kind}",
                "responses": {"204": {"description": "Taken out"}, **_err(401, 403, 404)},
            },
        },
        f"{item}/zip": {
            "parameters": [_id(f"{kind}_id"), PRESET],
            "get": {
                "summary": "Every asset as one ZIP",
                "responses": {**ZIP, **_err(400, 401, 404)},
            },
        },
    }


TEXT = {"type": "string"}
EVENT_FIELDS = {
    "title": TEXT,
    "starts_at": {"type": ["string", "null"], "format": "date-time"},
    "place": TEXT,
    "description": TEXT,
    "photographers": TEXT,
    "press_release_url": {"type": "string", "format": "uri"},
    "public": {"type": "boolean"},
    "agency": TEXT,
    "time_zone": {
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "The IANA zone (America/Santiago) camera clocks without an offset are"
        " read in; empty or null: the agency's or the instance's.",
    },
}
COLLECTION_FIELDS = {"title": TEXT, "description": TEXT, "public": {"type": "boolean"},
                     "agency": TEXT}  # fmt: skip
COMMON = {
    "id": {"type": "integer"},
    "asset_count": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "links": {"type": "object"},
}

SCHEMAS = {
    "Event": {"type": "object", "properties": {**EVENT_FIELDS, **COMMON}},
    "Collection": {"type": "object", "properties": {**COLLECTION_FIELDS, **COMMON}},
}

PATHS: dict[str, Any] = {
    **_owned_set("event", EVENT, EVENT_FIELDS),
    **_owned_set("collection", COLLECTION, COLLECTION_FIELDS),
}
PATHS["/events/{event_id}/assets"]["post"] = {
    "summary": "Attach assets (JSON asset_ids), or upload a file into the event (multipart)",
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": IDS},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        **{k: TEXT for k in ("title", "credit", "caption", "copyright", "tags")},
                    },
                }
            },
        },
    },
    "responses": {
        "200": _json({"type": "object", "properties": {"attached": {"type": "integer"}}}),
        "201": _json(ASSET, "Uploaded into the event"),
        **_err(400, 401, 403, 404, 409, 413, 415, 422),
    },
}
PATHS["/collections/{collection_id}/assets"]["post"] = {
    "summary": "Add assets (those already in it stay as they are)",
    "requestBody": _body(IDS),
    "responses": {
        "200": _json({"type": "object", "properties": {"added": {"type": "integer"}}}),
        **_err(400, 401, 403, 404, 422),
    },
}
PATHS.update(
    {
        "/assets/bulk": {
            "post": {
                "summary": "Apply one set of changes to every selected asset (all or nothing)",
                "requestBody": _body(
                    {
                        **IDS,
                        "properties": {
                            **IDS["properties"],
                            "credit": TEXT,
                            "caption": TEXT,
                            "copyright": TEXT,
                            "title_prefix": TEXT,
                            "add_tags": {"type": "array", "items": TEXT},
                            "event_id": {"type": "integer"},
                            "collection_id": {"type": "integer"},
                        },
                    }
                ),
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "updated": {"type": "integer"},
                                "results": {"type": "array", "items": ASSET},
                            },
                        }
                    ),
                    **_err(400, 401, 403, 404, 422),
                },
            }
        },
        "/assets/zip": {
            "get": {
                "summary": "Some assets as one ZIP",
                "parameters": [
                    {
                        "name": "ids",
                        "in": "query",
                        "required": True,
                        "description": "comma-separated asset ids, in the order wanted",
                        "schema": {"type": "string"},
                    },
                    PRESET,
                    {"name": "name", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {**ZIP, **_err(400, 401, 404)},
            }
        },
        "/assets/{asset_id}/download": {
            "parameters": [ASSET_ID],
            "get": {
                "summary": "The original file, or the asset in a preset or a free size",
                "description": (
                    "Without a preset, width, height or format, and with preset=original, "
                    "the stored file byte for byte (as /assets/{asset_id}/file sends it) as an "
                    "attachment under its original name. A preset or a size gives a derived "
                    "file (JPEG, PNG, WebP or TIFF) with the creator, credit, copyright, title "
                    "and caption written in as EXIF, XMP and IPTC, the preset's resolution "
                    "(300 ppi for print) and an sRGB profile. A JPEG of a source that may be "
                    "transparent carries the header X-BrandHub-Notice (percent-encoded text): "
                    "transparent areas are filled with white."
                ),
                "parameters": [
                    {
                        **PRESET,
                        "description": "A preset name (GET /presets); 'original' or none "
                        "for the stored file",
                    },
                    {"name": "width", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "height", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"enum": ["jpeg", "png", "webp", "tiff"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The original file, or the derived image",
                        "headers": {
                            "X-BrandHub-Notice": {
                                "description": "Why the file differs from what was asked "
                                "(percent-encoded UTF-8)",
                                "schema": {"type": "string"},
                            }
                        },
                    },
                    "206": {"description": "Part of the file (Range)"},
                    "302": {"description": "Redirect to a short-lived presigned URL"},
                    "304": {"description": "Not modified (If-None-Match)"},
                    **_err(400, 401, 404, 415, 416),
                },
            },
        },
        "/assets/{asset_id}/focal": {
            "parameters": [ASSET_ID],
            "post": {
                "summary": "Where crops centre, as fractions of the width and height",
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["x", "y"],
                        "properties": {
                            "x": {"type": "number", "minimum": 0, "maximum": 1},
                            "y": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    }
                ),
                "responses": {
                    "200": _json({"type": "object"}),
                    **_err(400, 401, 403, 404, 422),
                },
            },
        },
        "/presets": {
            "get": {
                "summary": "The download presets: name, label and rendition spec",
                "responses": {"200": _json({"type": "object"}), **_err(401)},
            }
        },
    }
)

SPEC["components"]["schemas"].update(SCHEMAS)
SPEC["paths"].update(PATHS)
