"""Collection pages: the list, one collection with its selection tools, the form.

Assets join a collection from the asset page (a menu of the person's
collections) or from a selection on an event or collection page.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from assets.errors import InvalidInput

from ..db import get_session
from ..forms import BulkForm, CollectionForm
from ..models import Asset, Collection, Event, collection_assets
from ..operations.access import can_edit
from ..operations.archive import can_manage, owned_filter, selection_ids
from ..operations.collections import (
    add_assets,
    collection_assets_query,
    create_collection,
    delete_collection,
    get_visible_collection,
    manageable_collections,
    remove_assets,
    update_collection,
    visible_collections,
)
from ..operations.events import visible_events
from ..sending import send_zip
from .context import PER_PAGE, page_arg
from .downloads import _back
from .events import agency_choices, covers

bp = Blueprint("collections", __name__, url_prefix="/collections")


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    db = get_session()
    query = visible_collections(current_user)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    per_page = current_app.config["PER_PAGE"]
    page = page_arg()
    rows = db.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return render_template(
        "collections/index.html",
        collections=rows,
        covers=_covers([c.id for c in rows]),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
    )


def _covers(ids: list[int]):  # type: ignore[no-untyped-def]
    link = collection_assets.c
    return covers(ids, link.collection_id, join=(collection_assets, link.asset_id == Asset.id))


def _render_form(form: CollectionForm, collection: Collection | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    page = render_template(
        "collections/form.html", form=form, collection=collection, agencies=agency_choices()
    )
    return page, status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():  # type: ignore[no-untyped-def]
    if not current_user.can_upload:
        flash(_("Your role cannot create collections. Ask an administrator."), "error")
        return redirect(url_for("collections.index"))
    form = CollectionForm()
    if request.method == "GET":
        form.agency.data = current_user.agency.slug if current_user.agency else ""
        return _render_form(form)
    if not form.validate_on_submit():
        return _render_form(form, status=400)
    try:
        collection = create_collection(get_session(), current_user, form.to_fields())
    except InvalidInput as exc:
        form.title.errors = [_(exc.message)]
        return _render_form(form, status=400)
    flash(_("Collection “%(title)s” created.", title=collection.title), "success")
    return redirect(url_for("collections.page", collection_id=collection.id))


@bp.get("/<int:collection_id>")
@login_required
def page(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, current_user, collection_id)
    query = collection_assets_query(current_user, collection)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page_number = page_arg()
    assets = db.scalars(query.limit(PER_PAGE).offset((page_number - 1) * PER_PAGE)).all()
    return render_template(
        "collections/page.html",
        collection=collection,
        assets=assets,
        total=total,
        page=page_number,
        pages=max(1, math.ceil(total / PER_PAGE)),
        manage=can_manage(current_user, collection),
        bulk_form=BulkForm(),
        collections=manageable_collections(db, current_user),
    )


@bp.route("/<int:collection_id>/edit", methods=["GET", "POST"])
@login_required
def edit(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, current_user, collection_id)
    if not can_manage(current_user, collection):
        flash(_("You do not have permission to do this."), "error")
        return redirect(url_for("collections.page", collection_id=collection.id))
    if request.method == "GET":
        form = CollectionForm(obj=collection)
        form.agency.data = collection.agency.slug if collection.agency else ""
        return _render_form(form, collection)
    form = CollectionForm()
    if not form.validate_on_submit():
        return _render_form(form, collection, 400)
    try:
        update_collection(db, current_user, collection, form.to_fields())
    except InvalidInput as exc:
        db.rollback()
        form.title.errors = [_(exc.message)]
        return _render_form(form, collection, 400)
    flash(_("Changes saved."), "success")
    return redirect(url_for("collections.page", collection_id=collection.id))


@bp.post("/<int:collection_id>/delete")
@login_required
def delete(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, current_user, collection_id)
    title = collection.title
    delete_collection(db, current_user, collection)
    flash(_("The collection “%(title)s” was deleted; its assets stay in the library.",
            title=title), "success")  # fmt: skip
    return redirect(url_for("collections.index"))


@bp.post("/<int:collection_id>/add")
@login_required
def add(collection_id: int):  # type: ignore[no-untyped-def]
    """Add the selected assets (or the one of an asset page)."""
    db = get_session()
    collection = get_visible_collection(db, current_user, collection_id)
    back = _back(url_for("collections.page", collection_id=collection.id))
    try:
        count = add_assets(db, current_user, collection, selection_ids(
            request.form.getlist("asset_ids")))  # fmt: skip
    except InvalidInput as exc:
        flash(_(exc.message), "error")
    else:
        flash(ngettext("%(num)s asset added to “%(title)s”.",
                       "%(num)s assets added to “%(title)s”.", count,
                       title=collection.title), "success")  # fmt: skip
    return redirect(back)


@bp.post("/add")
@login_required
def add_to_chosen():  # type: ignore[no-untyped-def]
    """The selection form's "add to collection" menu: the collection is a field."""
    raw = request.form.get("collection_id", "")
    if not raw.isdigit():
        flash(_("Choose a collection."), "error")
        return redirect(_back(url_for("collections.index")))
    return add(int(raw))


@bp.post("/<int:collection_id>/remove")
@login_required
def remove(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, current_user, collection_id)
    back = _back(url_for("collections.page", collection_id=collection.id))
    try:
        count = remove_assets(db, current_user, collection, selection_ids(
            request.form.getlist("asset_ids")))  # fmt: skip
    except InvalidInput as exc:
        flash(_(exc.message), "error")
    else:
        flash(
            ngettext(
                "%(num)s asset taken out of the collection.",
                "%(num)s assets taken out of the collection.",
                count,
            ),
            "success",
        )
    return redirect(back)


@bp.get("/<int:collection_id>/download.zip")
@login_required
def download_zip(collection_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    collection = get_visible_collection(db, current_user, collection_id)
    assets = db.scalars(collection_assets_query(current_user, collection)).all()
    return send_zip(assets, request.args.get("preset"), collection.title)


def archive_of(asset: Asset) -> dict[str, Any]:
    """For the asset page: its event and collections, and the menus to change them."""
    db = get_session()
    link = collection_assets.c
    collections = db.scalars(
        select(Collection)
        .join(collection_assets, link.collection_id == Collection.id)
        .where(link.asset_id == asset.id, owned_filter(Collection, current_user))
        .order_by(Collection.title)
    ).all()
    event = None
    if asset.event_id is not None:
        event = db.scalar(
            select(Event).where(Event.id == asset.event_id, owned_filter(Event, current_user))
        )
    events: list[Event] = []
    if can_edit(current_user, asset):
        recent = db.scalars(visible_events(current_user).limit(200)).all()
        events = [e for e in recent if can_manage(current_user, e)][:100]
    member = {c.id for c in collections}
    choices = [c for c in manageable_collections(db, current_user) if c.id not in member]
    return {"event": event, "collections": collections, "events": events, "choices": choices}


@bp.app_context_processor
def _archive_panel() -> dict[str, Any]:
    return {"archive_of": archive_of}
