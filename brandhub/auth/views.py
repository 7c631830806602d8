"""Login and logout pages."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

from ..db import get_session
from ..models import User, utcnow
from ..ratelimit import hit_all, limiter, release_all, request_address, rule, wait_text
from ..web.user import signed_in, visitor
from .passwords import hash_password, needs_rehash, verify_password

log = logging.getLogger("brandhub.auth")
bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    # Intranet addresses (``@prensa.local``) are common in government: a plain shape check.
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address.")),
        ],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: an open redirect helps phishing."""
    if not target:
        return url_for("web.library")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("web.library")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if visitor() is not None:
        return redirect(url_for("web.library"))
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        email = form.email.data.strip().lower()
        address = request_address()
        # Keyed by address, and by account *from* that address: failures from elsewhere
        # never lock a person out. Reserved before the slow hash, so concurrent guesses
        # cannot all be checked before the first is counted.
        limits = (("login-address", (address,)), ("login-account", (address, email)))
        wait = hit_all(*limits)
        if wait is not None:
            log.warning("login refused by rate limit for %r from %s", email, address)
            form.password.errors.append(
                _("Too many failed attempts. Try again in %(wait)s.", wait=wait_text(wait))
            )
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = db.scalar(select(User).where(func.lower(User.email) == email))
        account = user if user is not None and user.active else None
        # A hash is verified for unknown e-mails too (a dummy one with the same
        # parameters): the answer takes as long whether the account exists or not.
        hashed = account.password_hash if account is not None else None
        if verify_password(hashed, form.password.data) and account is not None:
            # A right password is not a failed attempt, and forgives this address's
            # earlier failures on the account.
            release_all(limits[0])
            limiter().reset(rule("login-account"), address, email)
            if needs_rehash(account.password_hash):
                account.password_hash = hash_password(form.password.data)
            account.last_login_at = utcnow()
            db.commit()
            # A fresh session on login: no fixation of a session set before it.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(account, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=account.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
        log.warning("failed login for %r from %s", email, address)
        form.password.errors.append(_("The e-mail or the password is not correct."))
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    db = get_session()
    user = db.get(User, signed_in().id)
    if user is not None:
        user.session_version += 1  # every other session of this user ends too
        db.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
