"""Keeping the search index in step with the database, through an outbox.

Every flush that inserts, changes or deletes an asset also inserts an
``IndexChange`` row in the same transaction (a SQLAlchemy ``after_flush``
listener on every session), so no code path can forget to index and a rolled
back change leaves nothing queued. The one index writer (``drain_outbox``,
called after a write request, by ``brandhub reindex --drain``-like commands or
by a background task) takes the queued changes oldest first, builds documents
from the rows as they are now, applies them to the index in one commit and
only then deletes the rows it handled: delivery is at least once, and applying
the same change twice is harmless. If another process holds the index's write
lock for too long (``IndexBusy``) the changes simply stay queued for the next
drain; nothing is lost and no request fails because of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session

from search_index import AssetDocument, IndexUnavailable, SearchIndex

from .models import Asset, IndexChange, utcnow

log = logging.getLogger(__name__)

#: Other models whose rows change what an asset's document says; each maps to the
#: asset ids it affects. Features register theirs (events, collections, compliance).
RELATED: dict[type, Any] = {}


def register_related(model: type, asset_ids: Any) -> None:
    """``asset_ids(obj) -> iterable of asset ids`` whose documents depend on ``obj``."""
    RELATED[model] = asset_ids


def _changed_asset_ids(session: Session) -> dict[int, str]:
    changes: dict[int, str] = {}
    for obj in session.new:
        if isinstance(obj, Asset) and obj.id is not None:
            changes[obj.id] = "upsert"
    for obj in session.dirty:
        if isinstance(obj, Asset) and session.is_modified(obj):
            changes.setdefault(obj.id, "upsert")
    for obj in session.deleted:
        if isinstance(obj, Asset):
            changes[obj.id] = "delete"
    for obj in (*session.new, *session.dirty, *session.deleted):
        related = RELATED.get(type(obj))
        if related is not None:
            for asset_id in related(obj) or ():
                changes.setdefault(asset_id, "upsert")
    return changes


def _after_flush(session: Session, _context: Any) -> None:
    changes = _changed_asset_ids(session)
    if changes:
        now = utcnow()
        session.connection().execute(
            insert(IndexChange),
            [{"asset_id": i, "op": op, "created_at": now} for i, op in changes.items()],
        )


def install() -> None:
    """Listen on every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def document_for(asset: Asset) -> AssetDocument:
    """The search document of an asset as its row says now."""
    metadata = asset.metadata_json or {}
    keywords = metadata.get("keywords") or []
    when = asset.captured_at or asset.created_at
    event_obj = getattr(asset, "event", None)
    collections = getattr(asset, "collections", None) or []
    return AssetDocument(
        id=asset.id,
        title=asset.title,
        description=asset.description or "",
        tags=tuple(asset.tag_names),
        credit=asset.credit or "",
        creator=asset.creator or "",
        caption=asset.caption or "",
        keywords=tuple(str(k) for k in keywords if isinstance(k, str))[:50],
        event=getattr(event_obj, "title", "") or "",
        collections=tuple(c.title for c in collections),
        filename=asset.original_filename or "",
        kind=asset.kind,
        agency=asset.agency.slug if asset.agency else "",
        year=when.year if when else None,
        orientation=asset.orientation,
        compliance=getattr(asset, "compliance", None) or "unchecked",
        status=asset.status,
        public=bool(asset.public and asset.status == "approved"),
        created_at=asset.created_at,
        captured_at=asset.captured_at,
    )


def drain_outbox(db: Session, index: SearchIndex, batch: int = 500) -> int:
    """Apply up to ``batch`` queued changes to the index; returns how many were handled."""
    rows = db.execute(
        select(IndexChange.id, IndexChange.asset_id).order_by(IndexChange.id).limit(batch)
    ).all()
    if not rows:
        return 0
    ids = {asset_id for _, asset_id in rows}
    assets = {a.id: a for a in db.scalars(select(Asset).where(Asset.id.in_(ids)))}
    upserts = [document_for(assets[i]) for i in sorted(ids) if i in assets]
    deletes = sorted(ids - set(assets))
    try:
        index.apply(upserts=upserts, deletes=deletes)
    except IndexUnavailable as exc:
        db.rollback()
        log.warning("search index not updated, %d changes stay queued: %s", len(rows), exc)
        return 0
    handled = [change_id for change_id, _ in rows]
    db.execute(delete(IndexChange).where(IndexChange.id.in_(handled)))
    db.commit()
    return len(rows)


def drain_all(db: Session, index: SearchIndex, batch: int = 500) -> int:
    total = 0
    while done := drain_outbox(db, index, batch):
        total += done
    return total


def pending(db: Session) -> int:
    from sqlalchemy import func

    return db.scalar(select(func.count()).select_from(IndexChange)) or 0


def iter_documents(db: Session, batch: int = 500) -> Iterator[AssetDocument]:
    """Every asset's document, read in batches (for rebuilds)."""
    last = 0
    while True:
        chunk = db.scalars(
            select(Asset).where(Asset.id > last).order_by(Asset.id).limit(batch)
        ).all()
        if not chunk:
            return
        for asset in chunk:
            yield document_for(asset)
        last = chunk[-1].id
        db.expunge_all()


def enqueue(db: Session, asset_ids: Iterable[int]) -> None:
    now = utcnow()
    rows = [{"asset_id": i, "op": "upsert", "created_at": now} for i in asset_ids]
    if rows:
        db.execute(insert(IndexChange), rows)
