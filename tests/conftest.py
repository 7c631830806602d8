"""Shared fixtures: the app, its client and runner, people, tokens and sessions.

Where a test goes (one rule; tests/README.md has the table of areas): a test
lives beside the code it exercises, chosen by how it reaches that code.

- It calls a domain package itself, with no app: ``tests/assets``,
  ``tests/guidelines``, ``tests/search_index``.
- It drives the BrandHub application (``app``, ``client``, ``runner``,
  ``api_for``) to check one thing the app holds: ``tests/app/<area>``, the area
  named by that domain noun (assets, sets, downloads, review, sharing, search,
  compliance, jobs, maintenance); what every area stands on (database,
  migrations, sign-in, pages, the API document, catalogs) sits in ``tests/app``.
- It puts the whole app under one outside tool or adversary: ``tests/browser``
  (Chromium), ``tests/fuzz`` (atheris, hypothesis on the ingest boundary),
  ``tests/security`` (an attack: hostile files, fields and queries, requests
  a person may not make, guesses, leaks between agencies), ``tests/faults``
  (full disks, killed processes, failing stores, concurrent writers).

Things to make (people, tokens, pictures, uploads, rows) come from
``tests/factories.py``; a folder's ``support.py`` holds what only that folder
uses; tests/plugins/ starts the outside servers (PostgreSQL, Redis, S3).

Every test gets its own instance folder. The database schema is migrated once
per session into a template SQLite file and copied for each test (Alembic runs
for real, just not a thousand times). With ``BRANDHUB_TEST_DATABASE_URL`` set, the
template and the copies are PostgreSQL databases instead, emptied after each test for
the next one rather than dropped (tests/plugins/databases.py). werkzeug's URL builders
are compiled once per process, not once per app (tests/plugins/url_builders.py).
Passwords are hashed with Argon2's cheapest parameters (tests/plugins/passwords.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from brandhub import create_app
from brandhub.db import database, upgrade
from brandhub.models import User
from tests.factories import PASSWORD, Api, add_token, add_user, app_config, session

if TYPE_CHECKING:
    from tests.plugins.databases import PostgresServer

pytest_plugins = [
    "tests.plugins.databases",
    "tests.plugins.url_builders",
    "tests.plugins.passwords",
    "tests.plugins.redis_server",
    "tests.plugins.s3",
    "tests.plugins.seaweedfs",
]


@pytest.fixture(scope="session")
def template_db(
    tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[Path | str]:
    """The migrated template: a SQLite file, or the name of a PostgreSQL database."""
    folder = tmp_path_factory.mktemp("template")
    extra: dict[str, Any] = {}
    if pg_server is not None:
        extra["DATABASE_URL"] = pg_server.create(pg_server.template_name)
    app = create_app(app_config(folder, **extra))
    upgrade(app)
    database(app).dispose()
    if pg_server is None:
        yield folder / "brandhub.sqlite3"
    else:
        yield pg_server.template_name
        pg_server.drop(pg_server.template_name)


@pytest.fixture
def app_factory(
    tmp_path: Path,
    template_db: Path | str,
    pg_server: PostgresServer | None,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Flask]]:
    """Apps on the suite's database; on PostgreSQL they also search with the PostgreSQL
    backend, unless the test is marked ``search_backend("whoosh")`` (about the Whoosh
    index, its outbox and drains)."""
    made: list[Flask] = []
    databases: list[str] = []
    marker = request.node.get_closest_marker("search_backend")
    search_backend = marker.args[0] if marker else "postgres"

    def make(**extra: Any) -> Flask:
        instance = tmp_path / f"instance{len(made)}"
        instance.mkdir()
        own_database = "DATABASE_URL" in extra
        if not own_database and pg_server is not None:
            extra.setdefault("SEARCH_BACKEND", search_backend)
            databases.append(pg_server.take(str(template_db)))
            extra["DATABASE_URL"] = pg_server.url_for(databases[-1])
        elif not own_database:
            shutil.copy(template_db, instance / "brandhub.sqlite3")
        app = create_app(app_config(instance, **extra))
        if own_database:
            upgrade(app)
        made.append(app)
        return app

    yield make
    for app in made:
        database(app).dispose()
    for name in databases:
        if pg_server is not None:
            pg_server.give_back(name, str(template_db))


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """``make_user("editor", agency="salud")`` creates a person (and agency)."""
    return lambda *a, **kw: add_user(app, *a, **kw)


@pytest.fixture
def make_token(app: Flask) -> Callable[[User], str]:
    return lambda user: add_token(app, user)


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the app's database, closed after the test.

    Its transaction starts at its first query and reads from then on, so a test
    that reads, then makes requests, then reads again commits in between (or opens
    another with ``tests.factories.session(app)``).
    """
    with session(app) as db:
        yield db


@pytest.fixture
def api_for(
    client: FlaskClient, make_user: Callable[..., User], make_token: Callable[[User], str]
) -> Callable[..., Api]:
    """``api_for("editor", agency="salud")`` → an Api client signed in as a new person."""

    def make(role: str = "editor", agency: str | None = "salud") -> Api:
        user = make_user(role, agency)
        return Api(client, make_token(user), user)

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], Any]:
    def do(user: User, password: str = PASSWORD) -> Any:
        return client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )

    return do
