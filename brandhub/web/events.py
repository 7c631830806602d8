"""Event pages: the list, one event's coverage with its drop zone, the event form.

The drop zone on an event page posts each file to :func:`upload`, which
answers as the library's upload does (201 with the new card, 409 for a file
already in the library, JSON errors), so the same script handles both.
"""

from __future__ import annotations

import math
from typing import Any
from zoneinfo import available_timezones

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from assets.errors import BrandHubError, DuplicateAsset, InvalidInput

from ..dates import to_local
from ..db import get_session
from ..errors import STATUS_FOR
from ..forms import BulkForm, EventForm, UploadForm, form_errors
from ..models import Agency, Asset, Event
from ..operations.access import get_visible_asset, require_edit, visible_filter
from ..operations.archive import can_manage, selection_ids
from ..operations.collections import manageable_collections
from ..operations.events import (
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
from .context import PER_PAGE, page_arg
from .uploads import duplicate_url, flag_similar, similar_json, similar_message

bp = Blueprint("events", __name__, url_prefix="/events")


def agency_choices() -> list[tuple[str, str]]:
    if current_user.sees_all_agencies:
        rows = get_session().scalars(select(Agency).order_by(Agency.name)).all()
    else:
        rows = [current_user.agency] if current_user.agency else []
    return [(a.slug, a.name) for a in rows]


def covers(
    ids: list[int], column: Any, join: tuple[Any, Any] | None = None
) -> dict[int, tuple[int, Asset | None]]:
    """Per set id: how many assets the person sees in it, and the first one (the cover)."""
    if not ids:
        return {}
    db = get_session()
    query = select(column, func.count(), func.min(Asset.id)).select_from(Asset)
    if join is not None:
        query = query.join(*join)
    rows = db.execute(
        query.where(column.in_(ids), visible_filter(current_user)).group_by(column)
    ).all()
    first = {a.id: a for a in db.scalars(select(Asset).where(Asset.id.in_([r[2] for r in rows])))}
    return {r[0]: (r[1], first.get(r[2])) for r in rows}


@bp.get("")
@login_required
def index():  # type: ignore[no-untyped-def]
    db = get_session()
    query = visible_events(current_user)
    query = title_matching(query, request.args.get("q", ""))
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    per_page = current_app.config["PER_PAGE"]
    page = page_arg()
    events = db.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return render_template(
        "events/index.html",
        events=events,
        covers=covers([e.id for e in events], Asset.event_id),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        text=" ".join(request.args.get("q", "").split())[:100],
    )


# The zones offered as suggestions (any IANA name is accepted): the Americas first.
AMERICAS_ZONES = sorted(z for z in available_timezones() if z.startswith("America/"))


def _render_form(form: EventForm, event: Event | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    page = render_template(
        "events/form.html", form=form, event=event, agencies=agency_choices(),
        time_zones=AMERICAS_ZONES,
    )  # fmt: skip
    return page, status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():  # type: ignore[no-untyped-def]
    if not current_user.can_upload:
        flash(_("Your role cannot create events. Ask an administrator."), "error")
        return redirect(url_for("events.index"))
    form = EventForm()
    if request.method == "GET":
        form.agency.data = current_user.agency.slug if current_user.agency else ""
        return _render_form(form)
    if not form.validate_on_submit():
        return _render_form(form, status=400)
    try:
        event = create_event(get_session(), current_user, form.to_fields())
    except InvalidInput as exc:
        getattr(form, exc.details.get("field", "title"), form.title).errors = [_(exc.message)]
        return _render_form(form, status=400)
    flash(_("Event “%(title)s” created. Now add its photos.", title=event.title), "success")
    return redirect(url_for("events.page", event_id=event.id))


@bp.get("/<int:event_id>")
@login_required
def page(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, current_user, event_id)
    query = event_assets(current_user, event)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page_number = page_arg()
    assets = db.scalars(query.limit(PER_PAGE).offset((page_number - 1) * PER_PAGE)).all()
    manage = can_manage(current_user, event)
    upload_form = UploadForm()
    return render_template(
        "events/page.html",
        event=event,
        assets=assets,
        total=total,
        page=page_number,
        pages=max(1, math.ceil(total / PER_PAGE)),
        manage=manage,
        can_upload=manage and current_user.can_upload,
        upload_form=upload_form,
        bulk_form=BulkForm(),
        collections=manageable_collections(db, current_user),
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, current_user, event_id)
    if not can_manage(current_user, event):
        flash(_("You do not have permission to do this."), "error")
        return redirect(url_for("events.page", event_id=event.id))
    if request.method == "GET":
        form = EventForm(obj=event)
        form.starts_at.data = to_local(event.starts_at)
        form.agency.data = event.agency.slug if event.agency else ""
        return _render_form(form, event)
    form = EventForm()
    if not form.validate_on_submit():
        return _render_form(form, event, 400)
    try:
        update_event(db, current_user, event, form.to_fields())
    except InvalidInput as exc:
        db.rollback()
        getattr(form, exc.details.get("field", "title"), form.title).errors = [_(exc.message)]
        return _render_form(form, event, 400)
    flash(_("Changes saved."), "success")
    return redirect(url_for("events.page", event_id=event.id))


@bp.post("/<int:event_id>/delete")
@login_required
def delete(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, current_user, event_id)
    title = event.title
    delete_event(db, current_user, event)
    flash(
        _("The event “%(title)s” was deleted; its photos stay in the library.", title=title),
        "success",
    )
    return redirect(url_for("events.index"))


def _json_error(status: int, code: str, message: str, **extra: Any):  # type: ignore[no-untyped-def]
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


@bp.post("/<int:event_id>/upload")
@login_required
def upload(event_id: int):  # type: ignore[no-untyped-def]
    """One file of the drop zone, archived into the event (JSON in, JSON out)."""
    db = get_session()
    event = get_visible_event(db, current_user, event_id)
    back = url_for("events.page", event_id=event.id)
    wants_json = request.accept_mimetypes.best == "application/json"
    form = UploadForm()
    if not form.validate_on_submit():
        if wants_json:
            return _json_error(
                400, "validation", _("Some fields are not valid."), fields=form_errors(form)
            )
        flash(_("Some fields are not valid."), "error")
        return redirect(back)
    file = form.file.data
    try:
        asset = archive_file(
            db, storage(), ingest_settings(), current_user, file.stream, file.filename,
            form.to_fields(), event,
            compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
        )  # fmt: skip
    except DuplicateAsset as exc:
        url = duplicate_url(exc)
        message = _(exc.message)
        if wants_json:
            extra = {"existing_url": url} if url else {}
            return _json_error(409, "duplicate", message, **extra)
        flash(message, "info")
        return redirect(back)
    except BrandHubError as exc:
        status = next((s for cls, s in STATUS_FOR if isinstance(exc, cls)), 400)
        if wants_json:
            return _json_error(status, exc.code, _(exc.message))
        flash(_(exc.message), "error")
        return redirect(back)
    if not wants_json:
        flash(_("“%(title)s” was added to the library.", title=asset.title), "success")
        return redirect(back)
    url = url_for("web.asset_page", asset_id=asset.id)
    thumb = url_for("web.rendition", asset_id=asset.id, name="thumb", v=asset.sha256[:12])
    similar = flag_similar(asset)  # near duplicates (a burst of the same shot, a re-export)
    return jsonify(
        {
            "id": asset.id,
            "title": asset.title,
            "url": url,
            "thumb": thumb,
            "similar": similar_json(similar),
            "similar_message": similar_message(similar) if similar else None,
        }
    ), 201


@bp.post("/<int:event_id>/detach")
@login_required
def detach(event_id: int):  # type: ignore[no-untyped-def]
    """Take the selected assets out of the event (they stay in the library)."""
    db = get_session()
    event = get_visible_event(db, current_user, event_id)
    try:
        count = detach_assets(
            db, current_user, event, selection_ids(request.form.getlist("asset_ids"))
        )
    except InvalidInput as exc:
        flash(_(exc.message), "error")
    else:
        flash(
            ngettext(
                "%(num)s asset taken out of the event.",
                "%(num)s assets taken out of the event.",
                count,
            ),
            "success",
        )
    return redirect(url_for("events.page", event_id=event.id))


@bp.get("/<int:event_id>/download.zip")
@login_required
def download_zip(event_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    event = get_visible_event(db, current_user, event_id)
    assets = db.scalars(event_assets(current_user, event)).all()
    return send_zip(assets, request.args.get("preset"), event.title)


@bp.post("/assign/<int:asset_id>")
@login_required
def assign(asset_id: int):  # type: ignore[no-untyped-def]
    """The asset page's event menu: make the asset part of an event, or of none."""
    db = get_session()
    asset = get_visible_asset(db, current_user, asset_id)
    raw = request.form.get("event_id", "")
    if raw.isdigit():
        event = get_visible_event(db, current_user, int(raw))
        attach_assets(db, current_user, event, [asset.id])
        flash(_("Now part of “%(title)s”.", title=event.title), "success")
    else:
        require_edit(current_user, asset)
        asset.event = None
        db.commit()
        flash(_("No longer part of an event."), "success")
    return redirect(url_for("web.asset_page", asset_id=asset.id))
