"""The ``access_links`` migration on an instance with people: up, a link stored, down and up
again (SQLite, or PostgreSQL when the suite runs there)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from brandhub.db import alembic_config, make_engine


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def test_access_links_come_and_go_without_touching_people(engine: Engine) -> None:
    cfg = alembic_config(engine)
    command.upgrade(cfg, "capture_time")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (email, name, password_hash, role, active, session_version,"
                " created_at) VALUES ('a@x.gob', 'A', 'h', 'admin', true, 1, CURRENT_TIMESTAMP)"
            )
        )
    command.upgrade(cfg, "access_links")
    columns = {c["name"] for c in inspect(engine).get_columns("access_links")}
    assert {"purpose", "token_hash", "email", "role", "agency_id", "user_id", "expires_at"} <= (
        columns
    )
    with engine.begin() as conn:
        user_id = conn.scalar(text("SELECT id FROM users WHERE email = 'a@x.gob'"))
        conn.execute(
            text(
                "INSERT INTO access_links (purpose, token_hash, email, role, user_id,"
                " created_at, expires_at) VALUES ('reset', :h, 'a@x.gob', 'admin', :u,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"h": "0" * 64, "u": user_id},
        )
    command.downgrade(cfg, "capture_time")
    assert "access_links" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM users")) == 1
    command.upgrade(cfg, "heads")
    assert "access_links" in inspect(engine).get_table_names()
