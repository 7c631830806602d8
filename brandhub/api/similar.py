"""``GET /assets/<id>/similar``: near duplicates of an asset (the same picture saved again)."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue

from ..db import get_session
from ..operations.access import get_visible_asset
from ..operations.similar import similar_assets
from ..services import storage
from .blueprint import bp
from .serialize import similar_json


@bp.get("/assets/<int:asset_id>/similar")
def similar(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    found = similar_assets(db, storage(), g.api_user, asset, limit=24)
    return jsonify({"results": similar_json(found)})
