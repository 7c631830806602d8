"""The library's bulk actions: one form, the selected assets (or every result of a search).

The selection bar of the library (templates/bulk/_bar.html) posts here the
checked assets, or ``scope=all`` with the search it was on (``search``: the
library's query string, its words, filters and order: every result of it, not
only the page). The pressed button names
the action (operations/bulk_actions.py, or ``zip``). A deletion is first shown
on a page that asks to confirm it (without JavaScript too). The answer is a page
saying how many were done and which were refused and why.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from assets.errors import BrandHubError
from search_index import IndexUnavailable, InvalidQuery

from ..db import get_session
from ..forms import ActionForm, first_error
from ..forms.bulk import ZIP
from ..models import Asset
from ..operations.access import visible_filter
from ..operations.bulk_actions import BulkOutcome, run_action
from ..operations.selection import MAX_SELECTION, selection_ids
from ..operations.sets import COLLECTIONS, EVENTS
from ..operations.status import can_approve
from ..search import all_result_ids, query_from_args
from ..sending import send_zip
from ..services import storage
from .downloads import back_url
from .user import signed_in

bp = Blueprint("bulk", __name__)


class SelectionRefused(Exception):
    """The selection cannot be read; the message says why (already translated)."""


def action_labels() -> dict[str, str]:
    """What each action is called on the result page."""
    return {
        "review": _("Send for review"),
        "approve": _("Approve"),
        "publish": _("Publish"),
        "withdraw": _("Withdraw from public pages"),
        "rights": _("Set the rights"),
        "edit": _("Edit the details"),
        "event": _("Add to an event"),
        "collection": _("Add to a collection"),
        "delete": _("Delete"),
    }


def _selected_ids() -> list[int]:
    """The checked ids, or every result of the search the bar was on (``scope=all``)."""
    if request.form.get("scope") != "all":
        return selection_ids(request.form.getlist("asset_ids"))
    try:
        search = MultiDict(parse_qsl(request.form.get("search", "")[:10_000]))
        query = query_from_args(search, current_app.config["PER_PAGE"])
        ids, total = all_result_ids(signed_in(), query, MAX_SELECTION)
    except InvalidQuery:
        raise SelectionRefused(
            _("The search could not be read again; select the assets.")
        ) from None
    except IndexUnavailable:
        raise SelectionRefused(
            _("Search is not available right now; select the assets one by one.")
        ) from None
    if total > MAX_SELECTION:
        raise SelectionRefused(
            _(
                "This search has %(total)s results; at most %(max)s can be changed at once."
                " Narrow the search with its filters.",
                total=total,
                max=MAX_SELECTION,
            )
        )
    if not ids:
        raise SelectionRefused(_("Select at least one asset."))
    return ids


def _visible(ids: list[int]) -> list[Asset]:
    rows = get_session().scalars(
        select(Asset).where(Asset.id.in_(ids), visible_filter(signed_in()))
    )
    found = {a.id: a for a in rows}
    return [found[i] for i in ids if i in found]


def result_page(outcome: BulkOutcome, back: str, **extra: Any) -> ResponseReturnValue:
    """The page that says what was done and what was refused, and why."""
    return render_template(
        "bulk/result.html",
        outcome=outcome,
        title=action_labels()[outcome.action],
        back=back,
        **extra,
    )


@bp.post("/assets/actions")
@login_required
def run() -> ResponseReturnValue:
    back = back_url(url_for("web.library"))
    form = ActionForm()
    if not form.validate_on_submit():
        flash(first_error(form), "error")
        return redirect(back)
    try:
        ids = _selected_ids()
    except SelectionRefused as exc:
        flash(str(exc), "error")
        return redirect(back)
    except BrandHubError as exc:
        flash(_(exc.message), "error")
        return redirect(back)
    action = form.action.data
    if action == ZIP:
        return send_zip(_visible(ids), request.form.get("preset"), "seleccion")
    if action == "delete" and not form.confirm.data:
        return render_template("bulk/confirm.html", assets=_visible(ids), back=back)
    try:
        outcome = run_action(
            get_session(), signed_in(), action, ids, form.to_params(), storage=storage()
        )
    except BrandHubError as exc:
        get_session().rollback()
        flash(_(exc.message), "error")
        return redirect(back)
    return result_page(outcome, back)


@bp.app_context_processor
def _bar() -> dict[str, Any]:
    return {"bulk_bar": bulk_bar}


def bulk_bar() -> dict[str, Any]:
    """What the library's selection bar offers the signed-in person."""
    user = signed_in()
    db = get_session()
    return {
        "form": ActionForm(formdata=None),
        "can_edit": user.can_upload,
        "can_approve": can_approve(user),
        "events": EVENTS.manageable(db, user, 200)[:100] if user.can_upload else [],
        "collections": COLLECTIONS.manageable(db, user, 500),
    }
