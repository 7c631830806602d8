"""The app on the PostgreSQL search backend: chosen by configuration, kept in step in the
write's own transaction, rebuilt by ``brandhub reindex``.

The configuration tests run everywhere; the others need the PostgreSQL run of the
suite (``BRANDHUB_TEST_DATABASE_URL``) and are skipped on SQLite.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text

import brandhub
from brandhub import create_app
from brandhub.config import ConfigError
from brandhub.models import Asset, IndexChange
from brandhub.search import service
from search_index import SearchQuery
from search_index.pg_index import PostgresSearchIndex
from search_index.pg_schema import DDL
from tests.factories import app_config, change, session, upload
from tests.plugins.databases import PostgresServer


def test_the_postgres_backend_needs_a_postgresql_database(tmp_path: Path) -> None:
    config = app_config(
        tmp_path,
        SEARCH_BACKEND="postgres",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    with pytest.raises(ConfigError, match="PostgreSQL database"):
        create_app(config)


def test_an_unknown_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="whoosh' or 'postgres"):
        create_app(app_config(tmp_path, SEARCH_BACKEND="elastic"))


@pytest.fixture
def app(app_factory, pg_server: PostgresServer | None) -> Flask:
    """The app of this module's other tests (and of ``api_for``): on the PostgreSQL backend."""
    if pg_server is None:
        pytest.skip("the PostgreSQL search backend needs BRANDHUB_TEST_DATABASE_URL")
    return app_factory(SEARCH_BACKEND="postgres")


@pytest.fixture
def pg_app(app: Flask) -> Flask:
    return app


def _ids(app: Flask, text_: str) -> set[int]:
    with app.app_context():
        index = service(app).index()
        return {h.id for h in index.search(SearchQuery(text=text_, per_page=50)).hits}


def test_a_write_is_searchable_as_soon_as_it_commits(pg_app: Flask, api_for) -> None:
    assert isinstance(service(pg_app).index(), PostgresSearchIndex)
    api = api_for("editor")
    asset = upload(api, 1, title="Inauguración del acueducto")["id"]
    # No outbox, no drain: the document was written in the upload's transaction.
    with session(pg_app) as db:
        assert db.scalar(select(func.count()).select_from(IndexChange)) == 0
    assert _ids(pg_app, "acueducto") == {asset}
    body = api.get("/search?q=inauguracion").get_json()
    assert [r["id"] for r in body["results"]] == [asset]
    change(pg_app, asset, title="Puente peatonal")
    assert _ids(pg_app, "acueducto") == set()
    assert _ids(pg_app, "puente") == {asset}


def test_a_rolled_back_write_leaves_the_index_alone(pg_app: Flask, api_for) -> None:
    asset = upload(api_for("editor"), 1, title="Biblioteca central")["id"]
    with session(pg_app) as db:
        row = db.get(Asset, asset)
        assert row is not None
        row.title = "Mercado municipal"
        db.flush()
        db.rollback()
    assert _ids(pg_app, "mercado") == set()
    assert _ids(pg_app, "biblioteca") == {asset}


def test_a_deleted_asset_leaves_the_index_with_its_row(pg_app: Flask, api_for) -> None:
    api = api_for("editor")
    asset = upload(api, 1, title="Cartel del festival")["id"]
    with session(pg_app) as db:
        row = db.get(Asset, asset)
        db.delete(row)
        db.commit()
    assert _ids(pg_app, "festival") == set()


def test_reindex_rebuilds_the_tables_from_the_database(pg_app: Flask, api_for) -> None:
    api = api_for("editor")
    asset = upload(api, 1, title="Jornada de reforestación")["id"]
    with pg_app.app_context():
        engine = service(pg_app).engine
        assert engine is not None
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM brandhub_search.documents"))
    assert _ids(pg_app, "reforestacion") == set()
    result = pg_app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert _ids(pg_app, "reforestacion") == {asset}


def test_the_migration_creates_what_the_search_package_describes() -> None:
    # search_index.pg_schema.DDL (what tests and tools install) and the migration
    # (what the app installs) are written twice on purpose; they must agree.
    path = Path(brandhub.__file__).parent / "migrations" / "versions" / "search_postgres.py"
    spec = importlib.util.spec_from_file_location("search_postgres_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def normal(statements: tuple[str, ...]) -> list[str]:
        return [" ".join(s.split()) for s in statements]

    assert normal(module._UPGRADE) == normal(DDL)
