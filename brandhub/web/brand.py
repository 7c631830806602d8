"""Guideline pages: the brand manual people read (palette, typography, logos, rules),
and the pages where brand managers publish a new version of a brand file.

A brand whose file says ``public_checks = true`` is public: its manual, its
logo downloads and its check desk need no account. Other brands are shown to
signed-in people only (anonymous visitors get a 404, as for anything hidden).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import TextAreaField
from wtforms.validators import Length

from assets.errors import BrandHubError
from guidelines import CATEGORIES, Brand

from ..db import get_session
from ..models import BrandVersion
from ..operations.brand_fonts import brand_font_files
from ..operations.brands import (
    brand_of,
    brand_version,
    history,
    latest_brands,
    latest_version,
    load_edited_brand,
    logo_file,
    logo_formats,
    mime_for,
)
from ..sending import send_stored
from ..services import ingest_settings, storage
from .report_text import category_name
from .rule_text import describe
from .user import signed_in, visitor

bp = Blueprint("brand", __name__, url_prefix="/marca")
MAX_BRAND_FILE = 200_000  # characters: the largest shipped brand file is about 15 000


class BrandFileForm(FlaskForm):
    text = TextAreaField(_l("Brand file (TOML)"), validators=[Length(max=MAX_BRAND_FILE)])
    upload = FileField(
        _l("…or upload the .toml file"),
        validators=[FileAllowed(["toml", "txt"], _l("Upload a .toml file."))],
    )

    def brand_text(self) -> str | None:
        """The uploaded file's text if a file was sent, else the pasted text; None if invalid."""
        if self.upload.data:
            raw = self.upload.data.read(MAX_BRAND_FILE * 4 + 1)
            try:
                text: str = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.upload.errors = [_("The file is not UTF-8 text.")]
                return None
            if len(text) > MAX_BRAND_FILE:
                self.upload.errors = [_("The file is too long for a brand file.")]
                return None
            self.text.data = text
            return text
        if not (self.text.data or "").strip():
            self.text.errors = [_("Paste the brand file or upload it.")]
            return None
        return self.text.data


def _visible(brand: Brand) -> bool:
    return brand.public_checks or visitor() is not None


def _can_edit() -> bool:
    user = visitor()
    return user is not None and user.role in ("admin", "brand_manager")


def _shown(slug: str) -> tuple[BrandVersion, Brand, bool]:
    """The version a page shows (the latest, or ``?version=<id>``), its brand, and latest?"""
    db = get_session()
    latest = latest_version(db, slug)
    if latest is None:
        abort(404)
    version = latest
    asked = request.args.get("version", type=int)
    if asked is not None and asked != latest.id:
        version = brand_version(db, slug, asked) or abort(404)
    brand = brand_of(version)
    if not _visible(brand_of(latest)) or not _visible(brand):
        abort(404)
    return version, brand, version.id == latest.id


def _names() -> dict[str, str]:
    """Brand names by slug, for "based on …" lines."""
    return {slug: brand.name for slug, (_v, brand) in latest_brands(get_session()).items()}


@bp.get("/")
def index() -> ResponseReturnValue:
    brands = [(v, b) for v, b in latest_brands(get_session()).values() if _visible(b)]
    return render_template("brand/index.html", brands=brands, names=_names(), can_edit=_can_edit())


@bp.get("/<slug>")
def page(slug: str) -> ResponseReturnValue:
    version, brand, current = _shown(slug)
    store = storage()
    rules = [
        (c, category_name(c), [(r, describe(r, brand)) for r in brand.rules_for(c)])
        for c in CATEGORIES
    ]
    return render_template(
        "brand/page.html",
        brand=brand,
        version=version,
        current=current,
        categories=rules,
        formats={logo.name: logo_formats(store, brand, logo.name) for logo in brand.logos},
        version_arg=None if current else version.id,
        versions=history(get_session(), slug) if _can_edit() else [],
        can_edit=_can_edit(),
        names=_names(),
        font_files=brand_font_files(
            get_session(), visitor(), [font.name for font in brand.typography]
        ),
    )


@bp.get("/<slug>/<slug_again>.toml")
@login_required
def source(slug: str, slug_again: str) -> ResponseReturnValue:
    """The brand file as published (the shown version), to edit it in one's own editor."""
    if not _can_edit() or slug_again != slug:
        abort(404)
    version, _brand, _current = _shown(slug)
    if version.source is None:
        abort(404)
    response = make_response(version.source)
    response.mimetype = "text/plain"
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.toml"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<slug>/logos/<name>.<ext>")
def logo(slug: str, name: str, ext: str) -> ResponseReturnValue:
    """An official logo version to download, in a format the brand allows."""
    _version, brand, _current = _shown(slug)
    store = storage()
    key = logo_file(store, brand, name, ext) if ext in logo_formats(store, brand, name) else None
    return _send_logo(brand, key, f"{name}.{ext}", mime_for(ext), attachment=True)


@bp.get("/<slug>/logos/<name>/preview.png")
def logo_preview(slug: str, name: str) -> ResponseReturnValue:
    _version, brand, _current = _shown(slug)
    key = logo_file(storage(), brand, name, "png")
    return _send_logo(brand, key, f"{name}.png", "image/png", attachment=False)


def _send_logo(
    brand: Brand, key: str | None, name: str, mime: str, *, attachment: bool
) -> ResponseReturnValue:
    """A stored logo file (404 without one), cached an hour; private unless anyone may check."""
    if key is None:
        abort(404)
    store = storage()
    return send_stored(
        store,
        key,
        size=store.size(key),
        mime=mime,
        etag=key.rsplit("/", 1)[-1],
        filename=f"{brand.slug}-{name}",
        attachment=attachment,
        cache_seconds=3600,
        private=not brand.public_checks,
    )


def _publish(form: BrandFileForm, slug: str | None) -> ResponseReturnValue | None:
    """Validate and publish the form's brand file; a response, or None to show the form."""
    text = form.brand_text()
    if text is None:
        return None
    try:
        version, created = load_edited_brand(
            get_session(), storage(), text, signed_in(), slug=slug, settings=ingest_settings()
        )
    except BrandHubError as exc:
        form.text.errors = [_("The brand file is not valid: %(why)s", why=_(exc.message))]
        return None
    if created:
        flash(
            _("Version %(v)s of %(name)s published.", v=version.version, name=version.name),
            "success",
        )
    else:
        flash(_("Nothing changed: this is already the current version."), "info")
    return redirect(url_for("brand.page", slug=version.slug))


@bp.route("/nueva", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    if not _can_edit():
        abort(403)
    return _edit_page(None, None)


@bp.route("/<slug>/editar", methods=["GET", "POST"])
@login_required
def edit(slug: str) -> ResponseReturnValue:
    if not _can_edit():
        abort(403)
    version = latest_version(get_session(), slug)
    if version is None:
        abort(404)
    return _edit_page(slug, version)


def _edit_page(slug: str | None, version: BrandVersion | None) -> ResponseReturnValue:
    """The brand file form: a new brand (no ``version``) or the next version of one."""
    form = BrandFileForm()
    if form.validate_on_submit():
        done = _publish(form, slug)
        if done is not None:
            return done
    elif request.method == "GET" and version is not None:
        form.text.data = version.source or ""
    status = 400 if request.method == "POST" else 200
    if version is None:
        parents = latest_brands(get_session())
        return render_template("brand/edit.html", form=form, brand=None, parents=parents), status
    page = render_template("brand/edit.html", form=form, brand=brand_of(version), version=version)
    return page, status
