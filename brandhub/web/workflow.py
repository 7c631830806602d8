"""The asset page's workflow parts: status changes, new versions, usage rights.

The forms post here and come back to the asset page with a toast. What the
page shows of the workflow (allowed moves, history, versions, rights, near
duplicates, download count, share links) comes from :func:`asset_panel`,
which the template calls (``templates/workflow/``).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assets.errors import DuplicateAsset, InvalidInput

from ..db import get_session
from ..forms import RightsForm, ShareForm, StatusForm, VersionForm
from ..models import Asset
from ..operations.access import can_edit, can_see_history, get_visible_asset, require_history
from ..operations.rights import LICENCE_URLS, licence_label, rights_state, update_rights
from ..operations.sharing import can_manage_link, links_for
from ..operations.similar import similar_assets
from ..operations.statistics import download_count
from ..operations.status import allowed_transitions, change_status
from ..operations.versions import list_versions, replace_file
from ..sending import send_version
from ..services import ingest_settings, storage

bp = Blueprint("workflow", __name__)

#: How many status changes the asset page lists (the API gives them all).
HISTORY_SHOWN = 10


def status_labels() -> dict[str, str]:
    return {
        "draft": _("Draft"),
        "in_review": _("In review"),
        "approved": _("Approved"),
        "archived": _("Archived"),
    }


def action_labels() -> dict[tuple[str, str], str]:
    """The button for each move, as the person doing it would say it."""
    return {
        ("draft", "in_review"): _("Send for review"),
        ("draft", "archived"): _("Archive"),
        ("in_review", "draft"): _("Back to draft"),
        ("in_review", "approved"): _("Approve"),
        ("approved", "in_review"): _("Withdraw approval"),
        ("approved", "archived"): _("Archive"),
        ("archived", "draft"): _("Restore as draft"),
    }


def _back(asset: Asset) -> Any:
    return redirect(url_for("web.asset_page", asset_id=asset.id))


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Some fields are not valid.")


@bp.post("/assets/<int:asset_id>/status")
@login_required
def status(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, current_user, asset_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _back(asset)
    change = change_status(db, current_user, asset, form.status.data, form.comment.data or "")
    flash(_("Status changed to “%(status)s”.", status=status_labels()[change.to_status]), "success")
    return _back(asset)


@bp.post("/assets/<int:asset_id>/versions")
@login_required
def new_version(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, current_user, asset_id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _back(asset)
    upload = form.file.data
    was_approved = asset.status == "approved"
    try:
        version = replace_file(
            db,
            storage(),
            ingest_settings(),
            current_user,
            asset,
            upload.stream,
            upload.filename,
            form.comment.data or "",
            compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
        )
    except DuplicateAsset as exc:
        if exc.existing_id is None:  # in an asset this person may not see
            flash(_(exc.message), "error")
            return _back(asset)
        flash(_("This file is already in the library as another asset."), "error")
        return redirect(url_for("web.asset_page", asset_id=exc.existing_id))
    except InvalidInput as exc:  # a bad file: say why on the page it came from
        flash(_(exc.message), "error")
        return _back(asset)
    flash(_("Version %(number)s is now the current file.", number=version.number), "success")
    flash_back_to_review(was_approved, asset)
    return _back(asset)


def flash_back_to_review(was_approved: bool, asset: Asset) -> None:
    """Tell the person their change took an approved asset back to review."""
    if was_approved and asset.status == "in_review":
        flash(review_reasons()["back"], "warning")


def review_reasons() -> dict[str, str]:
    """What the history says of the moves BrandHub made itself (``StatusChange.reason``)."""
    return {
        "new_file": _("A new file was uploaded: it needs approval before it is public again."),
        "text_changed": _("Its public text changed: it needs approval before it is public again."),
        "back": _("The change sent it back to review: it is not public until it is approved."),
    }


@bp.get("/assets/<int:asset_id>/versions/<int:number>/file")
@login_required
def version_file(asset_id: int, number: int):  # type: ignore[no-untyped-def]
    asset = get_visible_asset(get_session(), current_user, asset_id)
    require_history(current_user, asset)
    return send_version(asset, number)


@bp.post("/assets/<int:asset_id>/rights")
@login_required
def rights(asset_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    asset = get_visible_asset(db, current_user, asset_id)
    form = RightsForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _back(asset)
    was_approved = asset.status == "approved"
    try:
        update_rights(db, current_user, asset, form.to_fields())
    except InvalidInput as exc:
        flash(_(exc.message), "error")
        return _back(asset)
    flash(_("Usage rights saved."), "success")
    flash_back_to_review(was_approved, asset)
    return _back(asset)


def asset_panel(asset: Asset) -> dict[str, Any]:
    """Everything the workflow sections of the asset page show."""
    db = get_session()
    editable = can_edit(current_user, asset)
    insider = can_see_history(current_user, asset)
    try:
        similar = similar_assets(db, storage(), current_user, asset, limit=8)
    except Exception:  # the page must show even if a thumbnail cannot be read
        current_app.logger.exception("near duplicates of asset %s", asset.id)
        similar = []
    sharer = can_manage_link(current_user, asset)
    moves = allowed_transitions(current_user, asset)
    labels = action_labels()
    return {
        "editable": editable,
        "moves": [(to, labels[(asset.status, to)]) for to in moves],
        "status_form": StatusForm(formdata=None),
        # Earlier files and the history only for its editors (operations/access.py).
        "history": asset.status_changes[:HISTORY_SHOWN] if insider else [],
        "reasons": review_reasons(),
        "status_labels": status_labels(),
        "versions": list_versions(asset) if insider else [],
        "version_form": VersionForm(formdata=None) if editable else None,
        "rights_form": RightsForm(formdata=None).fill(asset) if editable else None,
        "rights_state": rights_state(asset),
        "licence": licence_label(asset.licence),
        "licence_url": LICENCE_URLS.get(asset.licence or ""),
        "similar": similar,
        "downloads": download_count(db, asset.id),
        "share_form": ShareForm(formdata=None) if sharer and asset.status == "approved" else None,
        "can_share": sharer,
        "links": links_for(db, asset) if sharer else [],
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["rights_state"] = rights_state
    app.jinja_env.globals["licence_label"] = licence_label
    app.jinja_env.globals["workflow_panel"] = asset_panel
