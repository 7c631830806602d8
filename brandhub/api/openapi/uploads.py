"""The OpenAPI description of resumable uploads (tus 1.0): ``/uploads`` and ``/uploads/{id}``.

HEAD (the offset) and OPTIONS (what the server supports) are part of the
protocol too; the document lists the operations with a body or an effect.
"""

from __future__ import annotations

from typing import Any

from .shapes import errors

TUS_RESUMABLE = {
    "name": "Tus-Resumable",
    "in": "header",
    # Required by the protocol, but its absence is answered 412 (tus), not 400: the
    # document calls it optional so that the answer to a request without it is the 412.
    "required": False,
    "description": "The protocol version: 1.0.0; any other, or none, is answered 412",
    "schema": {"type": "string", "examples": ["1.0.0"]},
}
BYTES = {"type": "string", "pattern": "^[0-9]{1,18}$"}
UPLOAD_ID = {
    "name": "upload_id",
    "in": "path",
    "required": True,
    "description": "The upload's id, from the Location of its creation",
    "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
}
CHECKSUM = {
    "name": "Upload-Checksum",
    "in": "header",
    "required": False,
    "description": "The chunk's checksum: 'sha1 <base64 digest>' (or sha256, md5); 460 when"
    " the bytes do not match it, and none of them are kept",
    "schema": {"type": "string", "pattern": "^(sha1|sha256|md5) [A-Za-z0-9+/]+={0,2}$"},
}
STATE = {
    "Tus-Resumable": {"schema": {"type": "string"}, "required": True},
    "Upload-Offset": {"schema": BYTES, "required": True},
    "Upload-Expires": {
        "schema": {"type": "string"},
        "description": "When an unfinished upload is removed (RFC 7231 date)",
    },
    "BrandHub-Asset": {
        "schema": {"type": "string"},
        "description": "The URL of the asset the finished upload became",
    },
}
CHUNK = {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}
REFUSED_FILE = (409, 415, 422, 460, 503)

paths: dict[str, Any] = {
    "/uploads": {
        "post": {
            "summary": "Start a resumable upload (tus creation; a first chunk may come with it)",
            "description": "Upload-Metadata carries filename, event (a number) and the asset's"
            " fields (title, description, tags, credit, caption, copyright, agency, category),"
            " each value base64. At most MAX_UNFINISHED_UPLOADS unfinished uploads per person"
            " (429).",
            "parameters": [
                TUS_RESUMABLE,
                {
                    "name": "Upload-Length",
                    "in": "header",
                    "required": True,
                    "description": "The file's size in bytes (413 past the upload limit)",
                    "schema": BYTES,
                },
                {
                    "name": "Upload-Metadata",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 16384},
                },
                CHECKSUM,
            ],
            "requestBody": {"required": False, "content": CHUNK},
            "responses": {
                "201": {
                    "description": "Started; its URL in Location",
                    "headers": {
                        **STATE,
                        "Location": {"schema": {"type": "string"}, "required": True},
                    },
                },
                **errors(403, 412, 422, 429, *REFUSED_FILE),
            },
        }
    },
    "/uploads/{upload_id}": {
        "parameters": [UPLOAD_ID],
        "patch": {
            "summary": "Append a chunk at Upload-Offset (tus core); the last one makes the asset",
            "description": "409 when Upload-Offset is not where the upload ends; 413 for a chunk"
            " past the declared length; 410 for an upload that expired (it is then removed)."
            " The answer to the last chunk is the upload's refusal when the file is refused.",
            "parameters": [
                TUS_RESUMABLE,
                {
                    "name": "Upload-Offset",
                    "in": "header",
                    "required": True,
                    "schema": BYTES,
                },
                CHECKSUM,
            ],
            "requestBody": {"required": True, "content": CHUNK},
            "responses": {
                "204": {"description": "Appended", "headers": STATE},
                **errors(410, 412, *REFUSED_FILE),
            },
        },
        "delete": {
            "summary": "Cancel an upload and remove its bytes (tus termination)",
            "parameters": [TUS_RESUMABLE],
            "responses": {
                "204": {"description": "Cancelled"},
                **errors(410, 412),
            },
        },
    },
}
