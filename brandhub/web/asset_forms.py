"""Where the asset page's review forms post: the ``workflow`` blueprint, and how it answers.

Status changes (:mod:`.status`), new versions (:mod:`.versions`) and usage
rights (:mod:`.rights`) each add their routes to :data:`bp`; every one comes
back to the asset page with a toast.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from ..db import get_session
from ..forms import first_error
from ..models import Asset
from ..operations.access import get_visible_asset
from .user import signed_in

Form = TypeVar("Form", bound=FlaskForm)

#: The endpoint names stay ``workflow.status``, ``workflow.new_version`` and so on.
bp = Blueprint("workflow", __name__)


def back_to(asset: Asset) -> ResponseReturnValue:
    """The asset page, where the form was."""
    return redirect(url_for("web.asset_page", asset_id=asset.id))


def posted(asset_id: int, form_class: type[Form]) -> tuple[Asset, Form | None]:
    """The asset (if this person may see it) and its posted form; None for a form
    that is not valid, after a toast saying what is wrong."""
    asset = get_visible_asset(get_session(), signed_in(), asset_id)
    form = form_class()
    if form.validate_on_submit():
        return asset, form
    flash(first_error(form), "error")
    return asset, None
