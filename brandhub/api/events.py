"""Event and collection endpoints: one set of routes, registered for each kind of set.

Each kind gets CRUD (``/events``, ``/events/<id>``), its assets
(``/events/<id>/assets``, one taken out with ``DELETE …/assets/<asset_id>``)
and a ZIP of them (``…/zip``); the endpoints are named after the kind
(``api.get_event``, ``api.collection_zip``). Bodies are JSON objects; only the
fields sent change (PATCH). An event's assets come in the order they were
taken; ``POST /events/<id>/assets`` takes either ``{"asset_ids": [...]}``
(attach existing assets) or a multipart upload (``file`` plus the asset
fields), which archives the file into the event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO, Generic, cast

from flask import current_app, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from assets.errors import N_

from ..dates import parse_when
from ..db import get_session
from ..forms import AssetMetaForm, form_errors
from ..models import Collection, Event
from ..operations.assets import create_asset
from ..operations.listing import count
from ..operations.sets import COLLECTIONS, EVENTS, EventFields, S, SetFields, SetKind
from ..sending import send_zip
from ..services import ingest_settings, storage
from ..text import clean_text
from .blueprint import bp
from .errors import ApiError
from .requests import asset_ids, check_lengths, json_body, paginate
from .serialize import asset_json, assets_json, iso


def _checked(payload: dict[str, Any], texts: dict[str, int], extra: set[str]) -> dict[str, Any]:
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


class SetRoutes(Generic[S]):
    """The endpoints of one kind of set; a subclass says what its kind adds."""

    kind: SetKind[S, Any]
    #: The text fields a body may send, each with its longest length.
    texts: dict[str, int]
    #: The key of the answer to adding assets, saying how many joined.
    added: str
    #: The 404's message for an asset that is not in the set.
    not_member: str

    def __init__(self) -> None:
        kind = self.kind
        name, plural = kind.name, kind.plural
        one = f"/{plural}/<int:{kind.id_arg}>"
        routes: list[tuple[str, str, Callable[..., ResponseReturnValue], str]] = [
            (f"/{plural}", f"list_{plural}", self.list, "GET"),
            (f"/{plural}", f"create_{name}_endpoint", self.create, "POST"),
            (one, f"get_{name}", self._loaded(self.get), "GET"),
            (one, f"patch_{name}", self._loaded(self.patch), "PATCH"),
            (one, f"remove_{name}", self._loaded(self.delete), "DELETE"),
            (f"{one}/assets", f"{name}_asset_list", self._loaded(self.assets), "GET"),
            (f"{one}/assets", f"{name}_add_assets", self._loaded(self.add), "POST"),
            (
                f"{one}/assets/<int:asset_id>",
                f"{name}_remove_asset",
                self._loaded(self.remove),
                "DELETE",
            ),
            (f"{one}/zip", f"{name}_zip", self._loaded(self.zip), "GET"),
        ]
        for rule, endpoint, view, method in routes:
            bp.add_url_rule(rule, endpoint, view, methods=[method])

    def _loaded(
        self, view: Callable[..., ResponseReturnValue]
    ) -> Callable[..., ResponseReturnValue]:
        """``view`` called with the set the URL names (404 when the person may not see it)."""

        def run(**url: int) -> ResponseReturnValue:
            db = get_session()
            item = self.kind.get_visible(db, g.api_user, url.pop(self.kind.id_arg))
            return view(db, item, **url)

        return run

    def _url(self, endpoint: str, item: S) -> str:
        ids: dict[str, Any] = {self.kind.id_arg: item.id}
        return url_for(endpoint, **ids)

    def as_json(self, item: S) -> dict[str, Any]:
        name = self.kind.name
        return {
            "id": item.id,
            "title": item.title,
            "description": item.description,
            "public": item.public,
            "agency": item.agency.slug if item.agency else None,
            "asset_count": count(get_session(), self.kind.members(g.api_user, item)),
            "created_at": iso(item.created_at),
            "updated_at": iso(item.updated_at),
            "links": {
                "self": self._url(f"api.get_{name}", item),
                "assets": self._url(f"api.{name}_asset_list", item),
                "zip": self._url(f"api.{name}_zip", item),
                "page": self._url(f"{self.kind.plural}.page", item),
            },
            **self._kind_json(item),
        }

    def _kind_json(self, item: S) -> dict[str, Any]:
        """The fields of its kind that :meth:`as_json` adds to a set's own."""
        return {}

    def _fields(self, payload: dict[str, Any]) -> SetFields:
        return self.kind.fields(**_checked(payload, self.texts, set()))

    def list(self) -> ResponseReturnValue:
        query = self.kind.visible(g.api_user)
        if self.kind.searchable:
            query = self.kind.matching(query, str(clean_text(request.args.get("q", ""))))
        found = paginate(query)
        results = [self.as_json(item) for item in found.pop("rows")]
        return jsonify({**found, "results": results})

    def create(self) -> ResponseReturnValue:
        fields = self._fields(json_body())
        item = self.kind.create(get_session(), g.api_user, fields)
        response = jsonify(self.as_json(item))
        response.status_code = 201
        response.headers["Location"] = self._url(f"api.get_{self.kind.name}", item)
        return response

    def get(self, db: Session, item: S) -> ResponseReturnValue:
        return jsonify(self.as_json(item))

    def patch(self, db: Session, item: S) -> ResponseReturnValue:
        self.kind.update(db, g.api_user, item, self._fields(json_body()))
        return jsonify(self.as_json(item))

    def delete(self, db: Session, item: S) -> ResponseReturnValue:
        self.kind.delete(db, g.api_user, item)
        return "", 204

    def assets(self, db: Session, item: S) -> ResponseReturnValue:
        found = paginate(self.kind.members(g.api_user, item))
        results = assets_json(found.pop("rows"))
        return jsonify({**found, "results": results})

    def add(self, db: Session, item: S) -> ResponseReturnValue:
        return jsonify({self.added: self.kind.add(db, g.api_user, item, asset_ids(json_body()))})

    def remove(self, db: Session, item: S, asset_id: int) -> ResponseReturnValue:
        if not self.kind.remove(db, g.api_user, item, [asset_id]):
            raise ApiError(404, "not_found", _(self.not_member))
        return "", 204

    def zip(self, db: Session, item: S) -> ResponseReturnValue:
        assets = db.scalars(self.kind.members(g.api_user, item)).all()
        return send_zip(assets, request.args.get("preset"), item.title)


class EventRoutes(SetRoutes[Event]):
    """Events: dated and placed, searched by title; files are uploaded into one."""

    kind = EVENTS
    texts = {
        "title": 300,
        "place": 300,
        "description": 10000,
        "photographers": 500,
        "press_release_url": 1000,
        "agency": 80,
        "time_zone": 64,
    }
    added = "attached"
    not_member = N_("The asset is not part of this event.")

    def _kind_json(self, item: Event) -> dict[str, Any]:
        return {
            "starts_at": iso(item.starts_at),
            "place": item.place,
            "photographers": item.photographers,
            "press_release_url": item.press_release_url,
            "time_zone": item.time_zone or None,
        }

    def _fields(self, payload: dict[str, Any]) -> EventFields:
        values = _checked(payload, self.texts, {"starts_at"})
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

    def add(self, db: Session, item: Event) -> ResponseReturnValue:
        """Attach existing assets (a JSON body), or archive an uploaded file into the event."""
        upload = request.files.get("file")
        if upload is None:
            return super().add(db, item)
        check_lengths(request.form)
        form = AssetMetaForm(formdata=request.form, meta={"csrf": False})
        if not form.validate():
            raise ApiError(
                422, "validation", _("Some fields are not valid."), fields=form_errors(form)
            )
        asset = create_asset(
            db,
            storage(),
            ingest_settings(),
            g.api_user,
            cast(BinaryIO, upload.stream),  # Werkzeug says IO[bytes]: a binary file all the same
            upload.filename,
            form.to_fields(),
            event=item,
            compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
        )
        response = jsonify(asset_json(asset))
        response.status_code = 201
        response.headers["Location"] = url_for("api.get_asset", asset_id=asset.id)
        return response


class CollectionRoutes(SetRoutes[Collection]):
    """Collections: hand-made sets."""

    kind = COLLECTIONS
    texts = {"title": 300, "description": 10000, "agency": 80}
    added = "added"
    not_member = N_("The asset is not in this collection.")


event_routes = EventRoutes()
collection_routes = CollectionRoutes()
