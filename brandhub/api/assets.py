"""Asset endpoints: create, read, update, delete, list, file and renditions."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from flask import current_app, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..db import get_session
from ..forms import AssetMetaForm, form_errors
from ..models import Asset
from ..operations.access import get_visible_asset
from ..operations.assets import create_asset, delete_asset, update_asset
from ..operations.listing import newest_visible
from ..operations.similar import similar_assets
from ..presets import DEFAULT_MAX_SIDE, free_spec
from ..sending import send_download, send_original, send_rendition
from ..services import ingest_settings, storage
from .blueprint import bp
from .errors import ApiError
from .requests import check_lengths, page_args
from .serialize import asset_json, assets_json, created, similar_json


def _validated(form: AssetMetaForm) -> None:
    if not form.validate():
        raise ApiError(422, "validation", _("Some fields are not valid."), fields=form_errors(form))


def _similar(asset: Asset) -> list[dict[str, Any]]:
    """Near duplicates of a new upload that its uploader may see (never raises)."""
    try:
        return similar_json(similar_assets(get_session(), storage(), g.api_user, asset, limit=5))
    except Exception:
        current_app.logger.exception("near-duplicate check failed for asset %s", asset.id)
        return []


@bp.post("/assets")
def create() -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None or not upload.filename and upload.content_length == 0:
        raise ApiError(400, "bad_request", _("Send the file in a multipart field named 'file'."))
    check_lengths(request.form)
    form = AssetMetaForm(formdata=request.form, meta={"csrf": False})
    _validated(form)
    asset = create_asset(
        get_session(),
        storage(),
        ingest_settings(),
        g.api_user,
        cast(BinaryIO, upload.stream),
        upload.filename,
        form.to_fields(),
        compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
    )
    body = asset_json(asset)
    body["similar"] = _similar(asset)
    return created(body, url_for("api.get_asset", asset_id=asset.id))


@bp.get("/assets")
def list_assets() -> ResponseReturnValue:
    found = newest_visible(get_session(), g.api_user, *page_args())
    return jsonify(
        {
            "total": found.total,
            "page": found.number,
            "per_page": found.per_page,
            "results": assets_json(found.rows),
        }
    )


@bp.get("/assets/<int:asset_id>")
def get_asset(asset_id: int) -> ResponseReturnValue:
    return jsonify(asset_json(get_visible_asset(get_session(), g.api_user, asset_id)))


@bp.patch("/assets/<int:asset_id>")
def patch_asset(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    if request.is_json:
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise ApiError(400, "bad_request", _("The body must be a JSON object."))
        tags = payload.get("tags")
        if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
            payload["tags"] = ",".join(tags)
        check_lengths(payload)
        bad = [k for k, v in payload.items() if v is not None and not isinstance(v, str)]
        if bad:
            raise ApiError(
                422,
                "validation",
                _("Some fields are not valid."),
                fields={k: [_("Must be text.")] for k in bad},
            )
        # Given as form data, so lengths and patterns are checked as for a form (with
        # ``data=`` the Optional validators would stop every check).
        sent = MultiDict({k: v for k, v in payload.items() if v is not None})
        form = AssetMetaForm(formdata=sent, meta={"csrf": False})
        present = set(payload)
    else:
        check_lengths(request.form)
        form = AssetMetaForm(formdata=request.form, meta={"csrf": False})
        present = set(request.form)
    unknown = present - set(AssetMetaForm.FIELD_NAMES)
    if unknown:
        raise ApiError(
            422, "validation", _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
        )
    _validated(form)
    update_asset(db, g.api_user, asset, form.to_fields(present), storage())
    return jsonify(asset_json(asset))


@bp.delete("/assets/<int:asset_id>")
def remove_asset(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    delete_asset(db, storage(), g.api_user, asset)
    return "", 204


@bp.get("/assets/<int:asset_id>/file")
def asset_file(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    return send_original(storage(), asset, attachment=request.args.get("download") == "1")


@bp.get("/assets/<int:asset_id>/renditions/<name>")
def asset_rendition(asset_id: int, name: str) -> ResponseReturnValue:
    return send_rendition(storage(), get_visible_asset(get_session(), g.api_user, asset_id), name)


@bp.get("/assets/<int:asset_id>/download")
def asset_download(asset_id: int) -> ResponseReturnValue:
    """The asset in a preset (``?preset=web``) or a free size (``?width=&height=&format=``)."""
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    args = request.args
    if any(args.get(name) == "" for name in ("width", "height", "format")):
        raise ApiError(400, "bad_request", _("Leave out a size or format you do not give."))
    if args.get("preset"):  # a preset wins, but a bad size or format is still an error
        max_side = int(current_app.config.get("DOWNLOAD_MAX_SIDE") or DEFAULT_MAX_SIDE)
        free_spec(args.get("width"), args.get("height"), args.get("format"), max_side)
    return send_download(asset, args)
