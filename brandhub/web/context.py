"""What every template can use: the institution's identity, navigation, helpers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from flask import Flask, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from ..categories import ICONS as CATEGORY_ICONS
from ..categories import asset_category, category_label
from .user import visitor

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

NAVIGATION = [
    ("web.library", "library", _l("Library")),
    ("events.index", "events", _l("Events")),
    ("collections.index", "collections", _l("Collections")),
    ("brand.index", "brand", _l("Brand")),
    ("check.desk", "check", _l("Check a piece")),
    ("presskit.index", "presskit", _l("Press kit")),
    ("admin.index", "admin", _l("Administration")),
]


#: Cards on a page of a grid (events, collections, the press kit, a shared set).
PER_PAGE = 60


Item = TypeVar("Item")


def page_arg() -> int:
    """The ``page`` query argument, kept within 1 and 100,000 (1 if it is not a number)."""
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


def paged(items: Sequence[Item]) -> tuple[Sequence[Item], int, int]:
    """The cards of the asked page of ``items`` (the last page if it asks beyond), the
    page number and the number of pages."""
    pages = max(1, math.ceil(len(items) / PER_PAGE))
    page = min(page_arg(), pages)
    return items[(page - 1) * PER_PAGE : page * PER_PAGE], page, pages


def _color(value: str | None, fallback: str) -> str:
    return value if value and _HEX.match(value) else fallback


def _readable_on(hex_color: str) -> str:
    """Black or white text, whichever contrasts more with the colour (WCAG luminance)."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#111111" if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#ffffff"


#: Names ``url_for`` takes for itself: from a query string they would steer the URL builder
#: (``?_method=x`` raises, ``?_external=1`` an absolute link) instead of being passed on.
URL_BUILDER_NAMES = frozenset({"endpoint", "_anchor", "_method", "_scheme", "_external"})


def query_args(*exclude: str) -> dict[str, Any]:
    """This request's query arguments, safe to give ``url_for``: without the URL builder's
    own names, the current route's variables, nor the names in ``exclude`` (each a list)."""
    dropped = URL_BUILDER_NAMES | set(request.view_args or {}) | set(exclude)
    return {k: v for k, v in request.args.to_dict(flat=False).items() if k not in dropped}


def url_with(**changes: Any) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = query_args()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [value] if not isinstance(value, list) else value
    return url_for(request.endpoint or "web.library", **(request.view_args or {}), **args)


def _inject() -> dict[str, Any]:
    cfg = current_app.config
    primary = _color(cfg.get("INSTITUTION_PRIMARY_COLOR"), "#0b5cad")
    accent = _color(cfg.get("INSTITUTION_ACCENT_COLOR"), "#f2a900")
    user = visitor()
    admin = user is not None and user.role == "admin"
    nav = [
        (endpoint, key, label)
        for endpoint, key, label in NAVIGATION
        if endpoint is None or key != "admin" or admin
    ]
    return {
        "institution": {
            "name": cfg.get("INSTITUTION_NAME"),
            "short_name": cfg.get("INSTITUTION_SHORT_NAME"),
            "logo_url": cfg.get("INSTITUTION_LOGO_URL"),
            "primary": primary,
            "on_primary": _readable_on(primary),
            "accent": accent,
            "on_accent": _readable_on(accent),
        },
        "navigation": nav,
    }


def init_app(app: Flask) -> None:
    app.context_processor(_inject)
    # A global, not a context variable: macros imported without context use it.
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals.update(
        asset_category=asset_category,
        category_label=category_label,
        category_icon=CATEGORY_ICONS.get,
    )
    app.add_url_rule("/theme.css", "theme_css", theme_css)
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def theme_css() -> ResponseReturnValue:
    """The institution's colours as CSS variables (a file: the CSP forbids inline styles)."""
    from flask import Response, render_template_string

    ident = _inject()["institution"]
    css = render_template_string(
        ":root{--brand:{{ i.primary }};--on-brand:{{ i.on_primary }};"
        "--accent:{{ i.accent }};--on-accent:{{ i.on_accent }};}",
        i=ident,
    )
    return Response(css, mimetype="text/css", headers={"Cache-Control": "public, max-age=300"})


#: The tab icon: the institution's initials on its colour, like the top bar's mark.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="7" fill="{{ i.primary }}"/>'
    '<text x="16" y="21.5" text-anchor="middle" font-family="Arial, sans-serif" '
    'font-size="14" font-weight="700" fill="{{ i.on_primary }}">{{ i.short_name[:2] }}</text>'
    "</svg>"
)


def favicon() -> ResponseReturnValue:
    """The tab icon, an SVG drawn from the institution's colour and initials.

    Served at ``/favicon.ico`` too, where browsers ask for it before reading the page.
    """
    from flask import Response, render_template_string

    ident = _inject()["institution"]
    svg = render_template_string(FAVICON_SVG, i=ident)
    return Response(
        svg, mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
