"""The public press kit: /prensa lists it, /prensa/<ref> shows one event or collection.

No account is needed. A kit is a public event or collection (its ``public``
flag), and it shows only what anonymous visitors may see: public, approved
assets, not under embargo and not expired (``access.visible_filter``), with
their credits, downloads in every preset and a ZIP of all. ``<ref>`` is
``evento-<id>`` or ``coleccion-<id>`` followed by the title as a slug
(``/prensa/evento-12-inauguracion-del-hospital``); only the id counts, and an
address with an old title redirects to the current one. Downloads are logged
with the "presskit" channel.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import exists, select

from assets.errors import AssetNotFound

from ..db import get_session
from ..models import Asset, Collection, Event, collection_assets
from ..operations.access import visible_filter
from ..operations.downloads import RESIZABLE
from ..operations.publication import kit_ref
from ..operations.sets import COLLECTIONS, EVENTS, CollectionKind, EventKind, members_of
from ..presets import presets
from ..sending import send_zip
from ..tracking import download_context
from .context import paged, query_args
from .public_files import send_public_download, send_public_original

bp = Blueprint("presskit", __name__, url_prefix="/prensa")

KINDS: dict[str, EventKind | CollectionKind] = {"evento": EVENTS, "coleccion": COLLECTIONS}
_REF = re.compile(r"^(evento|coleccion)-(\d{1,12})(?:-[a-z0-9-]*)?$")


def _kit(ref: str) -> Event | Collection:
    match = _REF.match(ref)
    if match is None:
        raise AssetNotFound("The press kit does not exist.")
    try:
        return KINDS[match.group(1)].get_visible(get_session(), None, int(match.group(2)))
    except AssetNotFound:
        raise AssetNotFound("The press kit does not exist.") from None


def _asset(item: Event | Collection, asset_id: int) -> Asset:
    found = get_session().scalar(members_of(None, item).where(Asset.id == asset_id))
    if found is None:
        raise AssetNotFound("The asset does not exist.", id=asset_id)
    return found


@bp.after_request
def _cache(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


@bp.get("")
def index() -> ResponseReturnValue:
    """Every public event and collection with something published."""
    db = get_session()
    published = visible_filter(None)
    events = db.scalars(
        select(Event)
        .where(
            Event.public.is_(True),
            exists().where(Asset.event_id == Event.id, published),
        )
        .order_by(Event.starts_at.desc().nulls_last(), Event.id.desc())
        .limit(200)
    ).all()
    link = collection_assets.c
    collections = db.scalars(
        select(Collection)
        .where(
            Collection.public.is_(True),
            exists().where(
                link.collection_id == Collection.id, link.asset_id == Asset.id, published
            ),
        )
        .order_by(Collection.updated_at.desc(), Collection.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "presskit/index.html", events=events, collections=collections, kit_ref=kit_ref
    )


@bp.get("/<ref>")
def kit(ref: str) -> ResponseReturnValue:
    item = _kit(ref)
    if ref != kit_ref(item):
        return redirect(url_for("presskit.kit", ref=kit_ref(item), **query_args()), 301)
    assets = list(get_session().scalars(members_of(None, item)))
    shown, page, pages = paged(assets)
    return render_template(
        "presskit/kit.html",
        item=item,
        ref=ref,
        kind="event" if isinstance(item, Event) else "collection",
        assets=shown,
        total=len(assets),
        page=page,
        pages=pages,
    )


@bp.get("/<ref>/a/<int:asset_id>")
def asset(ref: str, asset_id: int) -> ResponseReturnValue:
    item = _kit(ref)
    found = _asset(item, asset_id)
    return render_template(
        "presskit/asset.html",
        item=item,
        ref=kit_ref(item),
        asset=found,
        presets=presets(current_app.config, found.mime) if found.kind in RESIZABLE else {},
    )


@bp.get("/<ref>/a/<int:asset_id>/file")
def original(ref: str, asset_id: int) -> ResponseReturnValue:
    return send_public_original(_asset(_kit(ref), asset_id), "presskit")


@bp.get("/<ref>/a/<int:asset_id>/download")
def download(ref: str, asset_id: int) -> ResponseReturnValue:
    return send_public_download(_asset(_kit(ref), asset_id), "presskit")


@bp.get("/<ref>/download.zip", endpoint="zip")
def zip_all(ref: str) -> ResponseReturnValue:
    item = _kit(ref)
    download_context("presskit")
    assets = list(get_session().scalars(members_of(None, item)))
    return send_zip(assets, request.args.get("preset"), item.title)
