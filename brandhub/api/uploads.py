"""Resumable uploads: the tus 1.0 protocol at /api/v1/uploads.

Core (HEAD for the offset, PATCH to append), and the creation,
creation-with-upload, termination, checksum (sha1, sha256, md5) and
expiration extensions (https://tus.io/protocols/resumable-upload). The
``Upload-Metadata`` of the creation carries the file's name (``filename``)
and the asset's fields as the multipart upload takes them (title,
description, tags, credit, caption, copyright, agency, category) plus
``event``, the number of an event to archive the file into. When the last
byte is in, the file becomes an asset as any upload does; the answer to that
PATCH names it in ``BrandHub-Asset``, and so does a HEAD afterwards.

A bearer token, or a signed-in browser session sending its CSRF token in
``X-CSRFToken`` (the drop zone), may use it (blueprint.py).
"""

from __future__ import annotations

import base64
import binascii
from email.utils import format_datetime
from typing import BinaryIO

from flask import Response, current_app, g, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from assets.resumable import CHECKSUM_ALGORITHMS, Checksum

from ..db import get_session
from ..forms import AssetMetaForm, form_errors
from ..models import ResumableUpload
from ..operations.uploads import (
    append_chunk,
    cancel_upload,
    get_upload,
    start_upload,
)
from ..request_body import body_stream
from ..services import ingest_settings, storage, upload_limits, upload_staging
from .blueprint import bp
from .errors import ApiError

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,termination,checksum,expiration"
CHUNK_TYPE = "application/offset+octet-stream"
#: The metadata keys an upload uses; tus clients send others (filetype, name…), ignored.
METADATA_KEYS = ("filename", "event", *AssetMetaForm.FIELD_NAMES)
MAX_METADATA = 16 * 1024


@bp.after_request
def tus_headers(response: Response) -> Response:
    """Every answer of the upload routes, errors included, names the protocol version."""
    if (request.endpoint or "").startswith("api.upload"):
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Cache-Control"] = "no-store"
    return response


def _require_version() -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(
            412,
            "tus_version",
            _("Send 'Tus-Resumable: 1.0.0'; this server speaks tus 1.0.0."),
        )


def _whole_number(name: str) -> int:
    raw = request.headers.get(name, "")
    if not raw.isdigit() or len(raw) > 18:
        raise ApiError(
            400, "bad_request", _("'%(name)s' must be a whole number of bytes.", name=name)
        )
    return int(raw)


def _metadata() -> dict[str, str]:
    """``Upload-Metadata``: ``key base64,key base64`` decoded; the keys an upload uses."""
    raw = request.headers.get("Upload-Metadata", "")
    if len(raw) > MAX_METADATA:
        raise ApiError(400, "bad_request", _("'Upload-Metadata' is too long."))
    found: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in raw.split(","))):
        key, _sep, value = pair.partition(" ")
        try:
            text = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise ApiError(
                400,
                "bad_request",
                _("Each value of 'Upload-Metadata' must be UTF-8 text in base64."),
            ) from None
        if key in found:
            raise ApiError(
                400, "bad_request", _("'%(name)s' is given more than once.", name=key[:40])
            )
        if key in METADATA_KEYS:
            found[key] = text.replace("\x00", "")
    form = AssetMetaForm(
        formdata=MultiDict({k: v for k, v in found.items() if k in AssetMetaForm.FIELD_NAMES}),
        meta={"csrf": False},
    )
    if not form.validate():
        raise ApiError(422, "validation", _("Some fields are not valid."), fields=form_errors(form))
    if len(found.get("filename", "")) > 255:
        raise ApiError(400, "bad_request", _("The file name is too long."))
    return found


def _location(upload: ResumableUpload) -> str:
    return url_for("api.upload_item", upload_id=upload.id, _external=True)


def _state_headers(upload: ResumableUpload, response: Response) -> Response:
    response.headers["Upload-Offset"] = str(upload.offset)
    response.headers["Upload-Expires"] = format_datetime(upload.expires_at, usegmt=True)
    if upload.asset_id is not None:
        response.headers["BrandHub-Asset"] = url_for(
            "api.get_asset", asset_id=upload.asset_id, _external=True
        )
    return response


def _chunk_stream() -> BinaryIO:
    if request.mimetype != CHUNK_TYPE:
        raise ApiError(
            415, "unsupported_media_type", _("Send the chunk as 'application/offset+octet-stream'.")
        )
    return body_stream(request)


def _checksum() -> Checksum | None:
    header = request.headers.get("Upload-Checksum")
    return Checksum.parse(header) if header else None


@bp.route("/uploads", methods=["OPTIONS"], provide_automatic_options=False)
def upload_options() -> ResponseReturnValue:
    """What this server supports (tus discovery); no token needed."""
    response = Response(status=204)
    response.headers["Tus-Version"] = TUS_VERSION
    response.headers["Tus-Extension"] = EXTENSIONS
    response.headers["Tus-Max-Size"] = str(upload_limits().max_bytes)
    response.headers["Tus-Checksum-Algorithm"] = ",".join(CHECKSUM_ALGORITHMS)
    return response


@bp.route("/uploads", methods=["POST"], provide_automatic_options=False)
def upload_create() -> ResponseReturnValue:
    """Start an upload; with a chunk in the body (creation-with-upload), take it too."""
    _require_version()
    if "Upload-Defer-Length" in request.headers:
        raise ApiError(400, "bad_request", _("Give 'Upload-Length': the length must be known."))
    length = _whole_number("Upload-Length")
    metadata = _metadata()
    db = get_session()
    upload = start_upload(db, upload_staging(), g.api_user, length, metadata, upload_limits())
    response = Response(status=201)
    response.headers["Location"] = _location(upload)
    if request.content_length or request.mimetype == CHUNK_TYPE:
        upload, _asset = append_chunk(
            db,
            storage(),
            ingest_settings(),
            upload_staging(),
            g.api_user,
            upload.id,
            _chunk_stream(),
            0,
            checksum=_checksum(),
            compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
        )
    return _state_headers(upload, response)


@bp.route("/uploads/<upload_id>", methods=["HEAD"])
def upload_item(upload_id: str) -> ResponseReturnValue:
    """How far the upload got (tus core); the asset once it is finished."""
    _require_version()
    upload = get_upload(get_session(), upload_staging(), g.api_user, upload_id)
    response = Response(status=200)
    response.headers["Upload-Length"] = str(upload.length)
    return _state_headers(upload, response)


@bp.patch("/uploads/<upload_id>")
def upload_append(upload_id: str) -> ResponseReturnValue:
    """Append a chunk at ``Upload-Offset``; the last one makes the asset."""
    _require_version()
    stream = _chunk_stream()
    offset = _whole_number("Upload-Offset")
    checksum = _checksum()
    upload, _asset = append_chunk(
        get_session(),
        storage(),
        ingest_settings(),
        upload_staging(),
        g.api_user,
        upload_id,
        stream,
        offset,
        checksum=checksum,
        compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
    )
    return _state_headers(upload, Response(status=204))


@bp.delete("/uploads/<upload_id>")
def upload_delete(upload_id: str) -> ResponseReturnValue:
    """Cancel the upload and remove its bytes (tus termination)."""
    _require_version()
    cancel_upload(get_session(), upload_staging(), g.api_user, upload_id)
    return Response(status=204)
