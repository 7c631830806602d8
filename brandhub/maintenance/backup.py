"""Backing up an instance and restoring it.

A backup is a folder::

    manifest.json          what is in it: tables and row counts, objects with sizes
                           and SHA-256, the schema revision; written last, so a
                           folder without it is an unfinished backup
    database.sqlite3       SQLite: a consistent copy made by SQLite's online backup API
    database/<table>.jsonl PostgreSQL: every row of every table as JSON lines, read in
                           one REPEATABLE READ transaction (one snapshot)
    objects/<key>          every stored object (derived downloads excepted: they are
                           a cache, made again on demand), copied by streaming
    secret_key             the instance's key (sessions and signed links), mode 0600
    brands/*.toml          the shipped brand files, for reference: every published
                           brand version is in the database itself

PostgreSQL is dumped through SQLAlchemy rather than ``pg_dump``: ``pg_dump`` must
match the server's major version and is often not installed where BrandHub runs
(a container with only the Python client), and rows as JSON restore into any
later schema revision and into SQLite as well (or from SQLite into PostgreSQL),
which is how an installation moves from one machine to a bigger one. The
database is copied first, then the objects: an object deleted while the backup
runs is listed under ``missing`` in the manifest.

``restore`` refuses an instance that already holds assets, brands, events,
collections or stored objects unless forced; it checks every object's SHA-256
against the manifest while copying it back, then loads the database (SQLite
onto SQLite by the backup API, anything else row by row in dependency order,
sequences moved past the restored ids) and upgrades it to the current schema.
The search index is derived data: the command rebuilds it afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, delete, func, inspect, select, text

from assets.errors import InvalidInput, ObjectNotFound
from assets.storage import Storage

from ..models.base import Base
from .garbage import referenced_keys
from .rows import alembic_revisions, encode_value, row_decoder, tables_of

FORMAT = "brandhub-backup"
VERSION = 1
CHUNK = 1024 * 1024
BATCH = 1000
# Tables whose rows make an instance "not empty" for a restore; people and agencies
# made by ``brandhub init`` do not count (the backup's replace them).
CONTENT_TABLES = ("assets", "brand_versions", "events", "collections")
SKIPPED_PREFIXES = ("derived/",)

Progress = Callable[[str], None]


def _sqlite_path(engine: Engine) -> Path | None:
    if engine.url.get_backend_name() != "sqlite":
        return None
    return Path(engine.url.database or "")


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while others keep writing."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=4096)
    finally:
        dst.close()
        src.close()


def _dump_rows(engine: Engine, folder: Path) -> tuple[dict[str, int], list[str]]:
    folder.mkdir()
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        if engine.url.get_backend_name() == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revisions = alembic_revisions(connection)
            for table in tables_of(connection):
                count = 0
                with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
                    rows = connection.execution_options(stream_results=True).execute(select(table))
                    for row in rows.mappings():
                        out.write(json.dumps({k: encode_value(v) for k, v in row.items()}))
                        out.write("\n")
                        count += 1
                counts[table.name] = count
    return counts, revisions


def _counts(engine: Engine) -> tuple[dict[str, int], list[str]]:
    with engine.connect() as connection:
        counts = {
            t.name: connection.scalar(select(func.count()).select_from(t)) or 0
            for t in tables_of(connection)
        }
        return counts, alembic_revisions(connection)


def _copy_object(storage: Storage, key: str, target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    partial = target.with_name(target.name + ".partial")
    with storage.open(key) as src, partial.open("wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    partial.replace(target)
    return size, digest.hexdigest()


def backup(
    engine: Engine,
    storage: Storage,
    folder: Path,
    *,
    instance_path: Path | None = None,
    brand_dirs: Iterable[Path] = (),
    portable: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write a backup of the database and the stored objects into ``folder`` (new or empty).

    ``portable`` dumps a SQLite database as JSON lines too (to restore it into PostgreSQL).
    """
    say = progress or (lambda _msg: None)
    if folder.exists() and any(folder.iterdir()):
        raise InvalidInput("The backup folder is not empty.", path=str(folder))
    folder.mkdir(parents=True, exist_ok=True)

    database: dict[str, Any]
    source = _sqlite_path(engine)
    if source is not None and not portable:
        _copy_sqlite(source, folder / "database.sqlite3")
        copy = create_engine(f"sqlite:///{folder / 'database.sqlite3'}")
        try:
            counts, revisions = _counts(copy)
            with copy.connect() as connection:
                keys, _hashes = referenced_keys(connection)
        finally:
            copy.dispose()
        database = {"format": "sqlite", "file": "database.sqlite3"}
    else:
        counts, revisions = _dump_rows(engine, folder / "database")
        keys = set()
        for name in counts:
            table = Base.metadata.tables[name]
            if "storage_key" in table.c:
                with (folder / "database" / f"{name}.jsonl").open(encoding="utf-8") as rows:
                    keys.update(json.loads(line)["storage_key"] for line in rows)
        database = {"format": "jsonl", "folder": "database"}
    database.update(dialect=engine.url.get_backend_name(), tables=counts, alembic=revisions)
    say(f"database: {sum(counts.values())} rows in {len(counts)} tables")

    objects: list[dict[str, Any]] = []
    total = 0
    for obj in storage.iter_objects():
        if obj.key.startswith(SKIPPED_PREFIXES):
            continue
        try:
            size, sha256 = _copy_object(storage, obj.key, folder / "objects" / obj.key)
        except ObjectNotFound:
            continue  # deleted since it was listed
        objects.append({"key": obj.key, "size": size, "sha256": sha256})
        total += size
    copied = {item["key"] for item in objects}
    missing = sorted(keys - copied)
    say(f"objects: {len(objects)} ({total} bytes)")

    secret = instance_path / "secret_key" if instance_path else None
    if secret is not None and secret.is_file():
        fd = os.open(folder / "secret_key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secret.read_bytes())
    brands = []
    for directory in brand_dirs:
        for path in sorted(Path(directory).glob("*.toml")):
            (folder / "brands").mkdir(exist_ok=True)
            shutil.copy2(path, folder / "brands" / path.name)
            brands.append(path.name)

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "database": database,
        "objects": {"count": len(objects), "bytes": total, "items": objects},
        "missing": missing,
        "secret_key": (folder / "secret_key").exists(),
        "brands": brands,
    }
    partial = folder / "manifest.json.partial"
    partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
    partial.replace(folder / "manifest.json")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidInput(
            "This folder holds no finished backup (manifest.json is missing).", path=str(folder)
        ) from None
    except ValueError:
        raise InvalidInput("The backup's manifest.json cannot be read.", path=str(path)) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise InvalidInput("This folder holds no BrandHub backup of a known version.")
    return manifest


def is_empty(engine: Engine, storage: Storage) -> bool:
    """True when the instance holds no content (see ``CONTENT_TABLES``) and no objects."""
    with engine.connect() as connection:
        for table in tables_of(connection):
            if table.name in CONTENT_TABLES and connection.scalar(
                select(func.count()).select_from(table)
            ):
                return False
    return next(iter(storage.iter_keys()), None) is None


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _restore_objects(storage: Storage, folder: Path, items: list[dict[str, Any]]) -> int:
    for item in items:
        path = folder / "objects" / item["key"]
        if not path.is_file() or _file_sha256(path) != item["sha256"]:
            raise InvalidInput(
                "The backup is damaged: a stored file is missing or changed.", key=item["key"]
            )
        storage.put_file(item["key"], path)
    return len(items)


def _source_rows(
    folder: Path, manifest: dict[str, Any]
) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(table name, rows as plain dicts) in dependency order, from either kind of dump."""
    database = manifest["database"]
    order = [t.name for t in Base.metadata.sorted_tables if t.name in database["tables"]]
    if database["format"] == "jsonl":
        for name in order:
            decode = row_decoder(Base.metadata.tables[name])

            def rows(
                name: str = name, decode: Callable[[dict[str, Any]], dict[str, Any]] = decode
            ) -> Iterator[dict[str, Any]]:
                with (folder / database["folder"] / f"{name}.jsonl").open(encoding="utf-8") as fh:
                    for line in fh:
                        yield decode(json.loads(line))

            yield name, rows()
        return
    source = create_engine(f"sqlite:///{folder / database['file']}")
    try:
        with source.connect() as connection:
            for name in order:
                table = Base.metadata.tables[name]
                columns = {c["name"] for c in inspect(connection).get_columns(name)}
                query = select(*(c for c in table.columns if c.name in columns))
                yield name, (dict(r) for r in connection.execute(query).mappings())
    finally:
        source.dispose()


def _wipe(connection: Connection) -> None:
    for table in reversed(tables_of(connection)):
        connection.execute(delete(table))


def _load_rows(engine: Engine, folder: Path, manifest: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        _wipe(connection)
        present = {t.name for t in tables_of(connection)}
        for name, rows in _source_rows(folder, manifest):
            if name not in present:
                continue
            table = Base.metadata.tables[name]
            batch: list[dict[str, Any]] = []
            count = 0
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    connection.execute(table.insert(), batch)
                    count += len(batch)
                    batch = []
            if batch:
                connection.execute(table.insert(), batch)
                count += len(batch)
            counts[name] = count
        if engine.url.get_backend_name() == "postgresql":
            _move_sequences(connection)
    return counts


def _move_sequences(connection: Connection) -> None:
    """Let new rows take ids after the restored ones."""
    for table in tables_of(connection):
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        highest = connection.scalar(select(func.max(table.c.id))) or 0
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :next, false)"),
            {"t": table.name, "next": highest + 1},
        )


def restore(
    engine: Engine,
    storage: Storage,
    folder: Path,
    *,
    instance_path: Path | None = None,
    force: bool = False,
    upgrade: Callable[[], None] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Load a backup into this instance (see module doc); returns tables and object count."""
    say = progress or (lambda _msg: None)
    manifest = read_manifest(folder)
    if not force and not is_empty(engine, storage):
        raise InvalidInput(
            "This instance already holds assets or files; restore into a new one, "
            "or force it to replace them."
        )
    restored = _restore_objects(storage, folder, manifest["objects"]["items"])
    say(f"objects: {restored}")
    database = manifest["database"]
    target = _sqlite_path(engine)
    if database["format"] == "sqlite" and target is not None:
        engine.dispose()
        _copy_sqlite(folder / database["file"], target)
        counts = dict(database["tables"])
    else:
        if upgrade is not None:
            upgrade()
        counts = _load_rows(engine, folder, manifest)
    if upgrade is not None:
        upgrade()  # a backup of an earlier schema revision
    say(f"database: {sum(counts.values())} rows")
    if manifest.get("secret_key") and instance_path is not None:
        instance_path.mkdir(parents=True, exist_ok=True)
        target_key = instance_path / "secret_key"
        target_key.unlink(missing_ok=True)
        fd = os.open(target_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write((folder / "secret_key").read_bytes())
    return {"tables": counts, "objects": restored, "missing": manifest.get("missing", [])}
