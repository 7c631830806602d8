"""The pieces every area of the OpenAPI document is built from: errors, ids, pages, bodies.

Plain dicts and small functions returning plain dicts; nothing here knows an
endpoint. ``errors(404, 422)`` are answers in the shape of ``Error``;
``answer(schema)`` a JSON 200, ``created(schema)`` a 201 with its Location.
"""

from __future__ import annotations

from typing import Any

from ...ids import MAX_ID
from ..requests import MAX_PAGE, MAX_PER_PAGE


def ref(name: str) -> dict[str, Any]:
    """A reference to the schema ``name`` of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


ERROR = ref("Error")
ASSET = ref("Asset")


def errors(*codes: int) -> dict[str, Any]:
    """Answers in the shape of ``Error`` for each status in ``codes``."""
    return {
        str(c): {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
        for c in codes
    }


def answer(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    """A JSON answer whose body is ``schema``."""
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


def array_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
COUNT = {"type": "integer", "minimum": 0}
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
# A body naming a selection of assets.
ASSET_IDS: dict[str, Any] = {
    "type": "object",
    "required": ["asset_ids"],
    "properties": {"asset_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": 1000}},
}


def text(size: int) -> dict[str, Any]:
    """Text of at most ``size`` characters, or null."""
    return {"type": ["string", "null"], "maxLength": size}


def id_param(name: str, description: str | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "path", "required": True, "schema": ID}
    if description:
        param["description"] = description
    return param


ASSET_ID = id_param("asset_id")
PER_PAGE = {
    "name": "per_page",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
}
PAGE = {
    "name": "page",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
}
PAGING = [PAGE, PER_PAGE]


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    """One page of a list: its items, and where the page stands in the whole."""
    return obj(
        {
            "total": COUNT,
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "results": array_of(item),
        }
    )


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def multipart(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """The schema of a multipart form with these fields."""
    return {
        "multipart/form-data": {
            "schema": {"type": "object", "required": required, "properties": properties}
        }
    }


def created(schema: dict[str, Any]) -> dict[str, Any]:
    """201 with the new thing, and its URL in Location."""
    return {
        **answer(schema, "Created"),
        "headers": {"Location": {"schema": URL_PATH, "required": True}},
    }


def stored_file(description: str) -> dict[str, Any]:
    """The answers of an endpoint that sends a stored file (whole, in part, or elsewhere)."""
    return {
        "200": {"description": description, "content": FILE},
        "206": {"description": "Part of the file (Range)", "content": FILE},
        "302": {"description": "Redirect to a short-lived presigned URL (S3 storage)"},
        "304": {"description": "Not modified (If-None-Match)"},
        **errors(416),
    }


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
        "content": {"application/zip": {"schema": BINARY}},
    }
}
