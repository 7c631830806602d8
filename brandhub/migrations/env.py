"""Alembic environment: runs against the app's engine handed in by ``brandhub.db.upgrade``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from brandhub.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # plain `alembic` command line use
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("no database: set sqlalchemy.url, or run `brandhub init`")
        engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
