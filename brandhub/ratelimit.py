"""Attempt limits that hold across processes and hosts: the algorithm and its stores.

Every limited thing (sign-ins, share-link passwords, anonymous checks) is a
``Rule``: at most ``limit`` attempts at once, then one more every
``window / limit`` seconds, so over any stretch the rate is ``limit`` per
``window``. That is the generic cell rate algorithm (GCRA, as in nginx's
``limit_req`` with a burst): each key keeps one number, the "theoretical arrival
time" ``tat``; an attempt is allowed when ``max(tat, now) + interval - now`` stays
within the window, and then moves ``tat`` to that value. One number per key means
one atomic statement per attempt:

* ``DatabaseStore`` — ``INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING`` on the
  ``rate_limits`` table (SQLite ≥ 3.35 and PostgreSQL): a refused attempt updates
  and returns nothing. Used when no Redis is configured.
* ``RedisStore`` — a Lua script (atomic in Redis), keys expire by themselves.

Attempts are *reserved* before the slow work (``hit``), so that 60 concurrent
guesses are never all checked before the first one is counted; a reservation that
turned out fine (the right password) is given back with ``release``.

    limiter = Limiter(DatabaseStore(engine))
    rule = Rule("login", limit=10, window=600)
    wait = limiter.hit(rule, address, email)   # None: go on; else seconds to wait

In the app (``init_app``) the store is Redis when ``REDIS_URL`` is set or
``RATE_LIMIT_STORE=redis``, the database otherwise, and a *before-body* gate is
installed: a view that counts anonymous uploads registers with
``@before_body("endpoint")`` and runs before Flask, CSRF or the form parser touch
the request body, so a visitor over the limit gets 429 without a byte of a 2 GiB
upload being read or spooled.

Rules (all per 10 minutes unless set otherwise)::

    login-address   LOGIN_ADDRESS_ATTEMPTS   sign-ins from one client address (50)
    login-account   LOGIN_ATTEMPTS           sign-ins to one account from one address (10)
    share-address   SHARE_PASSWORD_ATTEMPTS  passwords for one link from one address (10)
    share-link      SHARE_LINK_ATTEMPTS      passwords for one link from anywhere (100)
    check           CHECK_DESK_LIMIT         anonymous checks from one address (20)

Another part of the app counts anonymous requests with
``count_request("name", limit, window)`` and answers ``too_many(wait)``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Engine, Table, case, delete, literal, select, update

from .models import RateLimitCounter

log = logging.getLogger(__name__)

#: Float slack: an attempt exactly at the window's edge is allowed.
_EPSILON = 1e-6
_TABLE: Table = RateLimitCounter.metadata.tables[RateLimitCounter.__tablename__]


@dataclass(frozen=True)
class Rule:
    """``limit`` attempts at once, then one every ``window / limit`` seconds, per key."""

    name: str
    limit: int
    window: float

    @property
    def interval(self) -> float:
        return self.window / max(1, self.limit)


class Store(Protocol):
    def hit(self, key: str, rule: Rule, now: float) -> float | None:
        """Count one attempt; None when allowed, else the seconds until one would be."""

    def release(self, key: str, rule: Rule, now: float) -> None:
        """Give back one attempt counted by ``hit``."""

    def reset(self, key: str) -> None:
        """Forget every attempt of ``key``."""


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The address a limit counts: the client's, also behind ``trusted_proxies`` reverse proxies.

    Behind a proxy (nginx, Caddy) every request comes from the proxy's own address;
    each proxy appends the address it saw to ``X-Forwarded-For``, so the client is
    the entry ``trusted_proxies`` from the right (as werkzeug's ProxyFix reads it).
    With 0, or with fewer entries than that (a request that did not pass through
    the proxies), the socket's address counts: a client cannot pick its own key.
    """
    if trusted_proxies > 0 and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return remote_addr or "?"


def make_key(rule: Rule, parts: tuple[object, ...]) -> str:
    """``name:part:part``; a long one (an e-mail of 254 characters) becomes a digest."""
    key = ":".join([rule.name, *(str(p) for p in parts)])
    if len(key) > 200:
        key = f"{rule.name}:sha256:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"
    return key


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait - _EPSILON))


class Limiter:
    """Rules counted in a shared ``Store``; keys are the rule's name and the given parts."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        # Wall-clock time: several hosts share the counts (their clocks run NTP).
        self.store, self.clock = store, clock

    def hit(self, rule: Rule, *parts: object) -> int | None:
        """Reserve one attempt: None when it may go on, else whole seconds to wait."""
        wait = self.store.hit(make_key(rule, parts), rule, self.clock())
        return None if wait is None else _seconds(wait)

    def release(self, rule: Rule, *parts: object) -> None:
        self.store.release(make_key(rule, parts), rule, self.clock())

    def reset(self, rule: Rule, *parts: object) -> None:
        self.store.reset(make_key(rule, parts))


class DatabaseStore:
    """Counts in the ``rate_limits`` table, one autocommitted statement per attempt."""

    #: Seconds between two sweeps of keys whose attempts have all expired.
    PURGE_EVERY = 600.0

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()
        name = engine.dialect.name
        if name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # same API
        else:  # pragma: no cover - config.validate allows only these two
            raise RuntimeError(f"no rate-limit store for {name}")
        self._insert = insert

    def hit(self, key: str, rule: Rule, now: float) -> float | None:
        self._purge(now)
        t = _TABLE
        start = case((t.c.tat > literal(now), t.c.tat), else_=literal(now))
        stmt = (
            self._insert(t)
            .values(key=key, tat=now + rule.interval)
            .on_conflict_do_update(
                index_elements=[t.c.key],
                set_={"tat": start + rule.interval},
                where=start + rule.interval - now <= rule.window + _EPSILON,
            )
            .returning(t.c.tat)
        )
        with self.engine.begin() as conn:
            if conn.execute(stmt).first() is not None:
                return None
            tat = conn.execute(select(t.c.tat).where(t.c.key == key)).scalar()
        return max(0.0, float(tat or now) + rule.interval - rule.window - now)

    def release(self, key: str, rule: Rule, now: float) -> None:
        t = _TABLE
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.key == key).values(tat=t.c.tat - rule.interval))

    def reset(self, key: str) -> None:
        t = _TABLE
        with self.engine.begin() as conn:
            conn.execute(delete(t).where(t.c.key == key))

    def _purge(self, now: float) -> None:
        """Delete keys that count nothing any more, now and then (one process at a time)."""
        if now < self._next_purge or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._next_purge = now + self.PURGE_EVERY
            t = _TABLE
            with self.engine.begin() as conn:
                conn.execute(delete(t).where(t.c.tat < now))
        finally:
            self._purge_lock.release()


# KEYS[1] the key; ARGV now, interval, window. Returns {1} when allowed, else {0, wait}.
# Numbers go back as strings: Redis would cut a Lua float to an integer.
_HIT = """
local now, interval, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new = tat + interval
if new - now > window + 1e-6 then
  return {0, tostring(new - window - now)}
end
redis.call('SET', KEYS[1], tostring(new), 'PX', math.ceil((new - now) * 1000))
return {1}
"""
_RELEASE = """
local now, interval = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tat - interval
if new > now then
  redis.call('SET', KEYS[1], tostring(new), 'PX', math.ceil((new - now) * 1000))
else
  redis.call('DEL', KEYS[1])
end
return 1
"""


class RedisStore:
    """Counts in Redis (``REDIS_URL``), each attempt one atomic script; keys expire alone.

    When Redis cannot be reached the counts go to ``fallback`` (the database), so
    limits keep holding instead of failing every sign-in or of being lifted.
    """

    def __init__(self, url: str, prefix: str, fallback: Store | None = None) -> None:
        import redis

        self.errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self.fallback = fallback
        self._hit = self.client.register_script(_HIT)
        self._release = self.client.register_script(_RELEASE)

    def _call(self, what: str, key: str, *args: Any) -> Any:
        try:
            if what == "reset":
                return self.client.delete(self.prefix + key)
            script = self._hit if what == "hit" else self._release
            return script(keys=[self.prefix + key], args=list(args))
        except self.errors:
            if self.fallback is None:
                raise
            log.warning("rate limits: Redis unreachable, counting in the database", exc_info=True)
            raise _Unreachable from None

    def hit(self, key: str, rule: Rule, now: float) -> float | None:
        try:
            answer = self._call("hit", key, repr(now), repr(rule.interval), repr(rule.window))
        except _Unreachable:
            assert self.fallback is not None
            return self.fallback.hit(key, rule, now)
        return None if int(answer[0]) == 1 else max(0.0, float(answer[1]))

    def release(self, key: str, rule: Rule, now: float) -> None:
        try:
            self._call("release", key, repr(now), repr(rule.interval))
        except _Unreachable:
            assert self.fallback is not None
            self.fallback.release(key, rule, now)

    def reset(self, key: str) -> None:
        try:
            self._call("reset", key)
        except _Unreachable:
            assert self.fallback is not None
            self.fallback.reset(key)


class _Unreachable(Exception):
    pass


# ---------------------------------------------------------------- the app

EXT = "brandhub.ratelimit"
WINDOW = 600.0

#: rule name → (setting, default limit)
RULES: dict[str, tuple[str, int]] = {
    "login-address": ("LOGIN_ADDRESS_ATTEMPTS", 50),
    "login-account": ("LOGIN_ATTEMPTS", 10),
    "share-address": ("SHARE_PASSWORD_ATTEMPTS", 10),
    "share-link": ("SHARE_LINK_ATTEMPTS", 100),
    "check": ("CHECK_DESK_LIMIT", 20),
}

#: A gate's answer: a response refuses the request, None lets it go on.
Gate = Callable[[], ResponseReturnValue | None]

_BEFORE_BODY: dict[str, Gate] = {}


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


def too_many(wait: int, message: str | None = None) -> Response:
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


def before_body(endpoint: str) -> Callable[[Gate], Gate]:
    """Run the decorated function before anything reads the body of ``endpoint``'s
    requests; a response it returns is the answer (the body stays unread)."""

    def register(fn: Gate) -> Gate:
        _BEFORE_BODY[endpoint] = fn
        return fn

    return register


def _before_body() -> ResponseReturnValue | None:
    gate = _BEFORE_BODY.get(request.endpoint or "")
    return gate() if gate is not None else None


def count_anonymous_check() -> int | None:
    """Count one anonymous check from this address; seconds to wait when over the limit."""
    return limiter().hit(rule("check"), request_address())


def limited_message(wait: int) -> str:
    """What a person told to wait before the next check reads."""
    return _("Too many checks from your address: try again in %(wait)s.", wait=wait_text(wait))
