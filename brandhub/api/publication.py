"""An event's coverage to the press kit: ``GET`` what it would show, ``POST`` to publish it.

``GET /events/<id>/publication`` is the preview (nothing changes): each of the
event's assets, whether it would appear in the press kit or why not.
``POST`` sets the licence, credit line and restrictions given on each one,
approves where the person may, makes them public and the event public
(operations/publication.py); ``asset_ids`` narrows it to some of the event's assets.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..models import Event
from ..operations.bulk_actions import ActionParams, BulkOutcome
from ..operations.publication import coverage_preview, kit_ref, publish_coverage
from ..operations.rights import LICENCES
from ..operations.sets import EVENTS
from .blueprint import bp
from .errors import ApiError
from .requests import asset_ids, field_error, json_body, text_field

FIELDS = frozenset({"licence", "credit", "restrictions", "asset_ids"})


def _json(outcome: BulkOutcome, event: Event) -> dict[str, Any]:
    return {
        "public": event.public,
        "presskit_url": url_for("presskit.kit", ref=kit_ref(event), _external=True),
        "appear": len(outcome.done),
        "refused": len(outcome.refused),
        "results": [
            {"id": r.asset_id, "done": r.done, "reason": _(r.reason) if r.reason else None}
            for r in outcome.results
        ],
    }


def _params(payload: dict[str, Any]) -> ActionParams:
    unknown = set(payload) - FIELDS
    if unknown:
        raise ApiError(
            422, "validation", _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
        )
    licence = payload.get("licence")
    if licence is not None and (
        not isinstance(licence, str) or (licence and licence not in LICENCES)
    ):
        raise field_error("licence", _("This licence is not one of the list."))
    return ActionParams(
        licence=licence,
        credit=text_field(payload, "credit", 300),
        restrictions=text_field(payload, "restrictions", 5000),
    )


@bp.get("/events/<int:event_id>/publication")
def publication_preview(event_id: int) -> ResponseReturnValue:
    db = get_session()
    event = EVENTS.get_visible(db, g.api_user, event_id)
    outcome = coverage_preview(db, g.api_user, event, None, ActionParams())
    return jsonify(_json(outcome, event))


@bp.post("/events/<int:event_id>/publication")
def publish_event(event_id: int) -> ResponseReturnValue:
    db = get_session()
    event = EVENTS.get_visible(db, g.api_user, event_id)
    payload = json_body()
    params = _params(payload)
    ids = asset_ids(payload) if payload.get("asset_ids") is not None else None
    outcome = publish_coverage(db, g.api_user, event, ids, params)
    return jsonify(_json(outcome, event))
