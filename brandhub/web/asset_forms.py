"""Where the asset page's review forms post: the ``review`` blueprint, and how it answers.

Status changes (:mod:`.status`), new versions (:mod:`.versions`) and usage
rights (:mod:`.rights`) each add their routes to :data:`bp` through
:func:`asset_form`; every one comes back to the asset page with a toast.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from ..db import get_session
from ..forms import first_error
from ..models import Asset
from ..operations.access import get_visible_asset
from .user import signed_in

Form = TypeVar("Form", bound=FlaskForm)

#: Endpoints: ``review.status``, ``review.new_version``, ``review.rights``, ``review.version_file``.
bp = Blueprint("review", __name__)


def back_to(asset: Asset) -> ResponseReturnValue:
    """The asset page, where the form was."""
    return redirect(url_for("web.asset_page", asset_id=asset.id))


def asset_form(
    rule: str, form_class: type[Form]
) -> Callable[[Callable[[Asset, Form], ResponseReturnValue]], Callable[[int], ResponseReturnValue]]:
    """Route the posts of a form of the asset page to the decorated function, which gets
    the asset and the valid form. Only for someone signed in who may see the asset; a form
    that is not valid goes back to the page with a toast saying what is wrong."""

    def register(
        handle: Callable[[Asset, Form], ResponseReturnValue],
    ) -> Callable[[int], ResponseReturnValue]:
        @wraps(handle)
        def view(asset_id: int) -> ResponseReturnValue:
            asset = get_visible_asset(get_session(), signed_in(), asset_id)
            form = form_class()
            if not form.validate_on_submit():
                flash(first_error(form), "error")
                return back_to(asset)
            return handle(asset, form)

        bp.post(rule)(login_required(view))
        return view

    return register
