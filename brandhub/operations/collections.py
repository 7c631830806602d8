"""Collections: hand-made sets of assets (a press kit, a campaign, the logos).

An asset can be in any number of collections. Adding an asset to a collection
needs the right to manage the collection and to see the asset (a brand
manager's press kit may gather approved photos of every agency); it does not
change the asset itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, delete, insert, select
from sqlalchemy.orm import Session

from assets.errors import InvalidInput

from .. import indexing
from ..models import Asset, Collection, collection_assets, utcnow
from .access import require_upload, visible_filter
from .archive import can_manage, get_visible, owned_filter, require_manage, visible_selection
from .assets import _resolve_agency

__all__ = [
    "CollectionFields",
    "add_assets",
    "collection_assets_query",
    "create_collection",
    "delete_collection",
    "get_visible_collection",
    "manageable_collections",
    "remove_assets",
    "update_collection",
    "visible_collections",
]


@dataclass
class CollectionFields:
    """A collection's editable fields; None means "leave as it is"."""

    title: str | None = None
    description: str | None = None
    public: bool | None = None
    agency: str | None = None  # agency slug


def _apply(collection: Collection, fields: CollectionFields) -> None:
    if fields.title is not None:
        title = " ".join(fields.title.split())[:300]
        if not title:
            raise InvalidInput("The title cannot be empty.", field="title")
        collection.title = title
    if fields.description is not None:
        collection.description = fields.description.strip()
    if fields.public is not None:
        collection.public = fields.public


def visible_collections(user: Any) -> Select[tuple[Collection]]:
    return (
        select(Collection)
        .where(owned_filter(Collection, user))
        .order_by(Collection.updated_at.desc(), Collection.id.desc())
    )


def manageable_collections(db: Session, user: Any) -> list[Collection]:
    """Collections ``user`` may add assets to (for the asset page and the bulk form)."""
    rows = db.scalars(visible_collections(user).limit(500)).all()
    return [c for c in rows if can_manage(user, c)]


def get_visible_collection(db: Session, user: Any, collection_id: int) -> Collection:
    return get_visible(db, Collection, user, collection_id)


def create_collection(db: Session, user: Any, fields: CollectionFields) -> Collection:
    creator = require_upload(user)
    collection = Collection(created_by=creator, agency=_resolve_agency(db, creator, fields.agency))
    if fields.title is None:
        raise InvalidInput("The title cannot be empty.", field="title")
    _apply(collection, fields)
    db.add(collection)
    db.commit()
    return collection


def update_collection(
    db: Session, user: Any, collection: Collection, fields: CollectionFields
) -> Collection:
    require_manage(user, collection)
    _apply(collection, fields)
    if fields.agency is not None:
        collection.agency = _resolve_agency(db, user, fields.agency)
    db.commit()
    return collection


def delete_collection(db: Session, user: Any, collection: Collection) -> None:
    """Delete the collection; its assets stay in the library."""
    require_manage(user, collection)
    db.delete(collection)
    db.commit()


def collection_assets_query(user: Any, collection: Collection) -> Select[tuple[Asset]]:
    """The collection's assets ``user`` may see, in the order they were added."""
    link = collection_assets.c
    return (
        select(Asset)
        .join(collection_assets, link.asset_id == Asset.id)
        .where(link.collection_id == collection.id, visible_filter(user))
        .order_by(link.added_at, Asset.id)
    )


def _members(db: Session, collection: Collection, asset_ids: list[int]) -> set[int]:
    link = collection_assets.c
    return set(
        db.scalars(
            select(link.asset_id).where(
                link.collection_id == collection.id, link.asset_id.in_(asset_ids)
            )
        )
    )


def add_assets(db: Session, user: Any, collection: Collection, asset_ids: list[int]) -> int:
    """Add the assets (those already in it stay as they are); the number added."""
    require_manage(user, collection)
    visible_selection(db, user, asset_ids)
    new = [i for i in asset_ids if i not in _members(db, collection, asset_ids)]
    if new:
        now = utcnow()
        # Core inserts keep a thousand-asset press kit one statement; the search
        # index learns of the new membership through the outbox, queued here. A
        # microsecond apart each, so the collection keeps the order they were given.
        db.execute(
            insert(collection_assets),
            [
                {"collection_id": collection.id, "asset_id": i,
                 "added_at": now + timedelta(microseconds=n)}
                for n, i in enumerate(new)
            ],
        )  # fmt: skip
        indexing.enqueue(db, new)
    collection.updated_at = utcnow()
    db.commit()
    return len(new)


def remove_assets(db: Session, user: Any, collection: Collection, asset_ids: list[int]) -> int:
    """Take the assets out of the collection; the number removed."""
    require_manage(user, collection)
    present = _members(db, collection, asset_ids)
    if present:
        link = collection_assets.c
        db.execute(
            delete(collection_assets).where(
                link.collection_id == collection.id, link.asset_id.in_(present)
            )
        )
        indexing.enqueue(db, present)
    collection.updated_at = utcnow()
    db.commit()
    return len(present)
