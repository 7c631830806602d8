"""The app's attempt limits: which rules there are, whose address counts, the 429 answers.

``init_app`` picks the store (Redis when ``REDIS_URL`` is set or
``RATE_LIMIT_STORE=redis``, the database otherwise: brandhub/ratelimit.py) and
installs the *before-body* gate: a view that counts anonymous uploads registers
with ``@before_body("endpoint")`` and runs before Flask, CSRF or the form parser
touch the request body, so a visitor over the limit gets 429 without a byte of
a 2 GiB upload being read or spooled.

Rules (all per 10 minutes unless set otherwise)::

    login-address   LOGIN_ADDRESS_ATTEMPTS   sign-ins from one client address (50)
    login-account   LOGIN_ATTEMPTS           sign-ins to one account from one address (10)
    share-address   SHARE_PASSWORD_ATTEMPTS  passwords for one link from one address (10)
    share-link      SHARE_LINK_ATTEMPTS      passwords for one link from anywhere (100)
    check           CHECK_DESK_LIMIT         anonymous checks from one address (20)

Another part of the app counts anonymous requests with
``count_request("name", limit, window)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from .ratelimit import DatabaseStore, Limiter, RedisStore, Rule, Store, client_address

EXT = "brandhub.limits"
WINDOW = 600.0

#: rule name → (setting, default limit)
RULES: dict[str, tuple[str, int]] = {
    "login-address": ("LOGIN_ADDRESS_ATTEMPTS", 50),
    "login-account": ("LOGIN_ATTEMPTS", 10),
    "share-address": ("SHARE_PASSWORD_ATTEMPTS", 10),
    "share-link": ("SHARE_LINK_ATTEMPTS", 100),
    "check": ("CHECK_DESK_LIMIT", 20),
}

_BEFORE_BODY: dict[str, Callable[[], Any]] = {}


def make_store(app: Flask) -> Store:
    from .db import database

    database_store = DatabaseStore(database(app).side_engine)
    kind = app.config.get("RATE_LIMIT_STORE") or ("redis" if app.config.get("REDIS_URL") else "")
    if kind == "redis":
        prefix = f"{app.config.get('JOBS_QUEUE_NAME') or 'brandhub'}:limits:"
        return RedisStore(app.config["REDIS_URL"], prefix, fallback=database_store)
    return database_store


def init_app(app: Flask) -> None:
    app.extensions[EXT] = Limiter(make_store(app))
    # Before every other hook that may read the body (CSRF reads the form).
    app.before_request(_before_body)


def limiter() -> Limiter:
    return current_app.extensions[EXT]


def rule(name: str) -> Rule:
    setting, default = RULES[name]
    return Rule(name, int(current_app.config.get(setting, default)), WINDOW)


def request_address() -> str:
    """The client's address, through ``TRUSTED_PROXIES`` reverse proxies."""
    return client_address(
        request.remote_addr,
        request.headers.get("X-Forwarded-For"),
        int(current_app.config.get("TRUSTED_PROXIES", 0)),
    )


def hit_all(*limits: tuple[str, tuple[object, ...]]) -> int | None:
    """Reserve one attempt under each (rule name, key parts); all or none.

    None when every rule allows it; else the seconds to wait, and the attempts
    reserved under the other rules are given back.
    """
    lim, taken = limiter(), list[tuple[Rule, tuple[object, ...]]]()
    for name, parts in limits:
        found = rule(name)
        wait = lim.hit(found, *parts)
        if wait is not None:
            for done, done_parts in taken:
                lim.release(done, *done_parts)
            return wait
        taken.append((found, parts))
    return None


def release_all(*limits: tuple[str, tuple[object, ...]]) -> None:
    lim = limiter()
    for name, parts in limits:
        lim.release(rule(name), *parts)


def count_request(name: str, limit: int, window: float = WINDOW) -> int | None:
    """Count one request of kind ``name`` from this client's address.

    None when it may go on, else the seconds to wait (answer with ``too_many``).
    """
    return limiter().hit(Rule(name, limit, window), request_address())


def wait_text(seconds: int) -> str:
    """ "45 segundos", "3 minutos": how long to wait, in words."""
    if seconds < 90:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = round(seconds / 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def too_many(wait: int, message: str | None = None) -> Any:
    """429 with ``Retry-After``: JSON under /api/, the error page elsewhere."""
    from .errors import wants_json

    message = message or _("Too many requests: try again in %(wait)s.", wait=wait_text(wait))
    if wants_json():
        response = jsonify(
            {"error": {"code": "rate_limited", "message": message, "retry_after": wait}}
        )
        response.status_code = 429
    else:
        response = current_app.make_response(
            (render_template("error.html", status=429, message=message), 429)
        )
    response.headers["Retry-After"] = str(wait)
    return response


def before_body(endpoint: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Run the decorated function before anything reads the body of ``endpoint``'s
    requests; a response it returns is the answer (the body stays unread)."""

    def register(fn: Callable[[], Any]) -> Callable[[], Any]:
        _BEFORE_BODY[endpoint] = fn
        return fn

    return register


def _before_body() -> Any:
    gate = _BEFORE_BODY.get(request.endpoint or "")
    return gate() if gate is not None else None


def count_anonymous_check() -> int | None:
    """Count one anonymous check from this address; seconds to wait when over the limit."""
    return limiter().hit(rule("check"), request_address())


def limited_message(wait: int) -> str:
    """What a person told to wait before the next check reads."""
    return _("Too many checks from your address: try again in %(wait)s.", wait=wait_text(wait))
