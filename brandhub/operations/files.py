"""An asset's file: what an ingested file sets on the asset's row, and its bytes in the store.

An upload (``operations/assets.py``) and a new version (``operations/versions.py``)
both end the same way: the prepared file's columns, renditions, capture time,
near-duplicate hash and brand report go onto the asset row (:func:`take_file`),
and the row is committed with the bytes cleaned up if that fails (:func:`commit_file`).

Bytes are shared: originals are stored under their SHA-256, so an asset, a
version of another asset and a rendition may refer to the same key. Bytes are
deleted only when no row (asset, rendition, version) refers to their key any
more (:func:`delete_unreferenced`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assets.ingest import PreparedFile
from assets.storage import Storage

from ..models import Asset, AssetVersion, Job, Rendition, User
from .access import duplicate_of
from .capture import apply_capture
from .compliance import Checked, record
from .piece_text import queue_text
from .similar import phash_of_prepared

log = logging.getLogger(__name__)


def take_file(
    db: Session, asset: Asset, prepared: PreparedFile, time_zone: str | None, checked: Checked
) -> None:
    """Make ``prepared`` (stored already) the asset's current file (caller's transaction).

    The asset's agency is set first: its camera clocks are read in its zone.
    """
    info = prepared.info
    asset.storage_key, asset.sha256 = prepared.original_key, prepared.sha256
    asset.mime, asset.ext = prepared.sniffed.mime, prepared.sniffed.ext
    asset.size = prepared.size
    asset.original_filename = prepared.filename
    asset.width, asset.height, asset.duration = info.width, info.height, info.duration
    asset.orientation = info.orientation
    asset.metadata_json = info.metadata or {}
    apply_capture(asset, time_zone)
    asset.phash = phash_of_prepared(prepared)  # near duplicates (operations/similar.py)
    record(db, asset, checked)
    asset.renditions = [
        Rendition(
            name=name,
            storage_key=prepared.rendition_key(name),
            mime=rendered.mime,
            width=rendered.width,
            height=rendered.height,
            size=len(rendered.data),
        )
        for name, rendered in prepared.renditions.items()
    ]


def commit_file(
    db: Session,
    storage: Storage,
    user: User,
    asset: Asset,
    prepared: PreparedFile,
    written: Iterable[str],
) -> None:
    """Commit the asset with its new file; on failure the bytes of ``written`` go again.

    A deferred file's renditions (and a video's probe) are queued in the same
    commit and made after it; a failure shows on the asset. When the commit
    fails because the same bytes were committed meanwhile by someone else, the
    answer is that asset as a duplicate; bytes a row refers to stay.
    """
    if prepared.deferred or prepared.proxy:  # the proxy: a web version of broadcast video
        db.add(Job(kind="media", asset=asset, created_by_id=user.id))
    queue_text(db, asset, prepared.sniffed, user)  # the words in it: read in the background
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        delete_unreferenced(db, storage, written)
        winner = db.scalar(select(Asset.id).where(Asset.sha256 == prepared.sha256))
        if winner is not None:
            raise duplicate_of(db, user, winner) from None
        raise
    except BaseException:
        db.rollback()
        delete_unreferenced(db, storage, written)
        raise


def stored_keys(asset: Asset) -> list[str]:
    """Every stored key an asset refers to: original, renditions, versions."""
    return [
        asset.storage_key,
        *(r.storage_key for r in asset.renditions),
        *(v.storage_key for v in asset.versions),
    ]


def unreferenced(db: Session, keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that no asset, rendition or version refers to."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    used: set[str] = set()
    for column in (Asset.storage_key, Rendition.storage_key, AssetVersion.storage_key):
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            used.update(db.scalars(select(column).where(column.in_(chunk))))
    return [k for k in wanted if k not in used]


def delete_unreferenced(db: Session, storage: Storage, keys: Iterable[str]) -> None:
    """Delete the stored objects among ``keys`` that no row refers to any more."""
    for key in unreferenced(db, keys):
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - leftover bytes are only garbage
            log.warning("could not delete stored object %s", key, exc_info=True)
