"""Collecting orphaned bytes.

An upload writes its bytes before it commits its row (``create_asset``): a
process killed in between, or a commit that failed and could not delete what it
wrote, leaves bytes that no row refers to. ``collect_garbage`` lists the objects
under ``originals/``, ``renditions/`` and ``derived/`` and removes those that no
row refers to — a ``storage_key`` column of any table (assets, renditions,
versions, and any table added later with such a column), or, for a derived
download, the hash of a current asset — and that are older than a grace
period, so the bytes of an upload in flight are never taken. The references
are read again just before deleting: an upload of the same bytes may have
adopted an orphan in the meantime (originals are content-addressed). Brand logo
files (``brands/``) are never collected. What interrupted writes left (a local
temporary file, an S3 multipart upload never completed) goes too, after the
same grace period (``Storage.remove_partial``), and so do the spooled uploads a
killed process left in the temporary folder (``sweep_spool``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, select

from assets.errors import StorageError
from assets.storage import Storage, StoredObject

from ..models import Asset
from ..models.base import Base

GC_PREFIXES = ("originals/", "renditions/", "derived/")
# Temporary files of uploads, ingests, checks and local copies (``tempfile`` prefixes).
SPOOL_PREFIX = "brandhub-"
DEFAULT_GRACE = timedelta(hours=1)


@dataclass
class Garbage:
    """What ``collect_garbage`` found: removed (or, dry, removable) objects and the rest."""

    removed: list[StoredObject] = field(default_factory=list)
    young: list[StoredObject] = field(default_factory=list)
    referenced: int = 0
    failed: list[str] = field(default_factory=list)
    # Leftovers of interrupted writes (temporary files, unfinished multipart uploads).
    partial: list[StoredObject] = field(default_factory=list)

    @property
    def bytes_freed(self) -> int:
        return sum(obj.size for obj in (*self.removed, *self.partial))


def _key_columns(connection: Connection) -> list[Any]:
    present = set(inspect(connection).get_table_names())
    return [
        table.c.storage_key
        for table in Base.metadata.sorted_tables
        if table.name in present and "storage_key" in table.c
    ]


def referenced_keys(connection: Connection) -> tuple[set[str], set[str]]:
    """Every storage key a row refers to, and the hashes of current assets."""
    keys: set[str] = set()
    for column in _key_columns(connection):
        keys.update(k for (k,) in connection.execute(select(column).distinct()) if k)
    hashes = {h for (h,) in connection.execute(select(Asset.sha256)) if h}
    return keys, hashes


def _in_use(key: str, keys: set[str], hashes: set[str]) -> bool:
    if key in keys:
        return True
    if key.startswith("derived/"):
        return key.split("/", 2)[1] in hashes
    return False


def collect_garbage(
    engine: Engine,
    storage: Storage,
    *,
    grace: timedelta = DEFAULT_GRACE,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Garbage:
    """Remove stored objects no row refers to and older than ``grace`` (see module doc)."""
    now = now or datetime.now(UTC)
    with engine.connect() as connection:
        keys, hashes = referenced_keys(connection)
    found = Garbage()
    found.partial = storage.remove_partial(now - grace, dry_run=dry_run)
    candidates: list[StoredObject] = []
    for prefix in GC_PREFIXES:
        for obj in storage.iter_objects(prefix):
            if _in_use(obj.key, keys, hashes):
                found.referenced += 1
            elif now - obj.modified < grace:
                found.young.append(obj)
            else:
                candidates.append(obj)
    if not candidates:
        return found
    # An upload may have adopted one of these bytes since the first read.
    with engine.connect() as connection:
        keys, hashes = referenced_keys(connection)
    for obj in candidates:
        if _in_use(obj.key, keys, hashes):
            found.referenced += 1
            continue
        if not dry_run:
            try:
                storage.delete(obj.key)
            except StorageError:
                found.failed.append(obj.key)
                continue
        found.removed.append(obj)
    return found


def sweep_spool(
    folder: Path,
    *,
    grace: timedelta = DEFAULT_GRACE,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[StoredObject]:
    """Temporary files of BrandHub's (``brandhub-*``) in ``folder`` older than ``grace``.

    A live upload keeps writing to its file, so only a killed one's grows old.
    Folders are left alone.
    """
    cutoff = (now or datetime.now(UTC)) - grace
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        if not path.name.startswith(SPOOL_PREFIX):
            continue
        try:
            st = path.lstat()
            when = datetime.fromtimestamp(st.st_mtime, UTC)
            if not path.is_file() or path.is_symlink() or when >= cutoff:
                continue
            if not dry_run:
                path.unlink()
        except OSError:
            continue
        removed.append(StoredObject(str(path), st.st_size, when))
    return removed
