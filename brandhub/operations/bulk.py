"""Bulk edits: one set of changes applied to a selection of assets, all or nothing.

What a photographer sets once for a whole coverage: the credit, the caption,
the copyright, tags to add (existing tags stay), a title prefix ("Acto 25 de
Mayo — "), the event, a collection. Every selected asset must be visible and
editable by the person, or nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from assets.errors import InvalidInput

from ..models import Asset, User
from .assets import MAX_TAGS, parse_tags, tags_named
from .review import TEXT_CHANGED, public_text, reopen_if_approved, text_changed
from .selection import editable_selection
from .sets import COLLECTIONS, EVENTS, require_manage


@dataclass
class BulkChanges:
    """None (or empty) leaves a field as it is on every asset."""

    credit: str | None = None
    caption: str | None = None
    copyright: str | None = None
    add_tags: list[str] = field(default_factory=list)
    title_prefix: str | None = None
    event_id: int | None = None
    collection_id: int | None = None

    def is_empty(self) -> bool:
        return not (
            self.credit
            or self.caption
            or self.copyright
            or self.add_tags
            or self.title_prefix
            or self.event_id
            or self.collection_id
        )


def _prefixed(title: str, prefix: str) -> str:
    # Applying the same prefix twice (a re-sent form) changes nothing.
    if title.startswith(prefix):
        return title
    return f"{prefix} {title}"[:300]


def bulk_update(db: Session, user: User, asset_ids: list[int], changes: BulkChanges) -> list[Asset]:
    """Apply ``changes`` to every asset in ``asset_ids`` in one transaction."""
    if changes.is_empty():
        raise InvalidInput("Choose at least one change to apply.")
    assets = editable_selection(db, user, asset_ids)
    event = EVENTS.get_visible(db, user, changes.event_id) if changes.event_id else None
    if event is not None:
        require_manage(user, event)
    collection = (
        COLLECTIONS.get_visible(db, user, changes.collection_id) if changes.collection_id else None
    )
    if collection is not None:
        require_manage(user, collection)
    prefix = " ".join((changes.title_prefix or "").split())[:100]
    new_tags = tags_named(db, parse_tags(changes.add_tags)) if changes.add_tags else []
    for asset in assets:
        before = public_text(asset)
        for name in ("credit", "copyright"):
            value = getattr(changes, name)
            if value:
                setattr(asset, name, " ".join(value.split())[:300])
        if changes.caption:
            asset.caption = changes.caption.strip()
        if prefix:
            asset.title = _prefixed(asset.title, prefix)
        if new_tags:
            have = {t.id for t in asset.tags}
            asset.tags = (asset.tags + [t for t in new_tags if t.id not in have])[:MAX_TAGS]
        if event is not None:
            asset.event = event
        if text_changed(before, asset):
            reopen_if_approved(db, user, asset, TEXT_CHANGED)
    if collection is not None:
        db.flush()
        COLLECTIONS.add(db, user, collection, [a.id for a in assets])  # commits
    else:
        db.commit()
    return assets
