"""A pytest plugin: the test databases on PostgreSQL, when the suite runs there.

The suite runs on SQLite unless ``BRANDHUB_TEST_DATABASE_URL`` names a PostgreSQL
database, for example
``postgresql+psycopg://brandhub@/brandhub_test?host=/var/run/postgresql``, whose role
may create databases (``scripts/pg-test.sh`` starts a throwaway cluster and sets it).
That database is only somewhere to connect to: the tests never write in it.

Each xdist worker migrates its own template database once per session
(``<name>_<worker>_tpl``, see ``template_db`` in conftest). A test's app gets a
database (``<name>_<worker>_<n>``) made by ``CREATE DATABASE … TEMPLATE …`` the
first time, which copies the template's files instead of replaying the
migrations. When the test ends its database is emptied for the next test rather
than dropped (:meth:`PostgresServer.give_back`): a copy costs 150–300 ms of
the server's time, emptying one 20–30 ms, and a thousand tests ask for one.
Emptying ends every connection the test left open, deletes every row of every
table the template holds empty, and restarts every sequence, so the next test
starts with the template's contents and ids from 1. A database whose structure
the test changed (a table, column, function, trigger, extension or text search
configuration more or less, or the rows the template holds, such as the
migration revision) no longer matches the template's fingerprint and is dropped
instead, as is one that cannot be emptied (a lock held past the timeout, or a
role that may not defer foreign keys). Names are fixed per worker, and a
leftover database of the same name from a crashed run is dropped first, so two
sessions must not share one server and maintenance database at the same time.
Dropping uses ``WITH (FORCE)`` (PostgreSQL 13 and later), so a connection a
test forgot to close cannot keep its database alive.

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
from sqlalchemy import URL, Connection, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

TEST_DATABASE_URL = os.environ.get("BRANDHUB_TEST_DATABASE_URL") or None

_USER_SCHEMAS = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
)
#: The tables of the app's schemas (the search schema's among them), quoted.
_TABLES = (
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    f"WHERE c.relkind IN ('r', 'p') AND {_USER_SCHEMAS} ORDER BY 1"
)
_SEQUENCES = (
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
    f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND {_USER_SCHEMAS} "
    "ORDER BY 1"
)
#: What a test could change in a database's structure (rows are compared apart).
_FINGERPRINT = f"""
SELECT md5(concat_ws('|',
  (SELECT string_agg(x, ',' ORDER BY x) FROM (
     SELECT format('%s.%s:%s', n.nspname, c.relname, c.relkind) AS x
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS}) s),
  (SELECT string_agg(x, ',' ORDER BY x) FROM (
     SELECT format('%s.%s:%s:%s', n.nspname, c.relname, a.attname, a.atttypid) AS x
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.attnum > 0 AND NOT a.attisdropped AND {_USER_SCHEMAS}) s),
  (SELECT string_agg(x, ',' ORDER BY x) FROM (
     SELECT format('%s.%s', n.nspname, p.proname) AS x
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {_USER_SCHEMAS}) s),
  (SELECT string_agg(x, ',' ORDER BY x) FROM (
     SELECT format('%s:%s', tgname, tgenabled) AS x FROM pg_trigger) s),
  (SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension),
  (SELECT string_agg(cfgname, ',' ORDER BY cfgname) FROM pg_ts_config)
))
"""


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
        self._spare: dict[str, list[str]] = {}
        self._facts: dict[str, tuple[str, list[str], list[str], list[str]]] = {}

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

    # Databases made from a template, emptied and used again

    def take(self, template: str) -> str:
        """A database holding what ``template`` holds, for one test; its name."""
        spare = self._spare.setdefault(template, [])
        if spare:
            # Emptied behind any app's back: the search backend's copies of what an earlier
            # test wrote there (kept per database in this process) are dropped with it.
            from search_index.pg_docvalues import forget_all

            forget_all()
            return spare.pop()
        name = self.new_name()
        self.create(name, template=template)
        return name

    def give_back(self, name: str, template: str) -> None:
        """Empty ``name`` for another test, or drop it if it differs from ``template``."""
        if self._empty(name, template):
            self._spare.setdefault(template, []).append(name)
        else:
            self.drop(name)

    def drop_spares(self) -> None:
        """Drop the emptied databases waiting for a test (at the end of the session)."""
        for names in self._spare.values():
            while names:
                self.drop(names.pop())

    def _fingerprint(self, conn: Connection, kept: list[str]) -> str:
        """The structure's fingerprint, with the rows of the tables in ``kept``."""
        parts = [str(conn.execute(text(_FINGERPRINT)).scalar_one())]
        for table in kept:
            rows = (
                f"SELECT string_agg(CAST(t AS text), ',' ORDER BY CAST(t AS text)) FROM {table} t"
            )
            parts.append(str(conn.execute(text(f"SELECT md5(({rows}))")).scalar_one()))
        return " ".join(parts)

    def _template_facts(self, template: str) -> tuple[str, list[str], list[str], list[str]]:
        """The template's fingerprint, its empty tables, those with rows, its sequences."""
        if template not in self._facts:
            engine = create_engine(self.url.set(database=template), poolclass=NullPool)
            try:
                with engine.connect() as conn:
                    tables = [str(t) for t in conn.execute(text(_TABLES)).scalars()]
                    empty = [
                        t
                        for t in tables
                        if not conn.execute(text(f"SELECT EXISTS (SELECT FROM {t})")).scalar()
                    ]
                    kept = [t for t in tables if t not in empty]
                    sequences = [str(q) for q in conn.execute(text(_SEQUENCES)).scalars()]
                    fingerprint = self._fingerprint(conn, kept)
                    self._facts[template] = (fingerprint, empty, kept, sequences)
            finally:
                engine.dispose()
        return self._facts[template]

    def _empty(self, name: str, template: str) -> bool:
        """Bring ``name`` back to the template's contents; False if it cannot be."""
        fingerprint, empty, kept, sequences = self._template_facts(template)
        with self.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        engine = create_engine(self.url.set(database=name), poolclass=NullPool)
        try:
            with engine.begin() as conn:
                if self._fingerprint(conn, kept) != fingerprint:
                    return False
                # A terminated backend lets go of its locks as it exits.
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                # Rows go in any order: foreign keys are not checked meanwhile.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for table in empty:
                    conn.execute(text(f"DELETE FROM {table}"))
                for sequence in sequences:
                    conn.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))
            return True
        except DBAPIError:
            return False
        finally:
            engine.dispose()


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
    server.drop_spares()
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
