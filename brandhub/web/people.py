"""People and agencies under ``/admin`` (administrators only).

The list of people with its filters, a person's page (role, agency, disable,
a password-reset link), invitations, and the agencies with their brand and
time zone. The routes join the ``admin`` blueprint (its URL prefix and its
place in the navigation); every change is one call to ``operations/people.py``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import Session

from assets.errors import BrandHubError
from core.errors import NotFound

from ..db import get_session
from ..errors import status_for
from ..forms.people import (
    ROLE_LABELS,
    AgencyForm,
    InviteForm,
    PersonForm,
    agency_choices,
)
from ..mail import MailNotSent, link_message, mail_settings, send
from ..models import ROLES, AccessLink, Agency, User
from ..operations import people
from ..operations.brands import latest_brands
from .admin import bp
from .context import page_arg
from .user import signed_in

PER_PAGE = 50


def _admin() -> User:
    return people.require_admin(signed_in())


def _agency_options(db: Session, none_label: Any) -> list[Any]:
    return agency_choices([(a.slug, a.name) for a in people.agencies(db)], none_label)


def _agency_or_none(db: Session, slug: str | None) -> Agency | None:
    return people.agency_by_slug(db, slug) if slug else None


def _field_error(form: Any, exc: BrandHubError) -> None:
    """Put a refused change's message under the field it names (else under the first)."""
    name = str(exc.details.get("field") or "")
    target = getattr(form, name, None) or next(iter(form))
    target.errors = [*target.errors, _(exc.message)]


def _days() -> int:
    return int(current_app.config.get("ACCESS_LINK_DAYS") or people.LINK_DAYS)


def _mail_link(link: AccessLink, url: str) -> str:
    """E-mail the link when SMTP is set up: "sent", "failed" or "off"."""
    settings = mail_settings(current_app.config)
    if settings is None:
        return "off"
    message = link_message(
        settings,
        link.email,
        purpose=link.purpose,
        url=url,
        institution=str(current_app.config.get("INSTITUTION_NAME") or "BrandHub"),
        days=_days(),
    )
    try:
        send(settings, message)
    except MailNotSent as exc:
        current_app.logger.warning("e-mail to %s not sent: %s", link.email, exc.details)
        return "failed"
    return "sent"


def _link_page(link: AccessLink, token: str, person: User | None) -> ResponseReturnValue:
    base = str(current_app.config.get("PUBLIC_URL") or "") or request.host_url
    url = people.link_url(base, link.purpose, token)
    mailed = _mail_link(link, url)
    return render_template(
        "admin/link.html", link=link, url=url, mailed=mailed, person=person, roles=ROLE_LABELS
    )


# --- people -----------------------------------------------------------------------


@bp.get("/people")
@login_required
def people_list() -> ResponseReturnValue:
    _admin()
    db = get_session()
    args = request.args
    role = args.get("role", "")
    state = args.get("state", "")
    wanted = people.PeopleFilter(
        text=args.get("q", "")[:200],
        role=role if role in ROLES else "",
        agency=args.get("agency", "")[:80],
        state=state if state in people.STATES else "",
    )
    found = people.list_people(db, wanted, page_arg(), PER_PAGE)
    return render_template(
        "admin/people.html",
        found=found,
        wanted=wanted,
        roles=ROLE_LABELS,
        agencies=people.agencies(db),
    )


@bp.route("/people/invite", methods=["GET", "POST"])
@login_required
def invite() -> ResponseReturnValue:
    admin = _admin()
    db = get_session()
    form = InviteForm()
    form.agency.choices = _agency_options(db, _("No agency"))
    if request.method == "GET" and admin.agency is not None:
        form.agency.data = admin.agency.slug
    if form.validate_on_submit():
        try:
            agency = _agency_or_none(db, form.agency.data)
            link, token = people.invite(
                db, form.email.data, form.role.data, agency, by=admin, days=_days()
            )
            db.commit()
        except BrandHubError as exc:
            db.rollback()
            _field_error(form, exc)
            return render_template("admin/invite.html", form=form), status_for(exc)
        return _link_page(link, token, None)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/invite.html", form=form), status


@bp.route("/people/<int:person_id>", methods=["GET", "POST"])
@login_required
def person(person_id: int) -> ResponseReturnValue:
    admin = _admin()
    db = get_session()
    someone = people.person_by_id(db, person_id)
    form = PersonForm()
    form.agency.choices = _agency_options(db, _("No agency"))

    def page(status: int = 200) -> ResponseReturnValue:
        return render_template("admin/person.html", form=form, person=someone, admin=admin), status

    if request.method == "GET":
        form.role.data = someone.role
        form.agency.data = someone.agency.slug if someone.agency else ""
        return page()
    if not form.validate_on_submit():
        return page(400)
    try:
        people.set_role(db, someone, form.role.data)
        people.set_agency(db, someone, _agency_or_none(db, form.agency.data))
        db.commit()
    except BrandHubError as exc:
        db.rollback()
        _field_error(form, exc)
        return page(status_for(exc))
    flash(_("The changes to %(name)s were saved.", name=someone.display_name), "success")
    return redirect(url_for("admin.person", person_id=someone.id))


@bp.post("/people/<int:person_id>/active")
@login_required
def person_active(person_id: int) -> ResponseReturnValue:
    admin = _admin()
    db = get_session()
    someone = people.person_by_id(db, person_id)
    active = request.form.get("active") == "1"
    try:
        people.set_active(db, someone, active, by=admin)
        db.commit()
    except BrandHubError as exc:
        db.rollback()
        flash(_(exc.message), "error")
        return redirect(url_for("admin.person", person_id=someone.id))
    if active:
        flash(_("%(name)s can sign in again.", name=someone.display_name), "success")
    else:
        flash(
            _(
                "%(name)s is disabled: their sessions and API tokens no longer work.",
                name=someone.display_name,
            ),
            "success",
        )
    return redirect(url_for("admin.person", person_id=someone.id))


@bp.post("/people/<int:person_id>/reset")
@login_required
def person_reset(person_id: int) -> ResponseReturnValue:
    admin = _admin()
    db = get_session()
    someone = people.person_by_id(db, person_id)
    if not someone.active:
        flash(_("Enable the account first: a disabled person cannot sign in."), "error")
        return redirect(url_for("admin.person", person_id=someone.id))
    link, token = people.reset_link(db, someone, by=admin, days=_days())
    db.commit()
    return _link_page(link, token, someone)


# --- agencies ---------------------------------------------------------------------


@bp.get("/agencies")
@login_required
def agencies() -> ResponseReturnValue:
    _admin()
    db = get_session()
    brands = {slug: brand.name for slug, (_v, brand) in latest_brands(db).items()}
    return render_template("admin/agencies.html", rows=people.agency_rows(db), brands=brands)


def _agency_form_page(form: AgencyForm, agency: Agency | None, status: int) -> ResponseReturnValue:
    return render_template("admin/agency.html", form=form, agency=agency), status


@bp.route("/agencies/new", methods=["GET", "POST"], defaults={"agency_id": None})
@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@login_required
def agency(agency_id: int | None) -> ResponseReturnValue:
    _admin()
    db = get_session()
    row = None
    if agency_id is not None:
        row = db.get(Agency, agency_id)
        if row is None:
            raise NotFound("There is no such agency.")
    form = AgencyForm(obj=row if request.method == "GET" else None)
    brands = latest_brands(db)
    form.brand_slug.choices = agency_choices(
        [(slug, brand.name) for slug, (_v, brand) in sorted(brands.items())],
        _("None: uploads are not checked"),
    )
    if request.method == "GET" and row is not None:
        form.brand_slug.data = row.brand_slug or ""
    if form.validate_on_submit():
        try:
            saved = people.save_agency(db, row, form.to_fields())
            db.commit()
        except BrandHubError as exc:
            db.rollback()
            _field_error(form, exc)
            return _agency_form_page(form, row, status_for(exc))
        flash(_("The agency “%(name)s” was saved.", name=saved.name), "success")
        return redirect(url_for("admin.agencies"))
    return _agency_form_page(form, row, 400 if request.method == "POST" else 200)
