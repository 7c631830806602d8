"""Share-link endpoints: make a link to an asset, a collection or an event, list, revoke.

The token is in the answer to POST only (``url`` and ``token``); afterwards a
link is known by its id and the first characters of its token.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from assets.errors import AssetNotFound, InvalidInput

from ..dates import parse_when
from ..db import get_session
from ..ids import parse_id
from ..models import ShareLink
from ..operations.access import get_visible_asset
from ..operations.sets import COLLECTIONS, EVENTS
from ..operations.sharing import (
    ShareFields,
    can_manage_link,
    create_link,
    links_for,
    revoke_link,
)
from ..text import clean_text
from .blueprint import bp
from .errors import ApiError
from .requests import field_error
from .serialize import created, iso

TARGETS = ("asset_id", "collection_id", "event_id")


def _target(payload: dict[str, Any], *, text: bool) -> Any:
    """The one asset, collection or event named; ids are numbers in JSON, digits in a query."""
    given = [name for name in TARGETS if name in payload]
    if len(given) != 1:
        raise ApiError(
            422,
            "validation",
            _("Give exactly one of asset_id, collection_id and event_id."),
        )
    name = given[0]
    raw = payload[name]
    value = parse_id(raw) if text or not isinstance(raw, str) else None
    if value is None:
        raise field_error(name, _("Must be a whole number."))
    db = get_session()
    if name == "asset_id":
        return get_visible_asset(db, g.api_user, value)
    if name == "collection_id":
        return COLLECTIONS.get_visible(db, g.api_user, value)
    return EVENTS.get_visible(db, g.api_user, value)


def link_json(summary: Any) -> dict[str, Any]:
    link = summary.link
    return {
        "id": link.id,
        "prefix": link.prefix,
        "label": link.label,
        "target": {"kind": link.target_kind, "id": getattr(link.target, "id", None)},
        "state": summary.state,
        "allow_download": link.allow_download,
        "password": link.password_hash is not None,
        "expires_at": iso(link.expires_at),
        "revoked_at": iso(link.revoked_at),
        "created_at": iso(link.created_at),
        "created_by": link.created_by.email if link.created_by else None,
        "opens": summary.opens,
        "downloads": summary.downloads,
    }


@bp.post("/share-links")
def create_share_link() -> ResponseReturnValue:
    form = not request.is_json
    payload = request.form.to_dict() if form else request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", _("The body must be a JSON object."))
    target = _target(payload, text=form)
    fields = ShareFields()
    try:
        fields.expires_at = parse_when(payload.get("expires_at"))
    except ValueError:
        raise field_error("expires_at", _("Use ISO 8601, e.g. 2026-05-25T10:00-03:00")) from None
    for name in ("password", "label"):
        value = payload.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise field_error(name, _("Must be text."))
    fields.password = payload.get("password") or None
    fields.label = str(clean_text(payload.get("label") or ""))  # NUL: not in PostgreSQL
    allow = payload.get("allow_download", True)
    if form and isinstance(allow, str):
        allow = allow.strip().lower() in ("1", "true", "yes", "on")
    if not isinstance(allow, bool):
        raise field_error("allow_download", _("Must be true or false."))
    fields.allow_download = allow
    try:
        link, token = create_link(get_session(), g.api_user, target, fields)
    except InvalidInput as exc:
        # A well-formed request the link cannot be made from: the asset is not approved
        # (a conflict with its state) or the expiry has passed.
        status = 409 if exc.details.get("field") == "asset" else 422
        field = {"field": str(exc.details["field"])} if "field" in exc.details else {}
        raise ApiError(status, exc.code, _(exc.message), **field) from None
    summary = next(s for s in links_for(get_session(), target) if s.link.id == link.id)
    body = link_json(summary)
    body["token"] = token
    body["url"] = url_for("share.public", token=token, _external=True)
    return created(body)


@bp.get("/share-links")
def list_share_links() -> ResponseReturnValue:
    """The links of one asset, collection or event (``?asset_id=`` …) the caller manages."""
    target = _target(request.args.to_dict(), text=True)
    if not can_manage_link(g.api_user, target):
        return jsonify({"results": []})
    return jsonify({"results": [link_json(s) for s in links_for(get_session(), target)]})


@bp.delete("/share-links/<int:link_id>")
def revoke_share_link(link_id: int) -> ResponseReturnValue:
    db = get_session()
    link = db.scalar(select(ShareLink).where(ShareLink.id == link_id))
    if link is None or not (
        can_manage_link(g.api_user, link.target) or link.created_by_id == g.api_user.id
    ):
        raise AssetNotFound("The share link does not exist.", id=link_id)
    revoke_link(db, g.api_user, link)
    return "", 204
