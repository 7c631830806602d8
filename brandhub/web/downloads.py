"""ZIP downloads, the focal point and bulk edits of a selection (session sign-in).

:func:`send_zip` is the one way a list of assets leaves as a ZIP: event and
collection pages, a selection, and (for part of the archive that is public)
share links and the press kit. It resolves the preset, makes the derived
files, and streams the archive with its Content-Length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from assets.errors import InvalidInput

from ..db import get_session
from ..errors import ApiError
from ..forms_archive import BulkForm
from ..models import Asset
from ..operations.access import get_visible_asset, require_edit
from ..operations.archive import MAX_SELECTION, selection_ids, visible_selection
from ..operations.bulk import bulk_update
from ..operations.downloads import RESIZABLE, may_be_transparent, slug, zip_stream
from ..presets import preset_spec, presets
from ..security import FILE_CSP
from ..sending import content_disposition, is_anonymous, refuse_if_rendering_too_often
from ..services import ingest_settings, storage
from .tracking import note_downloads

bp = Blueprint("downloads", __name__)

#: Menu entry meaning "the files as they were uploaded".
ORIGINAL = "original"


def zip_spec(name: str | None) -> str | None:
    """The spec of a ZIP's preset; None (or "original") keeps the originals."""
    if not name or name == ORIGINAL:
        return None
    return preset_spec(current_app.config, name)


def send_zip(assets: Sequence[Asset], preset: str | None, title: str) -> Response:
    """``assets`` as one streamed ZIP named after ``title`` and the preset."""
    limit = int(current_app.config.get("ZIP_MAX_FILES") or MAX_SELECTION)
    if not assets:
        raise ApiError(404, "empty", _("There is nothing to download here."))
    if len(assets) > limit:
        raise ApiError(400, "too_many", _("A ZIP holds at most %(max)s files.", max=limit))
    spec = zip_spec(preset)
    store = storage()
    # Press kit and share-link visitors render within the anonymous work budget, and a
    # ZIP in a preset counts as one rendering against their address's limit.
    anonymous = is_anonymous()
    if anonymous and spec is not None:
        refuse_if_rendering_too_often()
    settings = ingest_settings(anonymous=anonymous)
    chunks, length = zip_stream(store, settings, assets, spec)
    note_downloads(assets, "zip", preset or ORIGINAL)  # logged once the response is made
    name = f"{slug(title, 'descarga')}-{preset or ORIGINAL}.zip"
    headers = {
        "Content-Disposition": content_disposition(name, True),
        "Content-Security-Policy": FILE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    if length is not None:
        headers["Content-Length"] = str(length)
    return Response(
        chunks,
        mimetype="application/zip",
        headers=headers,
        direct_passthrough=True,
    )


def zip_choices() -> list[tuple[str, Any]]:
    """(value, label) of the ZIP menus: the originals, then every preset."""
    return [
        (ORIGINAL, _("Original files")),
        *((n, p["label"]) for n, p in presets(current_app.config).items()),
    ]


def _back(default: str) -> str:
    """Where to return after a form: a local path sent by the page, else ``default``."""
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@bp.app_context_processor
def _menus() -> dict[str, Any]:
    return {"zip_choices": zip_choices, "RESIZABLE": RESIZABLE}


# A global, not a context variable: the download menu macros are imported without context.
bp.add_app_template_global(may_be_transparent, "may_be_transparent")


@bp.post("/assets/<int:asset_id>/focal")
@login_required
def focal(asset_id: int):  # type: ignore[no-untyped-def]
    """Where crops centre, as fractions of the width and height (a click on the preview)."""
    db = get_session()
    asset = get_visible_asset(db, current_user, asset_id)
    require_edit(current_user, asset)
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
def selection_zip():  # type: ignore[no-untyped-def]
    """The selected assets (checkboxes of an event or collection page) as a ZIP."""
    ids = selection_ids(request.form.getlist("asset_ids"))
    assets = visible_selection(get_session(), current_user, ids)
    return send_zip(assets, request.form.get("preset"), request.form.get("title") or "seleccion")


@bp.post("/assets/bulk")
@login_required
def bulk():  # type: ignore[no-untyped-def]
    """One set of changes applied to every selected asset."""
    back = _back(url_for("web.library"))
    form = BulkForm()
    if not form.validate_on_submit():
        flash(_("Some fields are not valid."), "error")
        return redirect(back)
    try:
        ids = selection_ids(request.form.getlist("asset_ids"))
        changed = bulk_update(get_session(), current_user, ids, form.to_changes())
    except InvalidInput as exc:
        flash(_(exc.message), "error")
        return redirect(back)
    flash(ngettext("%(num)s asset updated.", "%(num)s assets updated.", len(changed)), "success")
    return redirect(back)
