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
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite's batch mode rebuilds a table: it creates the new one, copies the
            # rows and drops the old one. With foreign keys on, that DROP deletes the
            # rows first and ON DELETE CASCADE empties every table that points at it
            # (an asset table rebuilt took all renditions, tags and jobs with it). The
            # pragma only takes effect outside a transaction; the keys are checked after.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(
                    f"the migrations left rows whose foreign keys fail: {broken[:5]}"
                )


run_migrations_online()
