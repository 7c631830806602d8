"""The OpenAPI description of versions: an asset's earlier files, a new file, one version's file."""

from __future__ import annotations

from typing import Any

from .shapes import (
    ASSET,
    ASSET_ID,
    BINARY,
    COUNT,
    TEXT,
    URL_PATH,
    WHEN,
    answer,
    array_of,
    created,
    errors,
    id_param,
    multipart,
    nullable,
    obj,
    ref,
    stored_file,
)

HISTORY_ONLY = "Only for those who may edit the asset (403 for its other readers)."

schemas: dict[str, Any] = {
    "Version": obj(
        {
            "number": {"type": "integer", "minimum": 1},
            "current": {"type": "boolean"},
            "filename": TEXT,
            "mime": TEXT,
            "size": COUNT,
            "sha256": TEXT,
            "width": nullable({"type": "integer"}),
            "height": nullable({"type": "integer"}),
            "comment": TEXT,
            "created_by": nullable(TEXT),
            "created_at": WHEN,
            "file": URL_PATH,
        }
    ),
}

paths: dict[str, Any] = {
    "/assets/{asset_id}/versions": {
        "get": {
            "summary": "Every file the asset has had, the current one first",
            "description": HISTORY_ONLY,
            "parameters": [ASSET_ID],
            "responses": {
                "200": answer(
                    obj(
                        {
                            "current": {"type": "integer", "minimum": 1},
                            "versions": array_of(ref("Version")),
                        }
                    )
                ),
                **errors(403),
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
                "content": multipart(
                    {"file": BINARY, "comment": {"type": "string", "maxLength": 2000}}, ["file"]
                ),
            },
            "responses": {"201": created(ASSET), **errors(409, 415, 422, 503)},
        },
    },
    "/assets/{asset_id}/versions/{number}/file": {
        "get": {
            "summary": "The file of one version (byte ranges supported)",
            "description": HISTORY_ONLY,
            "parameters": [ASSET_ID, id_param("number", "the version's number (GET versions)")],
            "responses": {**stored_file("The file"), **errors(403, 503)},
        }
    },
}
