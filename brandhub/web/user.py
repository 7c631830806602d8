"""The person behind a request, typed: the User model rather than Flask-Login's proxy."""

from __future__ import annotations

from flask_login import current_user

from ..models import User


def visitor() -> User | None:
    """The signed-in person, or None for an anonymous visitor."""
    user = current_user._get_current_object()
    return user if isinstance(user, User) and user.is_authenticated else None


def signed_in() -> User:
    """The signed-in person, in a view behind ``login_required`` (which sends others away)."""
    user = visitor()
    if user is None:
        raise RuntimeError("signed_in() outside a login_required view")
    return user
