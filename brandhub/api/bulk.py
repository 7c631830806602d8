"""Bulk changes to a selection of assets.

- ``POST /assets/bulk``: one set of changes applied to a selection, all or nothing;
- ``POST /assets/actions``: one action (operations/bulk_actions.py) tried on each
  asset, answering for each one whether it was done or why it was refused.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..ids import parse_id
from ..operations.assets import parse_tags
from ..operations.bulk import BulkChanges, bulk_update
from ..operations.bulk_actions import ACTIONS, ActionParams, BulkOutcome, run_action
from ..operations.rights import LICENCES
from ..services import storage
from ..text import clean_text
from .blueprint import bp
from .errors import ApiError
from .requests import asset_ids, field_error, json_body, text_field
from .serialize import assets_json

TEXT = {"credit": 300, "caption": 5000, "copyright": 300, "title_prefix": 100}
IDS = ("event_id", "collection_id")


def _cleaned(value: str | None) -> str | None:
    return None if value is None else str(clean_text(value))


def _changes(payload: dict[str, Any], extra: frozenset[str] = frozenset()) -> BulkChanges:
    unknown = set(payload) - set(TEXT) - set(IDS) - {"asset_ids", "add_tags"} - extra
    if unknown:
        raise ApiError(
            422, "validation", _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
        )
    bad: dict[str, list[str]] = {}
    for name, size in TEXT.items():
        value = payload.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > size):
            bad[name] = [_("Must be text of at most %(max)s characters.", max=size)]
    for name in IDS:
        value = payload.get(name)
        if value is not None and (isinstance(value, str) or parse_id(value) is None):
            bad[name] = [_("Must be a whole number.")]
    tags = payload.get("add_tags")
    if tags is not None and not (
        isinstance(tags, str) or (isinstance(tags, list) and all(isinstance(t, str) for t in tags))
    ):
        bad["add_tags"] = [_("Must be a list of tags.")]
    if bad:
        raise ApiError(422, "validation", _("Some fields are not valid."), fields=bad)
    # NUL cannot even be stored in PostgreSQL.
    text = {name: _cleaned(payload.get(name)) for name in TEXT}
    add_tags: list[str] = []
    if tags:
        cleaned = (
            str(clean_text(tags)) if isinstance(tags, str) else [str(clean_text(t)) for t in tags]
        )
        add_tags = parse_tags(cleaned)
    return BulkChanges(
        credit=text["credit"],
        caption=text["caption"],
        copyright=text["copyright"],
        add_tags=add_tags,
        title_prefix=text["title_prefix"],
        event_id=parse_id(payload.get("event_id")),
        collection_id=parse_id(payload.get("collection_id")),
    )


@bp.post("/assets/bulk")
def bulk_edit() -> ResponseReturnValue:
    payload = json_body()
    ids = asset_ids(payload)
    assets = bulk_update(get_session(), g.api_user, ids, _changes(payload))
    return jsonify({"updated": len(assets), "results": assets_json(assets)})


ACTION_FIELDS = frozenset({"action", "licence", "restrictions", "confirm"})


def _action_params(action: str, payload: dict[str, Any]) -> ActionParams:
    """What ``action`` needs from the body; 422 (with the field) for what is missing or wrong."""
    changes = _changes(payload, ACTION_FIELDS)
    licence = payload.get("licence")
    if licence is not None and (
        not isinstance(licence, str) or (licence and licence not in LICENCES)
    ):
        raise field_error("licence", _("This licence is not one of the list."))
    restrictions = text_field(payload, "restrictions", 5000)
    confirm = payload.get("confirm")
    if confirm is not None and not isinstance(confirm, bool):
        raise field_error("confirm", _("Must be true or false."))
    params = ActionParams(
        licence=licence,
        credit=changes.credit,
        restrictions=restrictions,
        changes=changes,
        event_id=changes.event_id,
        collection_id=changes.collection_id,
        confirm=bool(confirm),
    )
    if action == "rights" and not params.has_rights():
        raise field_error("licence", _("Choose at least one change to apply."))
    if action == "edit" and not changes.has_text_changes():
        raise field_error("credit", _("Choose at least one change to apply."))
    if action == "event" and params.event_id is None:
        raise field_error("event_id", _("Choose an event."))
    if action == "collection" and params.collection_id is None:
        raise field_error("collection_id", _("Choose a collection."))
    if action == "delete" and not params.confirm:
        raise field_error("confirm", _("Confirm the deletion: it cannot be undone."))
    return params


def outcome_json(outcome: BulkOutcome) -> dict[str, Any]:
    """Counts, and one row per asset: done, or refused with the reason (in the UI's language)."""
    return {
        "action": outcome.action,
        "done": len(outcome.done),
        "refused": len(outcome.refused),
        "results": [
            {"id": r.asset_id, "done": r.done, "reason": _(r.reason) if r.reason else None}
            for r in outcome.results
        ],
    }


@bp.post("/assets/actions")
def bulk_action() -> ResponseReturnValue:
    payload = json_body()
    action = payload.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        raise field_error("action", _("Unknown action."))
    ids = asset_ids(payload)
    params = _action_params(action, payload)
    outcome = run_action(get_session(), g.api_user, action, ids, params, storage=storage())
    return jsonify(outcome_json(outcome))
