"""A pytest plugin: the test databases on PostgreSQL, when the suite runs there.

The suite runs on SQLite unless ``BRANDHUB_TEST_DATABASE_URL`` names a PostgreSQL
database, for example
``postgresql+psycopg://brandhub@/brandhub_test?host=/var/run/postgresql``, whose role
may create databases (``scripts/pg-test.sh`` starts a throwaway cluster and sets it).
That database is only somewhere to connect to: the tests never write in it.

Each xdist worker migrates its own template database once per session
(``<name>_<worker>_tpl``, see ``template_db`` in conftest), and each test gets a copy
(``<name>_<worker>_<n>``) made by ``CREATE DATABASE … TEMPLATE …``, which copies
files instead of replaying the migrations (about 35 ms, and as much to drop it), and
is dropped when the test ends. Names are fixed per worker, and a leftover database
of the same name from a crashed run is dropped first, so two sessions must not
share one server and maintenance database at the same time. Dropping uses
``WITH (FORCE)`` (PostgreSQL 13 and later), so a connection a test forgot to close
cannot keep its database alive.

``pg_server`` is that server, or None on SQLite; ``empty_database_url`` is a URL to a
new empty database on whichever backend the suite runs on.

On PostgreSQL the suite keeps only the tests that reach a database: those that
ask, directly or through another fixture (``app``, ``client``, ``live_server``,
``empty_database_url``…), for ``pg_server``. The others (the domain packages'
tests, the fuzzers of the parsers, the store contract) hold nothing the database
could change, and have already run in the SQLite run of ``make test``; running
them again on PostgreSQL would only double their time.

Of the tests that do reach a database, two kinds are left to the SQLite run:

- the pages in Chromium (``tests/browser``): a page is drawn by the same templates
  and the same queries on both databases, and one browser test costs as much as
  dozens of app tests. Those marked ``both_databases`` (a flow whose outcome
  hangs on the database or on the PostgreSQL search backend: searching, publishing)
  run on both;
- tests marked ``one_database``: the database only holds their rows, and their
  time goes into work no database changes (re-encoding 200 photos, ExifTool).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.pool import NullPool

TEST_DATABASE_URL = os.environ.get("BRANDHUB_TEST_DATABASE_URL") or None


class PostgresServer:
    """Creates and drops whole databases on the server named by a maintenance URL."""

    def __init__(self, url: str) -> None:
        self.url: URL = make_url(url)
        if self.url.get_backend_name() != "postgresql":
            raise pytest.UsageError(
                f"BRANDHUB_TEST_DATABASE_URL must be a postgresql URL, got {self.url!r}"
            )
        # No pool: nothing here should hold a connection, nor carry one across a fork.
        self.engine = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"{self.url.database or 'brandhub'}_{worker}"[:40]
        self._numbers = itertools.count(1)

    @property
    def template_name(self) -> str:
        return f"{self.prefix}_tpl"

    def new_name(self) -> str:
        return f"{self.prefix}_{next(self._numbers)}"

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template`` if given); return its URL."""
        quote = self.engine.dialect.identifier_preparer.quote
        sql = f"CREATE DATABASE {quote(name)}"
        if template:
            sql += f" TEMPLATE {quote(template)}"
        self.drop(name)
        with self.engine.connect() as conn:
            conn.execute(text(sql))
        return self.url_for(name)

    def drop(self, name: str) -> None:
        quote = self.engine.dialect.identifier_preparer.quote
        with self.engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if TEST_DATABASE_URL is None:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    browser = Path(__file__).resolve().parent.parent / "browser"
    for item in items:
        reaches = "pg_server" in getattr(item, "fixturenames", ())
        if reaches and item.get_closest_marker("one_database"):
            reaches = False
        if (
            reaches
            and browser in Path(str(item.path)).resolve().parents
            and not item.get_closest_marker("both_databases")
        ):
            reaches = False
        (keep if reaches else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer | None]:
    if TEST_DATABASE_URL is None:
        yield None
        return
    server = PostgresServer(TEST_DATABASE_URL)
    yield server
    server.engine.dispose()


@pytest.fixture
def empty_database_url(tmp_path: Path, pg_server: PostgresServer | None) -> Iterator[str]:
    """A URL to a new, empty database (no tables) on the backend the suite runs on."""
    if pg_server is None:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = pg_server.new_name()
    url = pg_server.create(name)
    yield url
    pg_server.drop(name)
