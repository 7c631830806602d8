"""An asset's versions on its page: uploading a new file, and the earlier files."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from assets.errors import DuplicateAsset, InvalidInput

from ..db import get_session
from ..forms import VersionForm
from ..models import Asset
from ..operations.access import get_visible_asset, require_history
from ..operations.versions import replace_file
from ..sending import send_version
from ..services import ingest_settings, storage
from .asset_forms import asset_form, back_to, bp
from .status import flash_back_to_review
from .user import signed_in


@asset_form("/assets/<int:asset_id>/versions", VersionForm)
def new_version(asset: Asset, form: VersionForm) -> ResponseReturnValue:
    upload = form.file.data
    was_approved = asset.status == "approved"
    try:
        version = replace_file(
            get_session(),
            storage(),
            ingest_settings(),
            signed_in(),
            asset,
            upload.stream,
            upload.filename,
            form.comment.data or "",
            compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
        )
    except DuplicateAsset as exc:
        if exc.existing_id is None:  # in an asset this person may not see
            flash(_(exc.message), "error")
            return back_to(asset)
        flash(_("This file is already in the library as another asset."), "error")
        return redirect(url_for("web.asset_page", asset_id=exc.existing_id))
    except InvalidInput as exc:  # a bad file: say why on the page it came from
        flash(_(exc.message), "error")
        return back_to(asset)
    flash(_("Version %(number)s is now the current file.", number=version.number), "success")
    flash_back_to_review(was_approved, asset)
    return back_to(asset)


@bp.get("/assets/<int:asset_id>/versions/<int:number>/file")
@login_required
def version_file(asset_id: int, number: int) -> ResponseReturnValue:
    user = signed_in()
    asset = get_visible_asset(get_session(), user, asset_id)
    require_history(user, asset)
    return send_version(asset, number)
