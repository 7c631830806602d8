"""Version endpoints: an asset's earlier files, a new file, one version's file."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from flask import current_app, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..models import Asset
from ..operations.access import get_visible_asset, require_history
from ..operations.versions import VersionView, list_versions, replace_file
from ..sending import send_version
from ..services import ingest_settings, storage
from .blueprint import bp
from .errors import ApiError
from .requests import text_field
from .serialize import asset_json, created, iso


def _version_json(asset: Asset, v: VersionView) -> dict[str, Any]:
    return {
        "number": v.number,
        "current": v.current,
        "filename": v.original_filename,
        "mime": v.mime,
        "size": v.size,
        "sha256": v.sha256,
        "width": v.width,
        "height": v.height,
        "comment": v.comment,
        "created_by": v.created_by.email if v.created_by else None,
        "created_at": iso(v.created_at),
        "file": url_for("api.version_file", asset_id=asset.id, number=v.number),
    }


@bp.get("/assets/<int:asset_id>/versions")
def versions(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    require_history(g.api_user, asset)
    listed = [_version_json(asset, v) for v in list_versions(asset)]
    return jsonify({"current": asset.version, "versions": listed})


@bp.post("/assets/<int:asset_id>/versions")
def add_version(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "bad_request", _("Send the file in a multipart field named 'file'."))
    comment = text_field(request.form.to_dict(), "comment", 2000) or ""
    replace_file(
        db,
        storage(),
        ingest_settings(),
        g.api_user,
        asset,
        cast(BinaryIO, upload.stream),
        upload.filename,
        comment,
        compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
    )
    location = url_for("api.version_file", asset_id=asset.id, number=asset.version)
    return created(asset_json(asset), location)


@bp.get("/assets/<int:asset_id>/versions/<int:number>/file")
def version_file(asset_id: int, number: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    require_history(g.api_user, asset)
    return send_version(asset, number)
