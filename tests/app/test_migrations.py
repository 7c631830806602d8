"""The migrations, on the backend the suite runs on (SQLite, or PostgreSQL when
``BRANDHUB_TEST_DATABASE_URL`` is set): from an empty database to the heads they build
exactly the schema the models describe, and they go down to empty and up again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from brandhub.db import alembic_config, make_engine
from brandhub.models import Base


@pytest.fixture
def engine(empty_database_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_database_url)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_empty_builds_the_models_schema(engine: Engine) -> None:
    cfg = alembic_config(engine)
    command.upgrade(cfg, "heads")

    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    assert current == set(ScriptDirectory.from_config(cfg).get_heads())
    assert _differences(engine) == []


def test_downgrade_to_empty_and_up_again(engine: Engine) -> None:
    cfg = alembic_config(engine)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "base")

    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(cfg, "heads")
    assert _differences(engine) == []
