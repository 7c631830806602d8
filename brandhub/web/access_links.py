"""The pages a one-time link opens: joining through an invitation, choosing a new password.

Whoever holds the link is let in: the invited person names themself and chooses a
password, and is signed in with the invitation's role and agency; a reset link
sets a new password and ends every session opened with the old one. A link that
is unknown, used, replaced or expired gets a page that says so (404 or 410),
never an error.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user

from assets.errors import BrandHubError

from ..db import get_session
from ..errors import status_for
from ..forms.people import ROLE_LABELS, JoinForm, PasswordForm
from ..models import User
from ..operations import people

bp = Blueprint("access", __name__)

_INVITE = people.LINK_PATHS["invite"] + "<token>"
_RESET = people.LINK_PATHS["reset"] + "<token>"


def _unusable(exc: people.LinkUnusable) -> ResponseReturnValue:
    status = 404 if exc.details.get("reason") == "unknown" else 410
    return render_template("auth/link_unusable.html", message=_(exc.message)), status


def _sign_in(person: User) -> None:
    """A fresh session for ``person`` (as at the sign-in page: no fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(person)


def _field_error(form: JoinForm | PasswordForm, exc: BrandHubError) -> None:
    name = str(exc.details.get("field") or "password")
    target = getattr(form, name, None) or form.password
    target.errors = [*target.errors, _(exc.message)]


@bp.route(_INVITE, methods=["GET", "POST"])
def join(token: str) -> ResponseReturnValue:
    db = get_session()
    try:
        link = people.open_link(db, token, "invite")
    except people.LinkUnusable as exc:
        return _unusable(exc)
    form = JoinForm()
    context = {"form": form, "link": link, "role": ROLE_LABELS.get(link.role, link.role)}
    if form.validate_on_submit():
        try:
            person = people.accept_invitation(db, token, form.name.data, form.password.data)
            db.commit()
        except people.LinkUnusable as exc:
            db.rollback()
            return _unusable(exc)
        except BrandHubError as exc:
            db.rollback()
            _field_error(form, exc)
            return render_template("auth/join.html", **context), status_for(exc)
        _sign_in(person)
        flash(_("Welcome, %(name)s.", name=person.display_name), "success")
        return redirect(url_for("web.library"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/join.html", **context), status


@bp.route(_RESET, methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    db = get_session()
    try:
        link = people.open_link(db, token, "reset")
    except people.LinkUnusable as exc:
        return _unusable(exc)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            person = people.reset_password(db, token, form.password.data)
            db.commit()
        except people.LinkUnusable as exc:
            db.rollback()
            return _unusable(exc)
        except BrandHubError as exc:
            db.rollback()
            _field_error(form, exc)
            return render_template("auth/reset.html", form=form, link=link), status_for(exc)
        _sign_in(person)
        flash(_("Your new password is set."), "success")
        return redirect(url_for("web.library"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form, link=link), status
