"""The pages a one-time link opens: joining through an invitation, choosing a new password.

Whoever holds the link is let in: the invited person names themself and chooses a
password, and is signed in with the invitation's role and agency; a reset link
sets a new password and ends every session opened with the old one. A link that
is unknown, used, replaced or expired gets a page that says so (404 or 410),
never an error.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _link_page(
    token: str,
    kind: str,
    form: JoinForm | PasswordForm,
    use: Callable[[], User],
    welcome: Callable[[User], str],
) -> ResponseReturnValue:
    """Show the form of a one-time link of ``kind``; on a valid post, ``use`` the link."""
    db = get_session()
    try:
        link = people.open_link(db, token, kind)
    except people.LinkUnusable as exc:
        return _unusable(exc)
    role = ROLE_LABELS.get(link.role, link.role)
    context = {"form": form, "link": link, "kind": kind, "role": role}
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            person = use()
            db.commit()
        except people.LinkUnusable as exc:
            db.rollback()
            return _unusable(exc)
        except BrandHubError as exc:
            db.rollback()
            _field_error(form, exc)
            return render_template("auth/link_form.html", **context), status_for(exc)
        _sign_in(person)
        flash(welcome(person), "success")
        return redirect(url_for("web.library"))
    return render_template("auth/link_form.html", **context), status


@bp.route(_INVITE, methods=["GET", "POST"])
def join(token: str) -> ResponseReturnValue:
    form = JoinForm()
    return _link_page(
        token,
        "invite",
        form,
        lambda: people.accept_invitation(get_session(), token, form.name.data, form.password.data),
        lambda person: _("Welcome, %(name)s.", name=person.display_name),
    )


@bp.route(_RESET, methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    form = PasswordForm()
    return _link_page(
        token,
        "reset",
        form,
        lambda: people.reset_password(get_session(), token, form.password.data),
        lambda person: _("Your new password is set."),
    )
