"""Usage-rights endpoints: an asset's licence, credit, restrictions, embargo and expiry."""

from __future__ import annotations

from flask import g, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from assets.errors import InvalidInput

from ..dates import parse_when
from ..db import get_session
from ..operations.access import get_visible_asset
from ..operations.rights import LICENCES, RightsFields, update_rights
from .blueprint import bp
from .errors import ApiError
from .requests import field_error, json_or_form, text_field
from .serialize import asset_json, rights_json

WRITABLE = {"licence", "credit", "restrictions", "expires_at", "embargo_until", "public"}


@bp.get("/assets/<int:asset_id>/rights")
def get_rights(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), g.api_user, asset_id)
    return jsonify(
        {
            **rights_json(asset),
            "credit": asset.credit,
            "public": asset.public,
            "licences": list(LICENCES),
        }
    )


@bp.patch("/assets/<int:asset_id>/rights")
def patch_rights(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, g.api_user, asset_id)
    payload = json_or_form()
    unknown = set(payload) - WRITABLE
    if unknown:
        raise ApiError(
            422, "validation", _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
        )
    fields = RightsFields()
    for name, limit in (("licence", 20), ("credit", 300), ("restrictions", 5000)):
        if name in payload:
            setattr(fields, name, text_field(payload, name, limit) or "")
    for name in ("expires_at", "embargo_until"):
        if name in payload:
            try:
                setattr(fields, name, parse_when(payload[name]))
            except ValueError:
                raise field_error(name, _("Use ISO 8601, e.g. 2026-05-25T10:00-03:00")) from None
    if "public" in payload:
        if not isinstance(payload["public"], bool):
            raise field_error("public", _("Must be true or false."))
        fields.public = payload["public"]
    try:
        update_rights(db, g.api_user, asset, fields)
    except InvalidInput as exc:  # e.g. well formed, but the embargo does not end before the expiry
        field = str(exc.details.get("field", "licence"))
        raise ApiError(422, exc.code, _(exc.message), field=field) from None
    return jsonify(asset_json(asset))
