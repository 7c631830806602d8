"""The OpenAPI description of the coverage archive's endpoints, added to ``openapi.SPEC``:
events, collections, bulk edits, download presets, ZIPs and the focal point.

Statuses every operation of a kind gives (401, 403, 404, 400/413 for bodies) are
added by ``openapi.complete``; the preset names and agencies by ``openapi.document``.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from ..presets import FREE_FORMATS
from .openapi import (
    ASSET_ID,
    FILE,
    ID,
    PAGING,
    SPEC,
    TEXT,
    URL_PATH,
    VISIBLE,
    WHEN,
    WHEN_IN,
    _err,
    _json,
    id_param,
    nullable,
    obj,
    page_of,
)

ASSET = {"$ref": "#/components/schemas/Asset"}
EVENT = {"$ref": "#/components/schemas/Event"}
COLLECTION = {"$ref": "#/components/schemas/Collection"}
# Text with a character that cleaning keeps (control characters are dropped).
KEPT = {"type": "string", "pattern": "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"}
BULK_TEXT = {"credit": 300, "caption": 5000, "copyright": 300, "title_prefix": 100}
ID_LIST = {"type": "array", "items": ID, "minItems": 1, "maxItems": 1000}
IDS = {"type": "object", "required": ["asset_ids"], "properties": {"asset_ids": ID_LIST}}
PRESET = {
    "name": "preset",
    "in": "query",
    "description": "A preset name (GET /presets); empty or 'original' for the original files",
    "schema": {"type": "string"},  # the names configured are listed when served
}
ZIP = {
    "200": {
        "description": "A ZIP, streamed, with Content-Length (photos in the preset, video "
        "and audio as originals)",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _text(size: int) -> dict[str, Any]:
    return {"type": ["string", "null"], "maxLength": size}


def _created(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        **_json(schema, "Created"),
        "headers": {"Location": {"schema": URL_PATH, "required": True}},
    }


def _owned_set(kind: str, schema: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The five CRUD operations, members and ZIP of an event or a collection."""
    plural, item = f"/{kind}s", f"/{kind}s/{{{kind}_id}}"
    writable = {"type": "object", "additionalProperties": False, "properties": fields}
    search = [{"name": "q", "in": "query", "schema": TEXT, "description": "words of the title"}]
    return {
        plural: {
            "get": {
                "summary": f"{kind.title()}s the caller may see",
                "parameters": [*PAGING, *(search if kind == "event" else [])],
                "responses": {"200": _json(page_of(schema)), **_err(400)},
            },
            "post": {
                "summary": f"Create a {kind}",
                "requestBody": _body({**writable, "required": ["title"]}),
                "responses": {"201": _created(schema), **_err(422)},
            },
        },
        item: {
            "parameters": [id_param(f"{kind}_id")],
            "get": {"summary": f"One {kind}", "responses": {"200": _json(schema)}},
            "patch": {
                "summary": "Change the fields sent",
                "requestBody": _body(writable),
                "responses": {"200": _json(schema), **_err(422)},
            },
            "delete": {
                "summary": f"Delete the {kind}; its assets stay in the library",
                "responses": {"204": {"description": "Deleted"}},
            },
        },
        f"{item}/assets": {
            "parameters": [id_param(f"{kind}_id")],
            "get": {
                "summary": "Its assets the caller may see"
                + (" (in capture order)" if kind == "event" else " (in the order added)"),
                "parameters": PAGING,
                "responses": {"200": _json(page_of(ASSET)), **_err(400)},
            },
        },
        f"{item}/assets/{{asset_id}}": {
            "parameters": [id_param(f"{kind}_id"), ASSET_ID],
            "delete": {
                "summary": f"Take the asset out of the {kind}",
                "responses": {"204": {"description": "Taken out"}},
            },
        },
        f"{item}/zip": {
            "parameters": [id_param(f"{kind}_id"), PRESET],
            "get": {
                "summary": "Every asset as one ZIP (404 when there is none)",
                "responses": {**ZIP, **_err(400, 503)},
            },
        },
    }


TITLE = {"type": "string", "minLength": 1, "maxLength": 300, "pattern": VISIBLE}
AGENCY = {**_text(80), "description": "an agency's slug; empty: your own"}
EVENT_FIELDS = {
    "title": TITLE,
    "starts_at": WHEN_IN,
    "place": _text(300),
    "description": _text(10000),
    "photographers": _text(500),
    "press_release_url": {
        "anyOf": [
            {"type": "string", "maxLength": 1000, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"},
            {"type": "string", "maxLength": 0},
            {"type": "null"},
        ],
        "description": "a link starting with http:// or https://; empty or null: none",
    },
    "public": {"type": "boolean"},
    "agency": AGENCY,
    "time_zone": {
        "enum": ["", *sorted(available_timezones()), None],
        "description": "The IANA zone (America/Santiago) camera clocks without an offset are"
        " read in; empty or null: the agency's or the instance's.",
    },
}
COLLECTION_FIELDS = {"title": TITLE, "description": _text(10000), "public": {"type": "boolean"},
                     "agency": AGENCY}  # fmt: skip


def _links(*names: str) -> dict[str, Any]:
    return obj({name: URL_PATH for name in names})


COMMON = {
    "id": ID,
    "title": TEXT,
    "description": TEXT,
    "public": {"type": "boolean"},
    "agency": nullable(TEXT),
    "asset_count": {"type": "integer", "minimum": 0},
    "created_at": WHEN,
    "updated_at": WHEN,
    "links": _links("self", "assets", "zip", "page"),
}

SCHEMAS = {
    "Event": obj(
        {
            **COMMON,
            "starts_at": nullable(WHEN),
            "place": TEXT,
            "photographers": TEXT,
            "time_zone": {**nullable(TEXT), "description": "its IANA zone; null: none of its own"},
            "press_release_url": {
                **TEXT,
                "description": "a link starting with http:// or https://; empty when none",
            },
        }
    ),
    "Collection": obj(COMMON),
}

UPLOAD_FIELDS = {
    "file": {"type": "string", "format": "binary"},
    "title": {"type": "string", "maxLength": 300},
    "credit": {"type": "string", "maxLength": 300},
    "caption": {"type": "string", "maxLength": 5000},
    "copyright": {"type": "string", "maxLength": 300},
    "tags": {"type": "string", "maxLength": 2000, "description": "comma-separated"},
}

PATHS: dict[str, Any] = {
    **_owned_set("event", EVENT, EVENT_FIELDS),
    **_owned_set("collection", COLLECTION, COLLECTION_FIELDS),
}
PATHS["/events/{event_id}/assets"]["post"] = {
    "summary": "Attach assets (JSON asset_ids), or upload a file into the event (multipart)",
    "description": "An upload's bytes decide its type: a file that is no accepted media is 415, "
    "an empty or damaged one 422; a file stored already is 409.",
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": IDS},
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": UPLOAD_FIELDS}
            },
        },
    },
    "responses": {
        "200": _json(obj({"attached": {"type": "integer", "minimum": 0}})),
        "201": _created(ASSET),
        **_err(409, 415, 422, 503),
    },
}
PATHS["/collections/{collection_id}/assets"]["post"] = {
    "summary": "Add assets (those already in it stay as they are)",
    "requestBody": _body(IDS),
    "responses": {"200": _json(obj({"added": {"type": "integer", "minimum": 0}})), **_err(422)},
}
PATHS.update(
    {
        "/assets/bulk": {
            "post": {
                "summary": "Apply one set of changes to every selected asset (all or nothing)",
                "description": "At least one change: a text, a tag, an event or a collection.",
                "requestBody": _body(
                    {
                        **IDS,
                        "additionalProperties": False,
                        "properties": {
                            **IDS["properties"],
                            **{name: _text(size) for name, size in BULK_TEXT.items()},
                            "add_tags": {
                                "anyOf": [
                                    {"type": "array", "items": TEXT},
                                    {"type": "string", "description": "comma-separated"},
                                    {"type": "null"},
                                ]
                            },
                            "event_id": nullable(ID),
                            "collection_id": nullable(ID),
                        },
                        "anyOf": [
                            *(
                                {"required": [name], "properties": {name: KEPT}}
                                for name in BULK_TEXT
                            ),
                            *(
                                {"required": [name], "properties": {name: ID}}
                                for name in ("event_id", "collection_id")
                            ),
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
                ),
                "responses": {
                    "200": _json(
                        obj(
                            {
                                "updated": {"type": "integer", "minimum": 0},
                                "results": {"type": "array", "items": ASSET},
                            }
                        )
                    ),
                    **_err(404, 422),
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
                        "schema": {
                            "type": "string",
                            "pattern": "^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,99}$",
                        },
                    },
                    PRESET,
                    {"name": "name", "in": "query", "schema": TEXT},
                ],
                "responses": {**ZIP, **_err(400, 404, 503)},
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
                        "schema": {"enum": [*FREE_FORMATS, "jpg", "tif"]},
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
                        "content": FILE,
                    },
                    "206": {"description": "Part of the file (Range)", "content": FILE},
                    "302": {"description": "Redirect to a short-lived presigned URL"},
                    "304": {"description": "Not modified (If-None-Match)"},
                    **_err(400, 415, 416, 422, 503),
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
                    "200": _json(
                        obj(
                            {
                                "x": {"type": "number", "minimum": 0, "maximum": 1},
                                "y": {"type": "number", "minimum": 0, "maximum": 1},
                            }
                        )
                    ),
                    **_err(422),
                },
            },
        },
        "/presets": {
            "get": {
                "summary": "The download presets: name, label and rendition spec",
                "responses": {
                    "200": _json(
                        obj(
                            {
                                "results": {
                                    "type": "array",
                                    "items": obj({"name": TEXT, "label": TEXT, "spec": TEXT}),
                                }
                            }
                        )
                    )
                },
            }
        },
    }
)

SPEC["components"]["schemas"].update(SCHEMAS)
SPEC["paths"].update(PATHS)
