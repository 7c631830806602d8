"""What an upload's answer says beyond success: the asset that already holds its
bytes, and near duplicates its uploader may see (library and event pages alike)."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _

from assets.errors import DuplicateAsset

from ..db import get_session
from ..models import Asset
from ..operations.similar import Similar, similar_assets
from ..services import storage
from .user import signed_in


def duplicate_url(exc: DuplicateAsset) -> str | None:
    """The page of the asset that holds an upload's bytes, when the uploader may see it."""
    if exc.existing_id is None:
        return None
    return url_for("web.asset_page", asset_id=exc.existing_id)


def similar_json(similar: list[Similar]) -> list[dict[str, Any]]:
    """Near duplicates for an upload's answer: enough to show and link each one."""
    return [s.as_json(url_for("web.asset_page", asset_id=s.asset.id)) for s in similar]


def flag_similar(asset: Asset) -> list[Similar]:
    """Near duplicates of a new upload that its uploader may see (never raises)."""
    try:
        return similar_assets(get_session(), storage(), signed_in(), asset, limit=5)
    except Exception:
        current_app.logger.exception("near-duplicate check failed for asset %s", asset.id)
        return []


def uploaded_json(asset: Asset, similar: list[Similar]) -> dict[str, Any]:
    """The drop zone's answer for a file it uploaded: the new asset's card and near duplicates."""
    return {
        "id": asset.id,
        "title": asset.title,
        "url": url_for("web.asset_page", asset_id=asset.id),
        "similar": similar_json(similar),
        "similar_message": similar_message(similar) if similar else None,
        "thumb": url_for("web.rendition", asset_id=asset.id, name="thumb", v=asset.sha256[:12]),
    }


def similar_message(similar: list[Similar]) -> str:
    titles = ", ".join(f"“{s.asset.title}”" for s in similar[:3])
    return _("It looks similar to %(titles)s: check it is not the same picture.", titles=titles)
