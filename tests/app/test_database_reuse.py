"""On PostgreSQL a test's database is emptied for the next test, not dropped: nothing of
one test reaches the next (tests/plugins/databases.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from brandhub.db import database
from tests.factories import add_user
from tests.plugins.databases import PostgresServer


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_an_emptied_database_holds_the_templates_rows_and_counts_ids_from_one(
    app_factory: Callable[..., Flask],
    pg_server: PostgresServer | None,
    template_db: str,
) -> None:
    if pg_server is None:
        pytest.skip("SQLite copies the template's file for every test")
    app = app_factory()
    first = add_user(app, "editor", agency="salud")
    add_user(app, "viewer", agency="obras")
    url = database(app).url
    name = make_url(url).database
    assert name is not None
    # A connection the test left open, inside a transaction holding a row lock.
    engine = create_engine(url, poolclass=NullPool)
    left_open = engine.connect()
    try:
        left_open.execute(text("SELECT * FROM users FOR UPDATE"))
        database(app).dispose()

        pg_server.give_back(name, template_db)
        assert pg_server.take(template_db) == name  # used again, not made again
        assert _rows(url, "SELECT count(*) FROM users") == [(0,)]
        assert _rows(url, "SELECT count(*) FROM agencies") == [(0,)]
        assert _rows(url, "SELECT version_num FROM alembic_version") == _rows(
            pg_server.url_for(template_db), "SELECT version_num FROM alembic_version"
        )
        again = app_factory(DATABASE_URL=url)
        assert add_user(again, "editor", agency="salud").id == first.id == 1  # ids start again
        database(again).dispose()
    finally:
        left_open.invalidate()  # ended by the server when the database was emptied
        engine.dispose()

    # A database whose structure changed is dropped, not used again.
    engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE leftover (x int)"))
    engine.dispose()
    pg_server.give_back(name, template_db)
    other = pg_server.take(template_db)
    assert other != name
    pg_server.give_back(other, template_db)
    maintenance = pg_server.url.render_as_string(hide_password=False)
    assert _rows(maintenance, f"SELECT count(*) FROM pg_database WHERE datname = '{name}'") == [
        (0,)
    ]
