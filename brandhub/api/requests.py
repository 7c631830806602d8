"""What the API's route modules share to read a request: numbers, bodies, ids, pages.

Each helper answers a malformed request with an :class:`~brandhub.api.errors.ApiError`
whose message says what to send instead (400 for the shape of the request, 422
for a field's value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select

from ..db import get_session
from ..ids import parse_id
from ..operations.listing import page_of
from ..operations.selection import selection_ids
from ..text import clean_text
from .errors import ApiError

MAX_PAGE = 100_000
MAX_PER_PAGE = 100


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """The query argument ``name`` as a whole number in [low, high]; ``default`` if absent."""
    given = request.args.getlist(name)
    if not given:
        return default
    raw = given[0]
    if raw == "":
        raise ApiError(400, "bad_request", _("'%(name)s' must be a whole number.", name=name))
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400, "bad_request", _("'%(name)s' must be a whole number.", name=name)
        ) from None
    if not low <= value <= high:
        raise ApiError(
            400,
            "bad_request",
            _("'%(name)s' must be between %(low)s and %(high)s.", name=name, low=low, high=high),
        )
    return value


# The longest text each field takes, as sent (the form measures it once cleaned).
MAX_LENGTHS = {
    "title": 300,
    "description": 10000,
    "tags": 2000,
    "credit": 300,
    "caption": 5000,
    "copyright": 300,
    "agency": 80,
}


def check_lengths(sent: Mapping[str, Any]) -> None:
    """422 for a field longer than the document allows, before cleaning shortens it."""
    long = {
        name: [_("At most %(max)s characters.", max=limit)]
        for name, limit in MAX_LENGTHS.items()
        if isinstance(sent.get(name), str) and len(sent[name]) > limit
    }
    if long:
        raise ApiError(422, "validation", _("Some fields are not valid."), fields=long)


def field_error(name: str, message: str) -> ApiError:
    """422 for one field whose value is not valid, saying why."""
    return ApiError(422, "validation", _("Some fields are not valid."), fields={name: [message]})


def json_body() -> dict[str, Any]:
    """The request's JSON object (400 for anything else)."""
    return _object(request.get_json(silent=True) if request.is_json else None)


def json_or_form() -> dict[str, Any]:
    """The request's JSON object, or its form fields when it is not JSON."""
    return _object(request.get_json(silent=True) if request.is_json else request.form.to_dict())


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ApiError(400, "bad_request", _("The body must be a JSON object."))
    return payload


def text_field(payload: Mapping[str, Any], name: str, limit: int) -> str | None:
    """The text member ``name``, cleaned (None if absent; 422 if not text or too long)."""
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise field_error(name, _("Must be text."))
    if len(value) > limit:
        raise field_error(name, _("Too long."))
    return str(clean_text(value))  # NUL cannot even be stored in PostgreSQL


def asset_ids(payload: dict[str, Any]) -> list[int]:
    """The ``asset_ids`` list of a body, as ids (422 if it is not a list of ids)."""
    raw = payload.get("asset_ids")
    ids = (
        [None if isinstance(i, str) else parse_id(i) for i in raw]
        if isinstance(raw, list)
        else [None]
    )
    if None in ids:
        raise ApiError(
            422, "validation", _("'asset_ids' must be a list of asset ids."), field="asset_ids"
        )
    return selection_ids(ids)


def page_args() -> tuple[int, int]:
    """The ``page`` and ``per_page`` arguments (the configured page size by default)."""
    page = int_arg("page", 1, 1, MAX_PAGE)
    per_page = int_arg("per_page", current_app.config["PER_PAGE"], 1, MAX_PER_PAGE)
    return page, per_page


def paginate(query: Select[Any]) -> dict[str, Any]:
    """One page of ``query`` as the ``page`` and ``per_page`` arguments ask, with its total."""
    found = page_of(get_session(), query, *page_args())
    return {
        "total": found.total,
        "page": found.number,
        "per_page": found.per_page,
        "rows": found.rows,
    }
