"""The database engine and the per-request session.

One engine per app; each request (or CLI command) gets its own session through
``get_session()``, closed when the app context ends. SQLite runs in WAL mode with
a busy timeout so concurrent writers wait instead of failing. PostgreSQL sessions
run in UTC, whatever the server's default time zone.

A pooled connection must never be used by two processes: when the app is built
before a fork (gunicorn ``--preload``, multiprocessing), the child forgets the
parent's pooled connections without closing them (closing would end the parent's
sessions too) and opens its own.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

_EXT = "brandhub.db"

_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def make_engine(url: str, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)
        if url.startswith("postgresql") and "options" not in make_url(url).query:
            # SQL date functions then agree with SQLite, which has no time zones.
            kwargs["connect_args"] = {"options": "-c timezone=UTC"}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    _engines.add(engine)
    return engine


def _forget_inherited_connections() -> None:
    for engine in list(_engines):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forget_inherited_connections)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._side: Engine | None = None

    @property
    def side_engine(self) -> Engine:
        """A small pool of its own for short statements committed at once while a
        request's session may hold a connection (the attempt limits): with one pool, as
        many concurrent requests as it has connections would each wait for another."""
        if self._side is None:
            self._side = make_engine(self.url, pool_size=2, max_overflow=8)
        return self._side

    def dispose(self) -> None:
        self.engine.dispose()
        if self._side is not None:
            self._side.dispose()


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    app.extensions[_EXT] = Database(url)
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[_EXT]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session


def listen_on_sessions(listeners: dict[str, Callable[..., Any]]) -> None:
    """Add each listener to every SQLAlchemy session by event name (idempotent)."""
    for name, listener in listeners.items():
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs BrandHub's migrations on ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(app: Flask) -> None:
    """Apply every Alembic migration (feature branches may have their own heads)."""
    from alembic import command

    cfg = alembic_config(database(app).engine)
    # Data migrations that read camera clocks need the zone they were taken in.
    cfg.attributes["time_zone"] = app.config.get("TIMEZONE")
    command.upgrade(cfg, "heads")
