"""The app on the PostgreSQL search backend: chosen by configuration, kept in step in the
write's own transaction, rebuilt by ``brandhub reindex``.

The configuration tests run everywhere; the others need the PostgreSQL run of the
suite (``BRANDHUB_TEST_DATABASE_URL``) and are skipped on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.pool import NullPool

from brandhub import create_app
from brandhub.config import ConfigError
from brandhub.db import alembic_config, make_engine
from brandhub.models import Asset, IndexChange
from brandhub.search import service
from search_index import SearchQuery
from search_index.pg_index import PostgresSearchIndex, install
from tests.factories import app_config, change, session, upload
from tests.plugins.databases import PostgresServer
from tests.search_index.conftest import ARCHIVE, search_database


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
    with engine.begin() as conn:  # the index's tables lost
        conn.execute(text("DELETE FROM brandhub_search.terms"))
        conn.execute(text("DELETE FROM brandhub_search.documents"))
    assert _ids(pg_app, "reforestacion") == set()
    result = pg_app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert _ids(pg_app, "reforestacion") == {asset}


_CATALOG = (
    # Columns in order with their types, indexes, constraints and text search
    # configurations of the search schema: what a search's SQL depends on.
    """SELECT 'column', table_name || '.' || column_name || ' ' || ordinal_position || ' '
              || data_type || ' ' || udt_name || ' ' || is_nullable || ' '
              || coalesce(collation_name, '') || ' ' || is_identity
       FROM information_schema.columns WHERE table_schema = 'brandhub_search'
       UNION ALL SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = 'brandhub_search'
       UNION ALL SELECT 'constraint', conname || ' ' || pg_get_constraintdef(c.oid)
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE n.nspname = 'brandhub_search'
       UNION ALL SELECT 'config', m.cfgname || ' ' || string_agg(
           t.alias || ':' || d.dictname, ' ' ORDER BY t.tokid, p.mapseqno)
       FROM pg_ts_config m JOIN pg_namespace n ON n.oid = m.cfgnamespace
       JOIN pg_ts_config_map p ON p.mapcfg = m.oid
       JOIN ts_token_type('default') t ON t.tokid = p.maptokentype
       JOIN pg_ts_dict d ON d.oid = p.mapdict
       WHERE n.nspname = 'brandhub_search' GROUP BY m.cfgname
       ORDER BY 1, 2"""
)


def test_the_migrations_create_what_the_search_package_describes(
    pg_app: Flask, pg_server: PostgresServer
) -> None:
    # search_index.pg_schema.DDL (what tests and tools install) and the migrations
    # (what the app installs) are written twice on purpose; they must agree.
    with pg_app.app_context():
        engine = service(pg_app).engine
        assert engine is not None
    with engine.connect() as conn:
        migrated = conn.execute(text(_CATALOG)).all()
    name = pg_server.new_name()
    installed = create_engine(pg_server.create(name), poolclass=NullPool)
    try:
        with installed.begin() as conn:
            install(conn)
        with installed.connect() as conn:
            described = conn.execute(text(_CATALOG)).all()
    finally:
        installed.dispose()
        pg_server.drop(name)
    assert migrated == described
    assert any(kind == "column" and "c_tags" in row for kind, row in described)


@pytest.fixture
def migrated(
    empty_database_url: str, pg_server: PostgresServer | None
) -> Iterator[tuple[Engine, Config]]:
    """An empty PostgreSQL database and the Alembic configuration that migrates it."""
    if pg_server is None:
        pytest.skip("the PostgreSQL search backend needs BRANDHUB_TEST_DATABASE_URL")
    engine = make_engine(empty_database_url)
    cfg = alembic_config(engine)
    cfg.attributes["time_zone"] = "America/Argentina/Buenos_Aires"
    yield engine, cfg
    engine.dispose()


def test_the_facet_codes_migration_keeps_the_documents_both_ways(
    migrated: tuple[Engine, Config], tmp_path: Path
) -> None:
    engine, cfg = migrated
    command.upgrade(cfg, "heads")
    index = PostgresSearchIndex(engine, tmp_path)
    index.apply(ARCHIVE)
    query = SearchQuery(text="", filters={"kind": ["image"]}, per_page=50)
    before = index.search(query)
    assert before.total and before.facets["tag"]

    command.downgrade(cfg, "search_postgres")
    with engine.connect() as conn:
        columns = set(
            conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'brandhub_search' AND table_name = 'documents'"
                )
            ).scalars()
        )
        count = conn.execute(text("SELECT count(*) FROM brandhub_search.documents"))
        assert count.scalar_one() == len(ARCHIVE)
    assert "kind" in columns and "c_kind" not in columns

    command.upgrade(cfg, "heads")
    after = index.search(query)
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert after.facets == before.facets
    assert index.stale(ARCHIVE) == []


def test_two_writers_adding_the_same_new_facet_value_both_succeed(
    pg_server: PostgresServer | None, tmp_path: Path
) -> None:
    # A facet value gets its code the first time a document has it; the second writer
    # waits for the first one's commit and then reads the code that one added.
    with search_database(pg_server) as engine:
        index = PostgresSearchIndex(engine, tmp_path)
        first = replace(ARCHIVE[0], id=901, tags=("recién llegado",))
        second = replace(ARCHIVE[1], id=902, tags=("recién llegado",))
        errors: list[BaseException] = []

        def write_second() -> None:
            try:
                index.apply([second])
            except BaseException as exc:  # noqa: BLE001 - reported by the test below
                errors.append(exc)

        writer = threading.Thread(target=write_second)
        with engine.begin() as conn:
            index.apply([first], connection=conn)
            writer.start()
            writer.join(0.5)
            assert writer.is_alive(), "the second writer should wait for the first commit"
        writer.join(30)
        assert not writer.is_alive() and errors == []
        results = index.search(SearchQuery(text="", filters={"tag": ["recién llegado"]}))
        assert {h.id for h in results.hits} == {901, 902}
        assert results.facets["tag"]["recién llegado"] == 2


def test_documents_without_field_lexemes_are_rebuilt_after_the_upgrade(
    migrated: tuple[Engine, Config], tmp_path: Path
) -> None:
    # Documents written before search_field_lexemes lack the lexemes a search in one field
    # looks up; the migration marks such an index as built by an older version.
    engine, cfg = migrated
    command.upgrade(cfg, "heads")
    index = PostgresSearchIndex(engine, tmp_path)
    index.apply(ARCHIVE)
    command.downgrade(cfg, "search_facet_codes")
    assert not index.schema_outdated()
    with engine.begin() as conn:  # as the earlier version wrote them
        conn.execute(
            text(
                "UPDATE brandhub_search.documents SET vector = ts_delete(vector, "
                "ARRAY(SELECT u.lexeme FROM unnest(vector) AS u WHERE u.lexeme LIKE '%:%'))"
            )
        )

    def in_title(word: str) -> set[int]:
        return {h.id for h in index.search(SearchQuery(text=f"title:{word}")).hits}

    command.upgrade(cfg, "heads")
    assert in_title("hospital") == set()
    assert index.schema_outdated()
    index.rebuild(ARCHIVE)
    assert not index.schema_outdated()
    assert in_title("hospital") == {5}
    assert in_title("recorrido") == set()  # in the description only


def test_an_empty_index_is_not_marked_by_the_field_lexemes_upgrade(
    migrated: tuple[Engine, Config], tmp_path: Path
) -> None:
    engine, cfg = migrated
    command.upgrade(cfg, "search_facet_codes")
    command.upgrade(cfg, "heads")
    assert not PostgresSearchIndex(engine, tmp_path).schema_outdated()
