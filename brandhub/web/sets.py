"""Event and collection pages: one set of views, built once for each kind of set.

:class:`SetPages` is what every set's pages do: the list, one set with its
assets and selection tools, the form to create and change one, deleting it,
the ZIP of all its assets, taking assets out. It registers them on a blueprint
named after the kind (``events.page``, ``collections.edit``) under
``/events`` or ``/collections``, the set's id in the URL as ``event_id`` or
``collection_id``. Each page renders its kind's template (``events/page.html``),
which extends the shared one in ``sets/`` and says only what differs.

What a kind has of its own is its subclass: :class:`EventPages` adds the drop
zone (:meth:`EventPages.upload`, answering as the library's upload does, so the
same script handles both) and the asset page's event menu;
:class:`CollectionPages` adds assets from a selection or from an asset page and
fills the asset page's panel of events and collections (:func:`archive_of`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Generic
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
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from assets.errors import BrandHubError, DuplicateAsset, InvalidInput

from ..db import get_session
from ..forms import BulkForm, EventForm, PublishForm, SetForm, UploadForm, form_errors
from ..models import Agency, Asset, Collection, Event, collection_assets
from ..operations.access import can_edit, get_visible_asset, require_edit
from ..operations.assets import create_asset
from ..operations.bulk_actions import ActionParams
from ..operations.listing import count as count_rows
from ..operations.listing import page_of
from ..operations.publication import common_credit, coverage_preview, kit_ref, publish_coverage
from ..operations.selection import selection_ids
from ..operations.sets import COLLECTIONS, EVENTS, S, SetKind, can_manage, owned_filter
from ..sending import send_zip
from ..services import ingest_settings, storage
from .context import PER_PAGE, page_arg
from .downloads import back_url
from .uploads import duplicate_url, flag_similar, refusal_json, uploaded_json

#: A view of one set: the session and the set the URL names.
SetView = Callable[[Session, Any], ResponseReturnValue]


def agency_choices() -> list[tuple[str, str]]:
    if current_user.sees_all_agencies:
        rows = get_session().scalars(select(Agency).order_by(Agency.name)).all()
    else:
        rows = [current_user.agency] if current_user.agency else []
    return [(a.slug, a.name) for a in rows]


class SetPages(ABC, Generic[S]):
    """The pages of one kind of set, on a blueprint of their own (:attr:`bp`)."""

    kind: SetKind[S, Any]
    form: type[SetForm]
    #: The endpoint (and last URL segment) that takes assets out of a set.
    remove_view: str

    def __init__(self) -> None:
        kind = self.kind
        self.bp = Blueprint(kind.plural, __name__, url_prefix=f"/{kind.plural}")
        one = f"/<int:{kind.id_arg}>"
        self._route("", "index", self.index)
        self._route("/new", "new", self.new, ["GET", "POST"])
        self._route(one, "page", self._loaded(self.page))
        self._route(f"{one}/edit", "edit", self._loaded(self.edit), ["GET", "POST"])
        self._route(f"{one}/delete", "delete", self._loaded(self.delete), ["POST"])
        self._route(f"{one}/download.zip", "download_zip", self._loaded(self.download_zip))
        self._route(
            f"{one}/{self.remove_view}", self.remove_view, self._loaded(self.remove), ["POST"]
        )

    def _route(
        self,
        rule: str,
        endpoint: str,
        view: Callable[..., ResponseReturnValue],
        methods: list[str] | None = None,
    ) -> None:
        self.bp.add_url_rule(rule, endpoint, login_required(view), methods=methods or ["GET"])

    def _loaded(self, view: SetView) -> Callable[..., ResponseReturnValue]:
        """``view`` called with the set the URL names (404 when the person may not see it)."""

        def run(**url: int) -> ResponseReturnValue:
            db = get_session()
            return view(db, self.kind.get_visible(db, current_user, url[self.kind.id_arg]))

        return run

    def url(self, view: str, item: S | None = None, **args: Any) -> str:
        """The URL of one of these pages (of ``item``, for a set's own pages)."""
        if item is not None:
            args[self.kind.id_arg] = item.id
        return url_for(f"{self.kind.plural}.{view}", **args)

    def _render(self, name: str, status: int = 200, **context: Any) -> ResponseReturnValue:
        page = render_template(f"{self.kind.plural}/{name}.html", set_url=self.url, **context)
        return page, status

    # What the kinds say differently: messages, and what their pages add.

    @abstractmethod
    def _cannot_create(self) -> str: ...

    @abstractmethod
    def _created(self, item: S) -> str: ...

    @abstractmethod
    def _deleted(self, title: str) -> str: ...

    @abstractmethod
    def _removed(self, count: int) -> str: ...

    def _return_to(self, item: S) -> str:
        """Where to go after taking assets out."""
        return self.url("page", item)

    def _page_context(self, item: S, manage: bool) -> dict[str, Any]:
        return {}

    def _form_context(self) -> dict[str, Any]:
        return {}

    # The views every set has.

    def index(self) -> ResponseReturnValue:
        query = self.kind.visible(current_user)
        text = request.args.get("q", "")
        if self.kind.searchable:
            query = self.kind.matching(query, text)
        found = page_of(get_session(), query, page_arg(), current_app.config["PER_PAGE"])
        return self._render(
            "index",
            items=found.rows,
            covers=self.kind.covers(get_session(), current_user, [i.id for i in found.rows]),
            total=found.total,
            page=found.number,
            pages=found.pages,
            text=" ".join(text.split())[:100],
        )

    def page(self, db: Session, item: S) -> ResponseReturnValue:
        found = page_of(db, self.kind.members(current_user, item), page_arg(), PER_PAGE)
        manage = can_manage(current_user, item)
        return self._render(
            "page",
            item=item,
            assets=found.rows,
            total=found.total,
            page=found.number,
            pages=found.pages,
            manage=manage,
            bulk_form=BulkForm(),
            collections=COLLECTIONS.manageable(db, current_user, 500),
            remove_view=self.remove_view,
            **self._page_context(item, manage),
        )

    def _form_page(
        self, form: SetForm, item: S | None = None, status: int = 200
    ) -> ResponseReturnValue:
        return self._render(
            "form", status, form=form, item=item, agencies=agency_choices(), **self._form_context()
        )

    def _refuse(
        self, form: SetForm, exc: InvalidInput, item: S | None = None
    ) -> ResponseReturnValue:
        """The form again, with the operation's complaint under the field it names."""
        getattr(form, str(exc.details.get("field", "title")), form.title).errors = [_(exc.message)]
        return self._form_page(form, item, 400)

    def new(self) -> ResponseReturnValue:
        if not current_user.can_upload:
            flash(self._cannot_create(), "error")
            return redirect(self.url("index"))
        form = self.form()
        if request.method == "GET":
            form.agency.data = current_user.agency.slug if current_user.agency else ""
            return self._form_page(form)
        if not form.validate_on_submit():
            return self._form_page(form, status=400)
        try:
            item = self.kind.create(get_session(), current_user, form.to_fields())
        except InvalidInput as exc:
            return self._refuse(form, exc)
        flash(self._created(item), "success")
        return redirect(self.url("page", item))

    def edit(self, db: Session, item: S) -> ResponseReturnValue:
        if not can_manage(current_user, item):
            flash(_("You do not have permission to do this."), "error")
            return redirect(self.url("page", item))
        if request.method == "GET":
            return self._form_page(self.form(obj=item), item)
        form = self.form()
        if not form.validate_on_submit():
            return self._form_page(form, item, 400)
        try:
            self.kind.update(db, current_user, item, form.to_fields())
        except InvalidInput as exc:
            db.rollback()
            return self._refuse(form, exc, item)
        flash(_("Changes saved."), "success")
        return redirect(self.url("page", item))

    def delete(self, db: Session, item: S) -> ResponseReturnValue:
        title = item.title
        self.kind.delete(db, current_user, item)
        flash(self._deleted(title), "success")
        return redirect(self.url("index"))

    def download_zip(self, db: Session, item: S) -> ResponseReturnValue:
        assets = db.scalars(self.kind.members(current_user, item)).all()
        return send_zip(assets, request.args.get("preset"), item.title)

    def remove(self, db: Session, item: S) -> ResponseReturnValue:
        """Take the selected assets out of the set (they stay in the library)."""
        back = self._return_to(item)
        try:
            count = self.kind.remove(
                db, current_user, item, selection_ids(request.form.getlist("asset_ids"))
            )
        except InvalidInput as exc:
            flash(_(exc.message), "error")
        else:
            flash(self._removed(count), "success")
        return redirect(back)


def _json_error(status: int, code: str, message: str, **extra: Any) -> ResponseReturnValue:
    return jsonify({"error": {"code": code, "message": message, **extra}}), status


# The zones offered as suggestions (any IANA name is accepted): the Americas first.
AMERICAS_ZONES = sorted(z for z in available_timezones() if z.startswith("America/"))


class EventPages(SetPages[Event]):
    """Event pages: a drop zone for the coverage, and the asset page's event menu."""

    kind = EVENTS
    form = EventForm
    remove_view = "detach"

    def __init__(self) -> None:
        super().__init__()
        self._route(f"/<int:{EVENTS.id_arg}>/upload", "upload", self._loaded(self.upload), ["POST"])
        self._route("/assign/<int:asset_id>", "assign", self.assign, ["POST"])
        self._route(
            f"/<int:{EVENTS.id_arg}>/publish",
            "publish",
            self._loaded(self.publish),
            ["GET", "POST"],
        )

    def _cannot_create(self) -> str:
        return _("Your role cannot create events. Ask an administrator.")

    def _created(self, item: Event) -> str:
        return _("Event “%(title)s” created. Now add its photos.", title=item.title)

    def _deleted(self, title: str) -> str:
        return _("The event “%(title)s” was deleted; its photos stay in the library.", title=title)

    def _removed(self, count: int) -> str:
        return ngettext(
            "%(num)s asset taken out of the event.",
            "%(num)s assets taken out of the event.",
            count,
        )

    def _page_context(self, item: Event, manage: bool) -> dict[str, Any]:
        return {"can_upload": manage and current_user.can_upload, "upload_form": UploadForm()}

    def _form_context(self) -> dict[str, Any]:
        return {"time_zones": AMERICAS_ZONES}

    def upload(self, db: Session, event: Event) -> ResponseReturnValue:
        """One file of the drop zone, archived into the event (JSON in, JSON out)."""
        back = self.url("page", event)
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
            asset = create_asset(
                db,
                storage(),
                ingest_settings(),
                current_user,
                file.stream,
                file.filename,
                form.to_fields(),
                event=event,
                compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
            )
        except DuplicateAsset as exc:
            url = duplicate_url(exc)
            message = _(exc.message)
            if wants_json:
                extra: dict[str, Any] = {"existing_url": url} if url else {}
                extra["total"] = self._total(db, event)  # it may have joined the event
                return _json_error(409, "duplicate", message, **extra)
            flash(message, "info")
            return redirect(back)
        except BrandHubError as exc:
            if wants_json:
                return refusal_json(exc, file.filename)
            flash(_(exc.message), "error")
            return redirect(back)
        if not wants_json:
            flash(_("“%(title)s” was added to the library.", title=asset.title), "success")
            return redirect(back)
        # Near duplicates: a burst of the same shot, a re-export.
        return jsonify(uploaded_json(asset, flag_similar(asset), self._total(db, event))), 201

    def _total(self, db: Session, event: Event) -> int:
        """How many assets of the event the person sees (the page's count)."""
        return count_rows(db, self.kind.members(current_user, event))

    def publish(self, db: Session, event: Event) -> ResponseReturnValue:
        """Publish the coverage (or the selected photos) to the press kit, after a preview.

        GET, or a POST from the event's selection (``step=preview``), shows what the
        press kit will show; the form's POST (``step=publish``) does it.
        """
        back = self.url("page", event)
        if not can_manage(current_user, event):
            flash(_("You do not have permission to do this."), "error")
            return redirect(back)
        raw = request.values.getlist("asset_ids")
        try:
            ids = selection_ids(raw) if raw else None
        except InvalidInput as exc:
            flash(_(exc.message), "error")
            return redirect(back)
        if request.method == "POST" and request.form.get("step") == "publish":
            form = PublishForm()
            if form.validate_on_submit():
                outcome = publish_coverage(db, current_user, event, ids, form.to_params())
                return render_template(
                    "events/published.html",
                    outcome=outcome,
                    title=_("Publish the coverage"),
                    back=back,
                    item=event,
                    kit_url=url_for("presskit.kit", ref=kit_ref(event)),
                )
            status = 400
        else:
            form = PublishForm(formdata=None)
            form.credit.data = common_credit(db, current_user, event, ids)
            status = 200
        outcome = coverage_preview(db, current_user, event, ids, ActionParams())
        return self._render(
            "publish", status, item=event, form=form, outcome=outcome, asset_ids=ids or []
        )

    def assign(self, asset_id: int) -> ResponseReturnValue:
        """The asset page's event menu: make the asset part of an event, or of none."""
        db = get_session()
        asset = get_visible_asset(db, current_user, asset_id)
        raw = request.form.get("event_id", "")
        if raw.isdigit():
            event = EVENTS.get_visible(db, current_user, int(raw))
            EVENTS.add(db, current_user, event, [asset.id])
            flash(_("Now part of “%(title)s”.", title=event.title), "success")
        else:
            require_edit(current_user, asset)
            asset.event = None
            db.commit()
            flash(_("No longer part of an event."), "success")
        return redirect(url_for("web.asset_page", asset_id=asset.id))


class CollectionPages(SetPages[Collection]):
    """Collection pages: adding a selection, and the asset page's panel."""

    kind = COLLECTIONS
    form = SetForm
    remove_view = "remove"

    def __init__(self) -> None:
        super().__init__()
        self._route(f"/<int:{COLLECTIONS.id_arg}>/add", "add", self._loaded(self.add), ["POST"])
        self._route("/add", "add_to_chosen", self.add_to_chosen, ["POST"])
        self.bp.app_context_processor(_archive_panel)

    def _cannot_create(self) -> str:
        return _("Your role cannot create collections. Ask an administrator.")

    def _created(self, item: Collection) -> str:
        return _("Collection “%(title)s” created.", title=item.title)

    def _deleted(self, title: str) -> str:
        return _(
            "The collection “%(title)s” was deleted; its assets stay in the library.", title=title
        )

    def _removed(self, count: int) -> str:
        return ngettext(
            "%(num)s asset taken out of the collection.",
            "%(num)s assets taken out of the collection.",
            count,
        )

    def _return_to(self, item: Collection) -> str:
        # A selection may be sent from another page, which says where to go back.
        return back_url(self.url("page", item))

    def add(self, db: Session, collection: Collection) -> ResponseReturnValue:
        """Add the selected assets (or the one of an asset page)."""
        back = self._return_to(collection)
        try:
            ids = selection_ids(request.form.getlist("asset_ids"))
            count = COLLECTIONS.add(db, current_user, collection, ids)
        except InvalidInput as exc:
            flash(_(exc.message), "error")
        else:
            message = ngettext(
                "%(num)s asset added to “%(title)s”.",
                "%(num)s assets added to “%(title)s”.",
                count,
                title=collection.title,
            )
            flash(message, "success")
        return redirect(back)

    def add_to_chosen(self) -> ResponseReturnValue:
        """The selection form's "add to collection" menu: the collection is a field."""
        raw = request.form.get("collection_id", "")
        if not raw.isdigit():
            flash(_("Choose a collection."), "error")
            return redirect(back_url(self.url("index")))
        db = get_session()
        return self.add(db, COLLECTIONS.get_visible(db, current_user, int(raw)))


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
    events = EVENTS.manageable(db, current_user, 200)[:100] if can_edit(current_user, asset) else []
    member = {c.id for c in collections}
    choices = [c for c in COLLECTIONS.manageable(db, current_user, 500) if c.id not in member]
    return {"event": event, "collections": collections, "events": events, "choices": choices}


def _archive_panel() -> dict[str, Any]:
    return {"archive_of": archive_of}


event_pages = EventPages()
collection_pages = CollectionPages()
