"""Event and collection endpoints: CRUD, their assets, uploads into an event, ZIPs.

Bodies are JSON objects; only the fields sent change (PATCH). An event's
assets come in the order they were taken. ``POST /events/<id>/assets`` takes
either ``{"asset_ids": [...]}`` (attach existing assets) or a multipart upload
(``file`` plus the asset fields), which archives the file into the event.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request, url_for
from flask_babel import gettext as _

from ..dates import parse_when
from ..db import get_session
from ..errors import ApiError
from ..forms import AssetMetaForm, form_errors
from ..models import Collection, Event
from ..operations.collections import (
    CollectionFields,
    add_assets,
    collection_assets_query,
    create_collection,
    delete_collection,
    get_visible_collection,
    remove_assets,
    update_collection,
    visible_collections,
)
from ..operations.events import (
    EventFields,
    attach_assets,
    create_event,
    delete_event,
    detach_assets,
    event_assets,
    get_visible_event,
    title_matching,
    update_event,
    visible_events,
)
from ..operations.importer import archive_file
from ..sending import send_zip
from ..services import ingest_settings, storage
from ..text import clean_text
from . import bp, spec_archive  # noqa: F401  (describes these endpoints)
from .requests import asset_ids, check_lengths, count, json_body, paginate
from .serialize import asset_json, iso

EVENT_TEXT = {"title": 300, "place": 300, "description": 10000, "photographers": 500,
              "press_release_url": 1000, "agency": 80, "time_zone": 64}  # fmt: skip
COLLECTION_TEXT = {"title": 300, "description": 10000, "agency": 80}


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "starts_at": iso(event.starts_at),
        "place": event.place,
        "description": event.description,
        "photographers": event.photographers,
        "press_release_url": event.press_release_url,
        "time_zone": event.time_zone or None,
        "public": event.public,
        "agency": event.agency.slug if event.agency else None,
        "asset_count": count(event_assets(g.api_user, event)),
        "created_at": iso(event.created_at),
        "updated_at": iso(event.updated_at),
        "links": {
            "self": url_for("api.get_event", event_id=event.id),
            "assets": url_for("api.event_asset_list", event_id=event.id),
            "zip": url_for("api.event_zip", event_id=event.id),
            "page": url_for("events.page", event_id=event.id),
        },
    }


def collection_json(collection: Collection) -> dict[str, Any]:
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "public": collection.public,
        "agency": collection.agency.slug if collection.agency else None,
        "asset_count": count(collection_assets_query(g.api_user, collection)),
        "created_at": iso(collection.created_at),
        "updated_at": iso(collection.updated_at),
        "links": {
            "self": url_for("api.get_collection", collection_id=collection.id),
            "assets": url_for("api.collection_asset_list", collection_id=collection.id),
            "zip": url_for("api.collection_zip", collection_id=collection.id),
            "page": url_for("collections.page", collection_id=collection.id),
        },
    }


def _fields(payload: dict[str, Any], texts: dict[str, int], extra: set[str]) -> dict[str, Any]:
    """The sent fields, type- and length-checked (422 naming the bad ones)."""
    unknown = set(payload) - set(texts) - extra - {"public"}
    if unknown:
        raise ApiError(
            422, "validation", _("Unknown fields: %(names)s", names=", ".join(sorted(unknown)))
        )
    bad: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, value in payload.items():
        if name in texts:
            if value is None:
                value = ""
            if not isinstance(value, str):
                bad[name] = [_("Must be text.")]
            elif len(value) > texts[name]:
                bad[name] = [_("At most %(max)s characters.", max=texts[name])]
            else:
                value = clean_text(value)  # NUL cannot even be stored in PostgreSQL
        elif name == "public" and not isinstance(value, bool):
            bad[name] = [_("Must be true or false.")]
        values[name] = value
    if bad:
        raise ApiError(422, "validation", _("Some fields are not valid."), fields=bad)
    return values


def _event_fields(payload: dict[str, Any]) -> EventFields:
    values = _fields(payload, EVENT_TEXT, {"starts_at"})
    if "starts_at" in values:
        try:
            values["starts_at"] = parse_when(values["starts_at"])
        except ValueError:
            raise ApiError(
                422,
                "validation",
                _("Some fields are not valid."),
                fields={"starts_at": [_("Use ISO 8601, e.g. 2026-05-25T10:30:00-03:00.")]},
            ) from None
    return EventFields(**values)


# Events


@bp.get("/events")
def list_events():  # type: ignore[no-untyped-def]
    query = visible_events(g.api_user)
    query = title_matching(query, str(clean_text(request.args.get("q", ""))))
    found = paginate(query)
    results = [event_json(e) for e in found.pop("rows")]
    return jsonify({**found, "results": results})


@bp.post("/events")
def create_event_endpoint():  # type: ignore[no-untyped-def]
    fields = _event_fields(json_body())
    event = create_event(get_session(), g.api_user, fields)
    response = jsonify(event_json(event))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_event", event_id=event.id)
    return response


@bp.get("/events/<int:event_id>")
def get_event(event_id: int):  # type: ignore[no-untyped-def]
    return jsonify(event_json(get_visible_event(get_session(), g.api_user, event_id)))


@bp.patch("/events/<int:event_id>")
def patch_event(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, g.api_user, event_id)
    update_event(db, g.api_user, event, _event_fields(json_body()))
    return jsonify(event_json(event))


@bp.delete("/events/<int:event_id>")
def remove_event(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    delete_event(db, g.api_user, get_visible_event(db, g.api_user, event_id))
    return "", 204


@bp.get("/events/<int:event_id>/assets")
def event_asset_list(event_id: int):  # type: ignore[no-untyped-def]
    event = get_visible_event(get_session(), g.api_user, event_id)
    found = paginate(event_assets(g.api_user, event))
    results = [asset_json(a) for a in found.pop("rows")]
    return jsonify({**found, "results": results})


@bp.post("/events/<int:event_id>/assets")
def event_add_assets(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, g.api_user, event_id)
    upload = request.files.get("file")
    if upload is None:
        attached = attach_assets(db, g.api_user, event, asset_ids(json_body()))
        return jsonify({"attached": len(attached)})
    check_lengths(request.form)
    form = AssetMetaForm(formdata=request.form, meta={"csrf": False})
    if not form.validate():
        raise ApiError(422, "validation", _("Some fields are not valid."), fields=form_errors(form))
    asset = archive_file(
        db, storage(), ingest_settings(), g.api_user, upload.stream, upload.filename,
        form.to_fields(), event,
        compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
    )  # fmt: skip
    response = jsonify(asset_json(asset))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_asset", asset_id=asset.id)
    return response


@bp.delete("/events/<int:event_id>/assets/<int:asset_id>")
def event_remove_asset(event_id: int, asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, g.api_user, event_id)
    if not detach_assets(db, g.api_user, event, [asset_id]):
        raise ApiError(404, "not_found", _("The asset is not part of this event."))
    return "", 204


@bp.get("/events/<int:event_id>/zip")
def event_zip(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, g.api_user, event_id)
    assets = db.scalars(event_assets(g.api_user, event)).all()
    return send_zip(assets, request.args.get("preset"), event.title)


# Collections


@bp.get("/collections")
def list_collections():  # type: ignore[no-untyped-def]
    found = paginate(visible_collections(g.api_user))
    results = [collection_json(c) for c in found.pop("rows")]
    return jsonify({**found, "results": results})


@bp.post("/collections")
def create_collection_endpoint():  # type: ignore[no-untyped-def]
    values = _fields(json_body(), COLLECTION_TEXT, set())
    collection = create_collection(get_session(), g.api_user, CollectionFields(**values))
    response = jsonify(collection_json(collection))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_collection", collection_id=collection.id)
    return response


@bp.get("/collections/<int:collection_id>")
def get_collection(collection_id: int):  # type: ignore[no-untyped-def]
    return jsonify(
        collection_json(get_visible_collection(get_session(), g.api_user, collection_id))
    )


@bp.patch("/collections/<int:collection_id>")
def patch_collection(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, g.api_user, collection_id)
    values = _fields(json_body(), COLLECTION_TEXT, set())
    update_collection(db, g.api_user, collection, CollectionFields(**values))
    return jsonify(collection_json(collection))


@bp.delete("/collections/<int:collection_id>")
def remove_collection(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    delete_collection(db, g.api_user, get_visible_collection(db, g.api_user, collection_id))
    return "", 204


@bp.get("/collections/<int:collection_id>/assets")
def collection_asset_list(collection_id: int):  # type: ignore[no-untyped-def]
    collection = get_visible_collection(get_session(), g.api_user, collection_id)
    found = paginate(collection_assets_query(g.api_user, collection))
    results = [asset_json(a) for a in found.pop("rows")]
    return jsonify({**found, "results": results})


@bp.post("/collections/<int:collection_id>/assets")
def collection_add_assets(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, g.api_user, collection_id)
    return jsonify({"added": add_assets(db, g.api_user, collection, asset_ids(json_body()))})


@bp.delete("/collections/<int:collection_id>/assets/<int:asset_id>")
def collection_remove_asset(collection_id: int, asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, g.api_user, collection_id)
    if not remove_assets(db, g.api_user, collection, [asset_id]):
        raise ApiError(404, "not_found", _("The asset is not in this collection."))
    return "", 204


@bp.get("/collections/<int:collection_id>/zip")
def collection_zip(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, g.api_user, collection_id)
    assets = db.scalars(collection_assets_query(g.api_user, collection)).all()
    return send_zip(assets, request.args.get("preset"), collection.title)
