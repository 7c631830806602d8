"""An asset's usage rights on its page: the form that saves them."""

from __future__ import annotations

from flask import flash
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from assets.errors import InvalidInput

from ..db import get_session
from ..forms import RightsForm
from ..operations.rights import update_rights
from .asset_forms import back_to, bp, posted
from .status import flash_back_to_review
from .user import signed_in


@bp.post("/assets/<int:asset_id>/rights")
@login_required
def rights(asset_id: int) -> ResponseReturnValue:
    asset, form = posted(asset_id, RightsForm)
    if form is None:
        return back_to(asset)
    was_approved = asset.status == "approved"
    try:
        update_rights(get_session(), signed_in(), asset, form.to_fields())
    except InvalidInput as exc:
        flash(_(exc.message), "error")
        return back_to(asset)
    flash(_("Usage rights saved."), "success")
    flash_back_to_review(was_approved, asset)
    return back_to(asset)
