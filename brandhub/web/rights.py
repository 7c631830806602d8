"""An asset's usage rights on its page: the form that saves them."""

from __future__ import annotations

from flask import flash
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from assets.errors import InvalidInput

from ..db import get_session
from ..forms import RightsForm
from ..models import Asset
from ..operations.rights import update_rights
from .asset_forms import asset_form, back_to
from .status import flash_back_to_review
from .user import signed_in


@asset_form("/assets/<int:asset_id>/rights", RightsForm)
def rights(asset: Asset, form: RightsForm) -> ResponseReturnValue:
    was_approved = asset.status == "approved"
    try:
        update_rights(get_session(), signed_in(), asset, form.to_fields())
    except InvalidInput as exc:
        flash(_(exc.message), "error")
        return back_to(asset)
    flash(_("Usage rights saved."), "success")
    flash_back_to_review(was_approved, asset)
    return back_to(asset)
