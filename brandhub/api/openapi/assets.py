"""The OpenAPI description of assets: the Asset schema, upload, read, change, delete, files.

``Asset`` is every member ``api.serialize.asset_json`` writes; its rights
members are also the body of ``GET /assets/{asset_id}/rights`` (``rights``).
"""

from __future__ import annotations

from typing import Any

from guidelines import CATEGORIES

from ...models.assets import KINDS, STATUSES
from ...operations.rights import LICENCES
from ...presets import FREE_FORMATS
from .shapes import (
    ASSET,
    ASSET_ID,
    BINARY,
    COUNT,
    FILE,
    ID,
    PAGING,
    PRESET,
    TEXT,
    URL_PATH,
    VISIBLE,
    WHEN,
    answer,
    array_of,
    created,
    errors,
    multipart,
    nullable,
    obj,
    page_of,
    ref,
    stored_file,
)

# Asset members only some answers have: search highlights, a status change, near duplicates.
OPTIONAL = ("highlights", "change", "similar")
AGENCY = {
    "type": "string",
    "description": "an agency's slug; empty: your own (for an administrator or brand manager"
    " without one: the only agency, when there is one)",
}

RIGHTS: dict[str, Any] = {
    "licence": {"enum": [*LICENCES, None]},
    "restrictions": TEXT,
    "embargo_until": nullable(WHEN),
    "expires_at": nullable(WHEN),
    "rights_state": {
        "enum": ["expired", "expiring", "embargoed", None],
        "description": "Expired rights and embargoes keep an asset off public pages",
    },
    "version": {"type": "integer", "minimum": 1, "description": "The number of the current file"},
}

CAPTURE: dict[str, Any] = {
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
}

ASSET_SCHEMA = obj(
    {
        "id": ID,
        "kind": {"enum": list(KINDS)},
        "title": TEXT,
        "description": TEXT,
        "tags": array_of(TEXT),
        "credit": TEXT,
        "creator": TEXT,
        "copyright": TEXT,
        "caption": TEXT,
        "agency": nullable(TEXT),
        "status": {"enum": list(STATUSES)},
        # Uploads are checked against the agency's brand, as a category of piece.
        "compliance": {"enum": ["pass", "warn", "fail", "unchecked"]},
        **RIGHTS,
        "category": {"type": ["string", "null"], "enum": [*CATEGORIES, None]},
        "public": {"type": "boolean"},
        "filename": TEXT,
        "mime": TEXT,
        "size": COUNT,
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "width": nullable({"type": "integer"}),
        "height": nullable({"type": "integer"}),
        "duration": nullable({"type": "number"}),
        "orientation": nullable(TEXT),
        **CAPTURE,
        "metadata": {"type": "object"},
        "created_at": WHEN,
        "updated_at": WHEN,
        "processing": {
            "type": ["object", "null"],
            "description": "large files: the job making the previews, until it succeeds",
            "properties": {
                "state": {"enum": ["queued", "running", "failed"]},
                "error": {"type": ["string", "null"]},
                "job": {"type": "string", "description": "URL of the job"},
            },
        },
        "links": obj(
            {
                "self": URL_PATH,
                "file": URL_PATH,
                "renditions": {"type": "object", "additionalProperties": URL_PATH},
                "page": URL_PATH,
            }
        ),
        "highlights": {
            "type": "object",
            "description": "Only in search results: the matching passages",
        },
        "change": {**ref("StatusChange"), "description": "Only in the answer to a status change"},
        "similar": {
            "type": "array",
            "description": "Only in the answer to an upload: near duplicates the uploader may see",
            "items": ref("Similar"),
        },
    },
    optional=OPTIONAL,
)

# The fields of an upload, here and into an event (a refused upload's error,
# 422 compliance_failed, has the brand report).
UPLOAD_FIELDS: dict[str, Any] = {
    "file": BINARY,
    "title": {"type": "string", "maxLength": 300},
    "description": {"type": "string", "maxLength": 10000},
    "tags": {"type": "string", "maxLength": 2000, "description": "comma-separated"},
    "credit": {"type": "string", "maxLength": 300},
    "caption": {"type": "string", "maxLength": 5000},
    "copyright": {"type": "string", "maxLength": 300},
    "agency": AGENCY,
    "category": {
        "enum": ["", *CATEGORIES],
        "description": "what the piece is, for the brand rules (default: judged from the file)",
    },
}

schemas: dict[str, Any] = {
    "Asset": ASSET_SCHEMA,
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
                    array_of(TEXT),
                    {"type": "null"},
                ],
            },
            "credit": {"type": ["string", "null"], "maxLength": 300},
            "caption": {"type": ["string", "null"], "maxLength": 5000},
            "copyright": {"type": ["string", "null"], "maxLength": 300},
            "agency": {**AGENCY, "type": ["string", "null"]},
            # Changing it checks the piece again as the new category ("" or null:
            # judged from the file again).
            "category": {"type": ["string", "null"], "enum": [*CATEGORIES, "", None]},
        },
    },
}

paths: dict[str, Any] = {
    "/assets": {
        "get": {
            "summary": "List assets, newest first",
            "parameters": PAGING,
            "responses": {"200": answer(page_of(ASSET)), **errors(400)},
        },
        "post": {
            "summary": "Upload an asset",
            "description": "The file's bytes decide its type: a file that is no accepted "
            "media is 415, an empty or damaged one 422; a file stored already is 409.",
            "requestBody": {"required": True, "content": multipart(UPLOAD_FIELDS, ["file"])},
            "responses": {"201": created(ASSET), **errors(409, 415, 422, 503)},
        },
    },
    "/assets/{asset_id}": {
        "parameters": [ASSET_ID],
        "get": {"summary": "One asset", "responses": {"200": answer(ASSET)}},
        "patch": {
            "summary": "Change descriptive fields (only those sent)",
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": ref("AssetFields")}},
            },
            "responses": {"200": answer(ASSET), **errors(422)},
        },
        "delete": {
            "summary": "Delete an asset and its files",
            "responses": {"204": {"description": "Deleted"}, **errors(503)},
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
            "responses": {**stored_file("The file"), **errors(503)},
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
            "responses": {**stored_file("The image"), **errors(503)},
        },
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
                "transparent areas are filled with white. The presets master-png and "
                "master-pdf give a designer master's transparent PNG and its vector PDF "
                "(a PDF only of Illustrator, EPS or PDF files: 415 for anything else)."
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
                **errors(400, 415, 416, 422, 503),
            },
        },
    },
}
