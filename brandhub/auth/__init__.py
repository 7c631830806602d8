"""Sign-in for people (Flask-Login sessions) and for programs (bearer tokens)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import select

from ..db import get_session
from ..models import User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        uid, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = get_session().scalar(select(User).where(User.id == uid))
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def init_app(app: Flask) -> None:
    from .views import bp

    login_manager.init_app(app)
    app.register_blueprint(bp)
