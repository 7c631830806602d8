"""Library, upload, asset page and the files behind them (session sign-in)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from assets.errors import BrandHubError, DuplicateAsset
from search_index import IndexUnavailable, InvalidQuery

from ..db import get_session
from ..errors import status_for
from ..forms import AssetMetaForm, UploadForm, form_errors
from ..models import Agency
from ..operations.access import can_edit, get_visible_asset
from ..operations.assets import create_asset, delete_asset, update_asset
from ..operations.compliance import latest_report
from ..operations.downloads import RESIZABLE
from ..operations.listing import newest_visible, visible_total
from ..presets import presets
from ..search import assets_for, query_from_args, run_search
from ..sending import send_download, send_original, send_rendition
from ..services import ingest_settings, storage
from .status import flash_back_to_review
from .uploads import (
    duplicate_url,
    flag_similar,
    refusal_json,
    similar_message,
    uploaded_json,
)
from .user import signed_in, visitor

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def library() -> ResponseReturnValue:
    """The library: search, facets and sorting over what the person may see."""
    db = get_session()
    per_page = current_app.config["PER_PAGE"]
    try:
        query = query_from_args(request.args, per_page)
    except InvalidQuery:  # a hand-edited URL: show the first page rather than an error
        query = query_from_args(MultiDict({"q": request.args.get("q", "")}), per_page)
    try:
        results = run_search(signed_in(), **query)
    except InvalidQuery:
        query.update(sort="newest", filters={}, page=1)
        results = run_search(signed_in(), **query)
    except IndexUnavailable:
        return _plain_listing(db, query["page"], per_page)
    agencies = dict(db.execute(select(Agency.slug, Agency.name)).all())
    results, assets = assets_for(db, signed_in(), results)
    return render_template(
        "library.html",
        assets=assets,
        hits={hit.id: hit for hit in results.hits},
        results=results,
        query=query,
        total=results.total,
        page=results.page,
        pages=results.pages,
        agency_names=agencies,
    )


def _plain_listing(db: Session, page: int, per_page: int) -> ResponseReturnValue:
    """Newest first from the database, when the search index cannot answer."""
    found = newest_visible(db, signed_in(), page, per_page)
    return render_template(
        "library.html",
        assets=found.rows,
        total=found.total,
        page=page,
        pages=found.pages,
        search_unavailable=True,
        query={"text": "", "filters": {}, "sort": "newest"},
    )


def _agency_choices() -> list[tuple[str, str]]:
    db = get_session()
    user = signed_in()
    if user.sees_all_agencies:
        agencies = db.scalars(select(Agency).order_by(Agency.name)).all()
    else:
        agencies = [user.agency] if user.agency else []
    return [(a.slug, a.name) for a in agencies]


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload() -> ResponseReturnValue:
    wants_json = request.accept_mimetypes.best == "application/json"
    if not signed_in().can_upload:
        if wants_json:
            return jsonify(
                {
                    "error": {
                        "code": "forbidden",
                        "message": _("You do not have permission to do this."),
                    }
                }
            ), 403
        flash(_("Your role cannot upload files. Ask an administrator."), "error")
        return redirect(url_for("web.library"))
    form = UploadForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            if wants_json:
                return jsonify(
                    {
                        "error": {
                            "code": "validation",
                            "message": _("Some fields are not valid."),
                            "fields": form_errors(form),
                        }
                    }
                ), 400
            return render_template("upload.html", form=form, agencies=_agency_choices()), 400
        upload_file = form.file.data
        try:
            asset = create_asset(
                get_session(),
                storage(),
                ingest_settings(),
                signed_in(),
                upload_file.stream,
                upload_file.filename,
                form.to_fields(),
                compliance_blocks=current_app.config["COMPLIANCE_BLOCKS_UPLOADS"],
            )
        except DuplicateAsset as exc:
            url = duplicate_url(exc)
            message = _(exc.message)
            if wants_json:
                error = {"code": "duplicate", "message": message}
                if url:
                    error["existing_url"] = url
                return jsonify({"error": error}), 409
            flash(message, "info")
            return redirect(url or url_for("web.upload"))
        except BrandHubError as exc:
            status = status_for(exc)
            report = exc.details.get("report")
            if wants_json:
                return refusal_json(exc, upload_file.filename)
            form.file.errors = [_(exc.message)]
            page = render_template(
                "upload.html", form=form, agencies=_agency_choices(), report=report
            )
            return page, status
        url = url_for("web.asset_page", asset_id=asset.id)
        similar = flag_similar(asset)  # near duplicates the uploader may see
        if wants_json:
            total = visible_total(get_session(), signed_in())
            return jsonify(uploaded_json(asset, similar, total)), 201
        flash(_("“%(title)s” was added to the library.", title=asset.title), "success")
        if similar:
            flash(similar_message(similar), "warning")
        return redirect(url)
    return render_template(
        "upload.html",
        form=form,
        agencies=_agency_choices(),
        total=visible_total(get_session(), signed_in()),
    )


@bp.get("/assets/<int:asset_id>")
@login_required
def asset_page(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), signed_in(), asset_id)
    form = AssetMetaForm(obj=asset)
    # The row's own attributes win over keyword values in WTForms: set these after.
    form.tags.data = ", ".join(asset.tag_names)
    form.agency.data = asset.agency.slug if asset.agency else ""
    return render_template(
        "asset.html",
        asset=asset,
        form=form,
        editable=can_edit(signed_in(), asset),
        compliance=latest_report(get_session(), asset),
        presets=presets(current_app.config, asset.mime) if asset.kind in RESIZABLE else {},
    )


@bp.post("/assets/<int:asset_id>/edit")
@login_required
def asset_edit(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, signed_in(), asset_id)
    form = AssetMetaForm()
    if not form.validate_on_submit():
        return render_template("asset.html", asset=asset, form=form, editable=True), 400
    present = {"title", "description", "tags", "credit", "caption", "copyright"}
    if "category" in request.form:
        present.add("category")
    fields = form.to_fields(present=present)
    if fields.category == (asset.category or ""):
        fields.category = None  # unchanged: no new check
    was_approved = asset.status == "approved"
    update_asset(db, signed_in(), asset, fields, storage())
    flash(_("Changes saved."), "success")
    flash_back_to_review(was_approved, asset)
    return redirect(url_for("web.asset_page", asset_id=asset.id))


@bp.post("/assets/<int:asset_id>/delete")
@login_required
def asset_delete(asset_id: int) -> ResponseReturnValue:
    db = get_session()
    asset = get_visible_asset(db, signed_in(), asset_id)
    title = asset.title
    delete_asset(db, storage(), signed_in(), asset)
    flash(_("“%(title)s” was deleted.", title=title), "success")
    return redirect(url_for("web.library"))


@bp.get("/assets/<int:asset_id>/file")
@login_required
def original(asset_id: int) -> ResponseReturnValue:
    asset = get_visible_asset(get_session(), signed_in(), asset_id)
    return send_original(storage(), asset, attachment=request.args.get("download") == "1")


@bp.get("/assets/<int:asset_id>/download")
@login_required
def download(asset_id: int) -> ResponseReturnValue:
    return send_download(get_visible_asset(get_session(), signed_in(), asset_id), request.args)


@bp.get("/assets/<int:asset_id>/r/<name>")
def rendition(asset_id: int, name: str) -> ResponseReturnValue:
    return send_rendition(storage(), get_visible_asset(get_session(), visitor(), asset_id), name)
