"""An asset's status on its page: the labels of statuses and moves, and the form that moves it."""

from __future__ import annotations

from flask import flash
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..forms import StatusForm
from ..models import Asset
from ..operations.status import change_status
from .asset_forms import asset_form, back_to
from .user import signed_in


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


def review_reasons() -> dict[str, str]:
    """What the history says of the moves BrandHub made itself (``StatusChange.reason``)."""
    return {
        "new_file": _("A new file was uploaded: it needs approval before it is public again."),
        "text_changed": _("Its public text changed: it needs approval before it is public again."),
        "back": _("The change sent it back to review: it is not public until it is approved."),
    }


def flash_back_to_review(was_approved: bool, asset: Asset) -> None:
    """Tell the person their change took an approved asset back to review."""
    if was_approved and asset.status == "in_review":
        flash(review_reasons()["back"], "warning")


@asset_form("/assets/<int:asset_id>/status", StatusForm)
def status(asset: Asset, form: StatusForm) -> ResponseReturnValue:
    change = change_status(
        get_session(), signed_in(), asset, form.status.data, form.comment.data or ""
    )
    flash(_("Status changed to “%(status)s”.", status=status_labels()[change.to_status]), "success")
    return back_to(asset)
