"""Languages and locale-aware formatting (Spanish by default, English available).

The locale comes from, in order: an explicit ``?lang=`` choice (kept in the
session), the signed-in user's preference, the browser's Accept-Language, the
configured default.
"""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal
from flask import Flask, request, session
from flask_babel import Babel, format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from assets.metadata import clean

babel = Babel()

LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def select_locale() -> str:
    from flask import current_app, has_request_context

    locales = babel_locales()
    if not has_request_context():  # command line, background jobs
        return current_app.config["DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in locales:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in locales:
        return session["lang"]
    user = current_user if request else None
    if user is not None and getattr(user, "is_authenticated", False):
        if getattr(user, "locale", None) in locales:
            return user.locale
    best = request.accept_languages.best_match(locales)
    return best or current_app.config["DEFAULT_LOCALE"]


def babel_locales() -> list[str]:
    from flask import current_app

    return list(current_app.config["LOCALES"])


def filesize(num: int | None) -> str:
    """Human file size with the locale's decimal mark: 1234567 → "1,2 MB" in Spanish."""
    if num is None:
        return ""
    units = ["B", "KB", "MB", "GB", "TB"]
    value = float(num)
    unit = 0
    while value >= 1000 and unit < len(units) - 1:
        value /= 1000
        unit += 1
    pattern = "#,##0" if unit == 0 or value >= 100 else "#,##0.#"
    return f"{format_decimal(value, format=pattern, locale=str(get_locale()))} {units[unit]}"


def number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=str(get_locale()))


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = int(round(seconds))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def long_date(value: datetime | None) -> str:
    return format_date(value, "long") if value else ""


def clock(value: datetime | None, fmt: str = "medium") -> str:
    """A clock time as it was read where it was taken: never moved to another zone."""
    return format_datetime(value, fmt, rebase=False) if value else ""


def utc_offset(minutes: int | None) -> str:
    """``UTC−03:00`` for -180 (with a true minus sign), "" when unknown."""
    if minutes is None:
        return ""
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{'−' if minutes < 0 else '+'}{hours:02d}:{mins:02d}"


def exposure(seconds: float | None) -> str:
    """An exposure time as photographers write it: 1/640, 0.4, 2."""
    return clean.exposure(seconds) or ""


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        filesize=filesize,
        number=number,
        duration=duration,
        long_date=long_date,
        clock=clock,
        utc_offset=utc_offset,
        exposure=exposure,
        datetime=lambda v, fmt="medium": format_datetime(v, fmt) if v else "",
    )
    app.jinja_env.globals.update(LANGUAGE_NAMES=LANGUAGE_NAMES, get_locale=get_locale, _=_)
