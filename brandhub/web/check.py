"""The check desk: any agency checks a piece against a brand, without an account if the
brand allows it, and reads a clear report that it can print or save as PDF."""

from __future__ import annotations

import base64

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField

from assets.budget import BudgetExceeded
from assets.errors import FileTooLarge, InvalidFile, UnsupportedMediaType
from guidelines import CATEGORIES, Brand, Report

from ..db import get_session
from ..errors import status_for
from ..models import BrandVersion, utcnow
from ..operations.brands import latest_brands, logo_formats
from ..operations.compliance import check_stream
from ..ratelimit import before_body, count_anonymous_check, limited_message
from ..services import ingest_settings, storage
from .report_text import (
    CATEGORY_NAMES,
    brand_list,
    brand_text,
    category_name,
    colour_word,
    logo_title,
    off_palette_words,
    preflight_problem,
    result_message,
    result_title,
    rule_title,
)
from .report_view import value_rows
from .rule_text import pct
from .user import visitor

bp = Blueprint("check", __name__)
#: The brands a visitor may check against, by slug.
Brands = dict[str, tuple[BrandVersion, Brand]]
# Reports are drawn on several pages (the desk, an asset, a refused upload).
bp.record_once(
    lambda state: state.app.jinja_env.globals.update(
        report_value_rows=value_rows,
        category_titles=CATEGORY_NAMES,
        report_title=result_title,
        rule_title=rule_title,
        logo_title=logo_title,
        brand_text=brand_text,
        brand_list=brand_list,
        report_message=result_message,
        off_palette_words=off_palette_words,
        colour_word=colour_word,
        report_pct=pct,
        preflight_problem=preflight_problem,
    )
)
# The order in which a matched logo is offered, after the piece's own format.
_LOGO_FORMATS = ("svg", "png", "pdf", "eps", "jpg")


class CheckForm(FlaskForm):
    file = FileField(_l("Your piece"), validators=[FileRequired(_l("Choose a file to check."))])
    brand = SelectField(_l("Brand"), validate_choice=True)
    category = SelectField(
        _l("What kind of piece is it?"),
        choices=[SelectChoice(c, CATEGORY_NAMES[c]) for c in CATEGORIES],
        validate_choice=True,
    )


def official_downloads(report: Report, brand: Brand, filename: str | None) -> dict[str, object]:
    """The official logo version the piece has the form of, with its download links (the
    piece's own format first); empty when no logo was matched or it has no stored file."""
    name = None
    for result in report.checks:
        if result.check == "logo_version" and result.details.get("form_matches"):
            name = result.details.get("best")
        elif result.check == "logo_colors" and result.details.get("matched_logo"):
            name = name or result.details["matched_logo"]
    if not isinstance(name, str):
        return {}
    try:
        logo = brand.logo(name)
    except KeyError:
        return {}
    formats = logo_formats(storage(), brand, name)
    own = (filename or "").rsplit(".", 1)[-1].lower().replace("jpeg", "jpg")
    order = {ext: i for i, ext in reversed(list(enumerate((own, *_LOGO_FORMATS))))}
    formats.sort(key=lambda ext: order.get(ext, len(order)))
    links = [
        (ext.upper(), url_for("brand.logo", slug=brand.slug, name=name, ext=ext)) for ext in formats
    ]
    if not links:
        return {}
    return {"title": logo_title(logo), "links": links}


def _brands() -> tuple[Brands, int]:
    """The brands this visitor may check against, and how many more an account would show."""
    member = visitor() is not None
    every = latest_brands(get_session())
    usable = {slug: found for slug, found in every.items() if member or found[1].public_checks}
    return usable, len(every) - len(usable)


def _form_page(form: CheckForm, brands: Brands, hidden: int, status: int = 200) -> tuple[str, int]:
    page = render_template("check/desk.html", form=form, brands=brands, hidden=hidden)
    return page, status


def _desk_form(brands: Brands, **kwargs: object) -> CheckForm:
    form = CheckForm(**kwargs)
    form.brand.choices = [SelectChoice(slug, b.name) for slug, (_v, b) in brands.items()]
    return form


@before_body("check.desk")
def _count_before_the_body() -> ResponseReturnValue | None:
    """An anonymous check is counted before its upload is read: over the limit, the
    page answers 429 without the form (nor the CSRF token in it) being parsed."""
    if request.method != "POST" or visitor() is not None:
        return None
    wait = count_anonymous_check()
    if wait is None:
        return None
    brands, hidden = _brands()
    form = _desk_form(brands, formdata=None)
    form.file.errors = [limited_message(wait)]
    page, status = _form_page(form, brands, hidden, 429)
    return page, status, {"Retry-After": str(wait)}


@bp.route("/verificar", methods=["GET", "POST"])
def desk() -> ResponseReturnValue:
    brands, hidden = _brands()
    form = _desk_form(brands)
    if request.method == "GET":
        if request.args.get("brand") in brands:
            form.brand.data = request.args["brand"]
        if request.args.get("category") in CATEGORIES:
            form.category.data = request.args["category"]
        return _form_page(form, brands, hidden)
    if not form.validate_on_submit():
        return _form_page(form, brands, hidden, 400)
    version, brand = brands[form.brand.data]
    upload = form.file.data
    try:
        report, image = check_stream(
            storage(),
            upload.stream,
            upload.filename,
            brand,
            form.category.data,
            ingest_settings(anonymous=visitor() is None),
            preview=True,
        )
    except (BudgetExceeded, FileTooLarge, InvalidFile, UnsupportedMediaType) as exc:
        explained = exc.details.get("report")
        message = (
            explained["checks"][0]["message"] if isinstance(explained, dict) else _(exc.message)
        )
        form.file.errors.append(message)
        status = status_for(exc)
        return _form_page(form, brands, hidden, status)
    preview = "data:image/webp;base64," + base64.b64encode(image).decode() if image else None
    return render_template(
        "check/report.html",
        report=report.to_dict(),
        brand=brand,
        version=version,
        filename=upload.filename,
        preview=preview,
        category=form.category.data,
        category_title=category_name(form.category.data),
        official=official_downloads(report, brand, upload.filename)
        if report.status != "pass"
        else {},
        now=utcnow(),
    )
