"""The check desk: any agency checks a piece against a brand, without an account if the
brand allows it, and reads a clear report."""

from __future__ import annotations

import base64

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField

from guidelines import CATEGORIES, CATEGORY_TITLES

from ..api.compliance import check_desk_limiter
from ..db import get_session
from ..operations.brands import latest_brands
from ..operations.compliance import check_stream
from ..services import ingest_settings

bp = Blueprint("check", __name__)


class CheckForm(FlaskForm):
    file = FileField(_l("Your piece"), validators=[FileRequired(_l("Choose a file to check."))])
    brand = SelectField(_l("Brand"), validate_choice=True)
    category = SelectField(
        _l("What kind of piece is it?"),
        choices=[SelectChoice(c, CATEGORY_TITLES.get(c, c)) for c in CATEGORIES],
        validate_choice=True,
    )


def _brands() -> dict:  # type: ignore[type-arg]
    signed_in = current_user.is_authenticated
    return {
        slug: found
        for slug, found in latest_brands(get_session()).items()
        if signed_in or found[1].public_checks
    }


@bp.route("/verificar", methods=["GET", "POST"])
def desk():  # type: ignore[no-untyped-def]
    brands = _brands()
    form = CheckForm()
    form.brand.choices = [SelectChoice(slug, b.name) for slug, (_v, b) in brands.items()]
    if request.method == "POST" and form.validate_on_submit():
        if not current_user.is_authenticated:
            limiter = check_desk_limiter()
            if not limiter.hit(request.remote_addr):
                form.file.errors.append(_("Too many checks: wait a few minutes."))
                page = render_template("check/desk.html", form=form, brands=brands)
                return page, 429, {"Retry-After": str(limiter.retry_after(request.remote_addr))}
        version, brand = brands[form.brand.data]
        upload = form.file.data
        report, image = check_stream(
            upload.stream,
            upload.filename,
            brand,
            form.category.data,
            ingest_settings(),
            preview=True,
        )
        preview = "data:image/webp;base64," + base64.b64encode(image).decode() if image else None
        return render_template(
            "check/report.html",
            report=report.to_dict(),
            brand=brand,
            version=version,
            filename=upload.filename,
            preview=preview,
            category_title=CATEGORY_TITLES.get(form.category.data, form.category.data),
        )
    status = 400 if request.method == "POST" else 200
    return render_template("check/desk.html", form=form, brands=brands), status
