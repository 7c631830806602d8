"""Shared fixtures: the app, its client and runner, auth helpers and factories.

Every test gets its own instance folder. The database schema is migrated once
per session into a template SQLite file and copied for each test (Alembic runs
for real, just not a thousand times). With ``BRANDHUB_TEST_DATABASE_URL`` set, the
template and the copies are PostgreSQL databases instead (tests/plugins/databases.py).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from brandhub import create_app
from brandhub.auth.passwords import hash_password
from brandhub.auth.tokens import create_token
from brandhub.db import database, upgrade
from brandhub.models import Agency, User

if TYPE_CHECKING:
    from tests.plugins.databases import PostgresServer

pytest_plugins = ["tests.plugins.databases", "tests.plugins.redis_server", "tests.plugins.s3"]

PASSWORD = "correct horse battery staple"


def _config(instance: Path, **extra: Any) -> dict[str, Any]:
    return {
        "INSTANCE_PATH": str(instance),
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "JOBS_BACKEND": "immediate",  # background tasks run at once, in the test
        **extra,
    }


@pytest.fixture(scope="session")
def template_db(
    tmp_path_factory: pytest.TempPathFactory, pg_server: PostgresServer | None
) -> Iterator[Path | str]:
    """The migrated template: a SQLite file, or the name of a PostgreSQL database."""
    folder = tmp_path_factory.mktemp("template")
    extra: dict[str, Any] = {}
    if pg_server is not None:
        extra["DATABASE_URL"] = pg_server.create(pg_server.template_name)
    app = create_app(_config(folder, **extra))
    upgrade(app)
    database(app).dispose()
    if pg_server is None:
        yield folder / "brandhub.sqlite3"
    else:
        yield pg_server.template_name
        pg_server.drop(pg_server.template_name)


@pytest.fixture
def app_factory(
    tmp_path: Path, template_db: Path | str, pg_server: PostgresServer | None
) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []
    databases: list[str] = []

    def make(**extra: Any) -> Flask:
        instance = tmp_path / f"instance{len(made)}"
        instance.mkdir()
        own_database = "DATABASE_URL" in extra
        if not own_database and pg_server is not None:
            databases.append(pg_server.new_name())
            extra["DATABASE_URL"] = pg_server.create(databases[-1], template=str(template_db))
        elif not own_database:
            shutil.copy(template_db, instance / "brandhub.sqlite3")
        app = create_app(_config(instance, **extra))
        if own_database:
            upgrade(app)
        made.append(app)
        return app

    yield make
    for app in made:
        database(app).dispose()
    for name in databases:
        if pg_server is not None:
            pg_server.drop(name)


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_counter = {"n": 0}


def add_user(
    app: Flask, role: str = "editor", agency: str | None = "salud", email: str | None = None
) -> User:
    """Create a person (and the agency if new) directly in the app's database."""
    _counter["n"] += 1
    n = _counter["n"]
    db = database(app).sessionmaker()
    try:
        agency_row = None
        if agency:
            agency_row = db.query(Agency).filter_by(slug=agency).one_or_none()
            if agency_row is None:
                agency_row = Agency(slug=agency, name=f"Agencia {agency.title()}")
                db.add(agency_row)
        user = User(
            email=email or f"{role}{n}@example.org",
            name=f"{role.title()} {n}",
            role=role,
            agency=agency_row,
            password_hash=hash_password(PASSWORD),
        )
        db.add(user)
        db.commit()
        db.refresh(user)
        db.expunge(user)
        return user
    finally:
        db.close()


def add_token(app: Flask, user: User) -> str:
    db = database(app).sessionmaker()
    try:
        token = create_token(db, db.get(User, user.id))
        db.commit()
        return token
    finally:
        db.close()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """``make_user("editor", agency="salud")`` creates a person (and agency)."""
    return lambda *a, **kw: add_user(app, *a, **kw)


@pytest.fixture
def make_token(app: Flask) -> Callable[[User], str]:
    return lambda user: add_token(app, user)


class Api:
    """A thin JSON client for /api/v1 with a bearer token."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(
            "/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete("/api/v1" + path, headers=self._headers(), **kw)

    def patch(self, path: str, **kw: Any) -> Any:
        return self.client.patch("/api/v1" + path, headers=self._headers(), **kw)

    def upload(self, data: bytes, filename: str = "foto.jpg", **fields: Any) -> Any:
        # Encoded in memory: Werkzeug's test client would spool a large body to a
        # temporary file that it never closes (a ResourceWarning, an error here).
        boundary, body = encode_multipart(
            {"file": FileStorage(io.BytesIO(data), filename), **fields}
        )
        return self.client.post(
            "/api/v1/assets",
            data=body,
            headers=self._headers(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


@pytest.fixture
def api_for(client: FlaskClient, make_user: Callable[..., User], make_token: Callable[[User], str]):
    """``api_for("editor", agency="salud")`` → an Api client signed in as a new person."""

    def make(role: str = "editor", agency: str | None = "salud") -> Api:
        user = make_user(role, agency)
        api = Api(client, make_token(user))
        api.user = user  # type: ignore[attr-defined]
        return api

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], Any]:
    def do(user: User, password: str = PASSWORD) -> Any:
        return client.post(
            "/login", data={"email": user.email, "password": password}, follow_redirects=False
        )

    return do
