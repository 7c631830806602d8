"""Workflow endpoints: status changes and history, versions, rights, near duplicates,
download counts and the monthly figures (admins)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from assets.errors import InvalidInput, PermissionDenied

from ..dates import parse_when
from ..db import get_session
from ..errors import ApiError
from ..models import Asset, DownloadEvent
from ..operations.access import get_visible_asset, require_history
from ..operations.rights import LICENCES, RightsFields, rights_state, update_rights
from ..operations.similar import Similar, similar_assets
from ..operations.statistics import download_count, monthly
from ..operations.status import allowed_transitions, change_status
from ..operations.versions import VersionView, list_versions, replace_file
from ..sending import send_version
from ..services import ingest_settings, storage
from ..text import clean_text
from . import bp, spec_workflow  # noqa: F401  (describes these endpoints)
from .serialize import asset_json, iso


def _body() -> dict[str, Any]:
    payload = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", _("The body must be a JSON object."))
    return payload


def _text(payload: dict[str, Any], name: str, limit: int) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(422, "validation", _("Some fields are not valid."),
                       fields={name: [_("Must be text.")]})  # fmt: skip
    if len(value) > limit:
        raise ApiError(422, "validation", _("Some fields are not valid."),
                       fields={name: [_("Too long.")]})  # fmt: skip
    return str(clean_text(value))  # NUL cannot even be stored in PostgreSQL


def workflow_json(asset: Asset) -> dict[str, Any]:
    """The rights and version members of an asset's JSON."""
    return {
        "licence": asset.licence or None,
        "restrictions": asset.restrictions,
        "embargo_until": iso(asset.embargo_until),
        "expires_at": iso(asset.expires_at),
        "rights_state": rights_state(asset),
        "version": asset.version,
    }


def similar_list(similar: list[Similar]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.asset.id,
            "title": s.asset.title,
            "distance": s.distance,
            "url": url_for("api.get_asset", asset_id=s.asset.id),
        }
        for s in similar
    ]


def flag_similar(asset: Asset) -> list[dict[str, Any]]:
    """Near duplicates of a new upload for its API answer (never raises)."""
    try:
        return similar_list(similar_assets(get_session(), storage(), g.api_user, asset, limit=5))
    except Exception:
        current_app.logger.exception("near-duplicate check failed for asset %s", asset.id)
        return []


# ---------- Status ----------


def _change_json(change: Any) -> dict[str, Any]:
    return {
        "from": change.from_status,
        "to": change.to_status,
        "comment": change.comment,
        "reason": change.reason,
        "user": change.user.email if change.user else None,
        "at": iso(change.created_at),
    }


@bp.post("/assets/<int:asset_id>/status")
def set_status(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    payload = _body()
    status = _text(payload, "status", 20)
    if not status:
        raise ApiError(422, "validation", _("Some fields are not valid."),
                       fields={"status": [_("This field is required.")]})  # fmt: skip
    change = change_status(db, g.api_user, asset, status, _text(payload, "comment", 2000) or "")
    body = asset_json(asset)
    body["change"] = _change_json(change)
    return jsonify(body)


@bp.get("/assets/<int:asset_id>/history")
def status_history(asset_id: int):  # type: ignore[no-untyped-def]
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    require_history(g.api_user, asset)
    return jsonify(
        {
            "status": asset.status,
            "allowed": allowed_transitions(g.api_user, asset),
            "changes": [_change_json(c) for c in asset.status_changes],
        }
    )


# ---------- Versions ----------


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
def versions(asset_id: int):  # type: ignore[no-untyped-def]
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    require_history(g.api_user, asset)
    listed = [_version_json(asset, v) for v in list_versions(asset)]
    return jsonify({"current": asset.version, "versions": listed})


@bp.post("/assets/<int:asset_id>/versions")
def add_version(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "bad_request", _("Send the file in a multipart field named 'file'."))
    comment = _text(request.form.to_dict(), "comment", 2000) or ""
    replace_file(
        db,
        storage(),
        ingest_settings(),
        g.api_user,
        asset,
        upload.stream,
        upload.filename,
        comment,
        compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
    )
    response = jsonify(asset_json(asset))
    response.status_code = 201
    response.headers["Location"] = url_for("api.version_file", asset_id=asset.id,
                                           number=asset.version)  # fmt: skip
    return response


@bp.get("/assets/<int:asset_id>/versions/<int:number>/file")
def version_file(asset_id: int, number: int):  # type: ignore[no-untyped-def]
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    require_history(g.api_user, asset)
    return send_version(asset, number)


# ---------- Rights ----------

_RIGHTS = {"licence", "credit", "restrictions", "expires_at", "embargo_until", "public"}


@bp.get("/assets/<int:asset_id>/rights")
def get_rights(asset_id: int):  # type: ignore[no-untyped-def]
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    return jsonify({**workflow_json(asset), "credit": asset.credit, "public": asset.public,
                    "licences": list(LICENCES)})  # fmt: skip


@bp.patch("/assets/<int:asset_id>/rights")
def patch_rights(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    payload = _body()
    unknown = set(payload) - _RIGHTS
    if unknown:
        raise ApiError(
            422, "validation", _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
        )
    fields = RightsFields()
    for name, limit in (("licence", 20), ("credit", 300), ("restrictions", 5000)):
        if name in payload:
            setattr(fields, name, _text(payload, name, limit) or "")
    for name in ("expires_at", "embargo_until"):
        if name in payload:
            try:
                setattr(fields, name, parse_when(payload[name]))
            except ValueError:
                raise ApiError(422, "validation", _("Some fields are not valid."),
                               fields={name: [_("Use ISO 8601, e.g. 2026-05-25T10:00-03:00")]},
                               ) from None  # fmt: skip
    if "public" in payload:
        if not isinstance(payload["public"], bool):
            raise ApiError(422, "validation", _("Some fields are not valid."),
                           fields={"public": [_("Must be true or false.")]})  # fmt: skip
        fields.public = payload["public"]
    try:
        update_rights(db, g.api_user, asset, fields)
    except InvalidInput as exc:  # e.g. well formed, but the embargo does not end before the expiry
        field = str(exc.details.get("field", "licence"))
        raise ApiError(422, exc.code, _(exc.message), field=field) from None
    return jsonify(asset_json(asset))


# ---------- Near duplicates and downloads ----------


@bp.get("/assets/<int:asset_id>/similar")
def similar(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    found = similar_assets(db, storage(), g.api_user, asset, limit=24)
    return jsonify({"results": similar_list(found)})


@bp.get("/assets/<int:asset_id>/downloads")
def downloads(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    by_channel = dict(
        db.execute(
            select(DownloadEvent.channel, func.count())
            .where(DownloadEvent.asset_id == asset.id)
            .group_by(DownloadEvent.channel)
        ).all()
    )
    return jsonify({"count": download_count(db, asset.id), "by_channel": by_channel})


@bp.get("/stats/monthly")
def stats_monthly():  # type: ignore[no-untyped-def]
    if getattr(g.api_user, "role", None) != "admin":
        raise PermissionDenied("Only administrators can see this page.")
    try:
        months = int(request.args.get("months", 12))
    except ValueError:
        months = 0
    if not 1 <= months <= 36:
        raise ApiError(400, "bad_request",
                       _("'%(name)s' must be between %(low)s and %(high)s.",
                         name="months", low=1, high=36))  # fmt: skip
    stats = monthly(get_session(), ZoneInfo(current_app.config["TIMEZONE"]), months)
    return jsonify(
        {
            "months": [m.isoformat()[:7] for m in stats.months],
            "downloads": stats.downloads,
            "uploads": stats.uploads,
            "agencies": [
                {"agency": r.slug, "name": r.name, "downloads": r.downloads, "uploads": r.uploads}
                for r in stats.rows
            ],
        }
    )
