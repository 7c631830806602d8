"""Download endpoints beyond one file: the preset list, ZIPs of a selection, the focal point.

``GET /assets/<id>/download`` (one asset in a preset or a free size) lives with
the other asset endpoints; ZIPs of an event or a collection with those.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..operations.access import get_visible_asset, require_edit
from ..operations.selection import selection_ids, visible_selection
from ..presets import presets
from ..sending import send_zip
from .blueprint import bp
from .errors import ApiError
from .requests import json_body

IDS = re.compile(r"[1-9][0-9]{0,9}(,[1-9][0-9]{0,9}){0,999}")


@bp.get("/presets")
def list_presets() -> ResponseReturnValue:
    """The download presets by name, with their label and rendition spec."""
    return jsonify(
        {
            "results": [
                {"name": name, "label": str(p["label"]), "spec": p["spec"]}
                for name, p in presets(current_app.config).items()
            ]
        }
    )


@bp.get("/assets/zip")
def selection_zip() -> ResponseReturnValue:
    """``?ids=1,2,3&preset=web``: those assets as one ZIP, in that order."""
    raw = request.args.get("ids", "")
    if not IDS.fullmatch(raw):
        raise ApiError(
            400, "bad_request", _("'ids' must be asset ids separated by commas."), field="ids"
        )
    ids = selection_ids(raw)
    assets = visible_selection(get_session(), g.api_user, ids)
    return send_zip(assets, request.args.get("preset"), request.args.get("name") or "seleccion")


def _fraction(value: Any) -> float | None:
    """A number from 0 to 1 (not a boolean) as a float; None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


@bp.post("/assets/<int:asset_id>/focal")
def set_focal(asset_id: int) -> ResponseReturnValue:
    """``{"x": 0.3, "y": 0.4}``: where ``fill`` crops centre, as fractions of the image."""
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    require_edit(g.api_user, asset)
    payload = json_body()
    x, y = _fraction(payload.get("x")), _fraction(payload.get("y"))
    if x is None or y is None:
        raise ApiError(422, "validation", _("The focal point needs x and y between 0 and 1."))
    asset.focal_x, asset.focal_y = round(x, 4), round(y, 4)
    db.commit()
    return jsonify({"x": asset.focal_x, "y": asset.focal_y})
