"""ZIP downloads, the focal point and bulk edits of a selection (session sign-in).

The ZIP itself is made by :func:`brandhub.sending.send_zip`, the one way a list
of assets leaves as a ZIP (pages, the API, share links and the press kit).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from assets.errors import InvalidInput

from ..db import get_session
from ..forms import BulkForm
from ..operations.access import get_visible_asset, require_edit
from ..operations.bulk import bulk_update
from ..operations.downloads import RESIZABLE, may_be_transparent
from ..operations.selection import selection_ids, visible_selection
from ..presets import FREE_FORMATS, max_side, presets
from ..sending import ORIGINAL, send_zip
from .user import signed_in

bp = Blueprint("downloads", __name__)


def zip_choices() -> list[tuple[str, Any]]:
    """(value, label) of the ZIP menus: the originals, then every preset."""
    return [
        (ORIGINAL, _("Original files")),
        *((n, p["label"]) for n, p in presets(current_app.config).items()),
    ]


def back_url(default: str) -> str:
    """Where to return after a form: a local path sent by the page, else ``default``."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@bp.app_context_processor
def _menus() -> dict[str, Any]:
    return {"zip_choices": zip_choices, "RESIZABLE": RESIZABLE}


def free_size(anonymous: bool = False) -> dict[str, Any]:
    """What the download menus' free-size form offers: the longest side and the formats."""
    return {
        "max_side": max_side(current_app.config, anonymous=anonymous),
        "formats": FREE_FORMATS,
    }


# A global, not a context variable: the download menu macros are imported without context.
bp.add_app_template_global(may_be_transparent, "may_be_transparent")
bp.add_app_template_global(free_size, "free_size")


@bp.post("/assets/<int:asset_id>/focal")
@login_required
def focal(asset_id: int) -> ResponseReturnValue:
    """Where crops centre, as fractions of the width and height (a click on the preview)."""
    db = get_session()
    user = signed_in()
    asset = get_visible_asset(db, user, asset_id)
    require_edit(user, asset)
    try:
        x, y = float(request.form["x"]), float(request.form["y"])
    except (KeyError, ValueError):
        raise InvalidInput("The focal point needs x and y between 0 and 1.") from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise InvalidInput("The focal point needs x and y between 0 and 1.")
    asset.focal_x, asset.focal_y = round(x, 4), round(y, 4)
    db.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"x": asset.focal_x, "y": asset.focal_y})
    flash(_("Focal point saved: crops now centre there."), "success")
    return redirect(url_for("web.asset_page", asset_id=asset.id))


@bp.post("/assets/selection.zip")
@login_required
def selection_zip() -> ResponseReturnValue:
    """The selected assets (checkboxes of an event or collection page) as a ZIP."""
    ids = selection_ids(request.form.getlist("asset_ids"))
    assets = visible_selection(get_session(), signed_in(), ids)
    return send_zip(assets, request.form.get("preset"), request.form.get("title") or "seleccion")


@bp.post("/assets/bulk")
@login_required
def bulk() -> ResponseReturnValue:
    """One set of changes applied to every selected asset."""
    back = back_url(url_for("web.library"))
    form = BulkForm()
    if not form.validate_on_submit():
        flash(_("Some fields are not valid."), "error")
        return redirect(back)
    try:
        ids = selection_ids(request.form.getlist("asset_ids"))
        changed = bulk_update(get_session(), signed_in(), ids, form.to_changes())
    except InvalidInput as exc:
        flash(_(exc.message), "error")
        return redirect(back)
    flash(ngettext("%(num)s asset updated.", "%(num)s assets updated.", len(changed)), "success")
    return redirect(back)
