"""Guideline pages: the brand manual people read (palette, typography, logos, rules),
and the page where brand managers publish a new version of a brand file."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from assets.errors import BrandHubError
from guidelines import CATEGORIES, CATEGORY_TITLES, Brand
from guidelines.examples import write_logos

from ..db import get_session
from ..operations.brands import history, latest_brands, load_edited_brand
from ..security import FILE_CSP

bp = Blueprint("brand", __name__, url_prefix="/marca")


class BrandFileForm(FlaskForm):
    text = TextAreaField(_l("Brand file (TOML)"), validators=[DataRequired(), Length(max=200_000)])


def _visible(brand: Brand) -> bool:
    return brand.public_checks or current_user.is_authenticated


def _can_edit() -> bool:
    return current_user.is_authenticated and current_user.role in ("admin", "brand_manager")


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    brands = [(v, b) for v, b in latest_brands(get_session()).values() if _visible(b)]
    return render_template("brand/index.html", brands=brands)


@bp.get("/<slug>")
def page(slug: str):  # type: ignore[no-untyped-def]
    found = latest_brands(get_session()).get(slug)
    if found is None or not _visible(found[1]):
        abort(404)
    version, brand = found
    return render_template(
        "brand/page.html",
        brand=brand,
        version=version,
        categories=[(c, CATEGORY_TITLES.get(c, c), brand.rules_for(c)) for c in CATEGORIES],
        versions=history(get_session(), slug) if _can_edit() else [],
        can_edit=_can_edit(),
    )


def _logo_files(brand: Brand) -> dict[str, dict[str, Path]]:
    """Drawn example logos are written once per brand version under the instance folder."""
    folder = Path(current_app.instance_path) / "brand-logos" / brand.fingerprint[:16]
    files = write_logos(brand, folder) if not folder.is_dir() else {}
    if not files:
        for logo in brand.logos:
            for ext in ("png", "svg"):
                path = folder / f"{brand.slug}-{logo.name}.{ext}"
                if path.is_file():
                    files.setdefault(logo.name, {})[ext] = path
    for logo in brand.logos:
        if logo.path is not None:
            files.setdefault(logo.name, {})[logo.path.suffix.lstrip(".").lower()] = logo.path
    return files


@bp.get("/<slug>/logos/<name>.<ext>")
def logo(slug: str, name: str, ext: str):  # type: ignore[no-untyped-def]
    found = latest_brands(get_session()).get(slug)
    if found is None or not _visible(found[1]) or ext not in ("png", "svg"):
        abort(404)
    path = _logo_files(found[1]).get(name, {}).get(ext)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype="image/png" if ext == "png" else "image/svg+xml",
        as_attachment=True,
        download_name=f"{slug}-{name}.{ext}",
        max_age=3600,
    )
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response


@bp.get("/<slug>/logos/<name>/preview.png")
def logo_preview(slug: str, name: str):  # type: ignore[no-untyped-def]
    found = latest_brands(get_session()).get(slug)
    if found is None or not _visible(found[1]):
        abort(404)
    path = _logo_files(found[1]).get(name, {}).get("png")
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=3600)


@bp.route("/editar", methods=["GET", "POST"])
@login_required
def edit():  # type: ignore[no-untyped-def]
    if not _can_edit():
        abort(403)
    form = BrandFileForm()
    if form.validate_on_submit():
        try:
            version, created = load_edited_brand(get_session(), form.text.data, current_user)
        except BrandHubError as exc:
            form.text.errors.append(_("The brand file is not valid: %(why)s", why=exc.message))
            return render_template("brand/edit.html", form=form), 400
        if created:
            flash(
                _("Version %(v)s of %(name)s published.", v=version.version, name=version.name),
                "success",
            )
        else:
            flash(_("Nothing changed: this is already the current version."), "info")
        return redirect(url_for("brand.page", slug=version.slug))
    return render_template("brand/edit.html", form=form)
