"""Figures: an asset's download counts, and the monthly figures per agency (admins)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from assets.errors import PermissionDenied

from ..db import get_session
from ..models import DownloadEvent
from ..operations.access import get_visible_asset
from ..operations.statistics import download_count, monthly
from .blueprint import bp
from .errors import ApiError


@bp.get("/assets/<int:asset_id>/downloads")
def downloads(asset_id: int) -> ResponseReturnValue:
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
def stats_monthly() -> ResponseReturnValue:
    if getattr(g.api_user, "role", None) != "admin":
        raise PermissionDenied("Only administrators can see this page.")
    try:
        months = int(request.args.get("months", 12))
    except ValueError:
        months = 0
    if not 1 <= months <= 36:
        raise ApiError(
            400,
            "bad_request",
            _("'%(name)s' must be between %(low)s and %(high)s.", name="months", low=1, high=36),
        )
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
