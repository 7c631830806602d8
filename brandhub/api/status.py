"""Status endpoints: move an asset in the workflow, and its status history."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..operations.access import get_visible_asset, require_history
from ..operations.status import allowed_transitions, change_status
from .blueprint import bp
from .requests import field_error, json_or_form, text_field
from .serialize import asset_json, iso


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
def set_status(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    payload = json_or_form()
    status = text_field(payload, "status", 20)
    if not status:
        raise field_error("status", _("This field is required."))
    comment = text_field(payload, "comment", 2000) or ""
    change = change_status(db, g.api_user, asset, status, comment)
    body = asset_json(asset)
    body["change"] = _change_json(change)
    return jsonify(body)


@bp.get("/assets/<int:asset_id>/history")
def status_history(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    require_history(g.api_user, asset)
    return jsonify(
        {
            "status": asset.status,
            "allowed": allowed_transitions(g.api_user, asset),
            "changes": [_change_json(c) for c in asset.status_changes],
        }
    )
