"""``POST /assets/bulk``: one set of changes applied to a selection, all or nothing."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..ids import parse_id
from ..operations.assets import parse_tags
from ..operations.bulk import BulkChanges, bulk_update
from ..text import clean_text
from .blueprint import bp
from .errors import ApiError
from .requests import asset_ids, json_body
from .serialize import assets_json

TEXT = {"credit": 300, "caption": 5000, "copyright": 300, "title_prefix": 100}
IDS = ("event_id", "collection_id")


def _cleaned(value: str | None) -> str | None:
    return None if value is None else str(clean_text(value))


def _changes(payload: dict[str, Any]) -> BulkChanges:
    unknown = set(payload) - set(TEXT) - set(IDS) - {"asset_ids", "add_tags"}
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
