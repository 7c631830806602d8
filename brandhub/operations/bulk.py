"""Bulk edits: one set of changes applied to a selection of assets, all or nothing.

What a photographer sets once for a whole coverage: the credit, the caption,
the copyright, tags to add (existing tags stay), a title prefix ("Acto 25 de
Mayo — "), the event, a collection. Every selected asset must be visible and
editable by the person, or nothing changes. The same edits item by item, each
asset done or refused on its own, are operations/bulk_actions.py's "edit".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from assets.errors import InvalidInput

from ..models import Asset, Tag, User
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

    def has_text_changes(self) -> bool:
        """Whether it changes a text or adds a tag (leaving events and collections aside)."""
        return bool(
            self.credit or self.caption or self.copyright or self.add_tags or self.title_prefix
        )

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


def apply_changes(
    db: Session, user: User, asset: Asset, changes: BulkChanges, new_tags: list[Tag]
) -> None:
    """Set ``changes``' texts and tags on one asset (not its event or collection); no commit.

    An approved asset whose public text changed goes back to review unless ``user``
    approves (operations/review.py).
    """
    before = public_text(asset)
    for name in ("credit", "copyright"):
        value = getattr(changes, name)
        if value:
            setattr(asset, name, " ".join(value.split())[:300])
    if changes.caption:
        asset.caption = changes.caption.strip()
    prefix = " ".join((changes.title_prefix or "").split())[:100]
    if prefix:
        asset.title = _prefixed(asset.title, prefix)
    if new_tags:
        have = {t.id for t in asset.tags}
        asset.tags = (asset.tags + [t for t in new_tags if t.id not in have])[:MAX_TAGS]
    if text_changed(before, asset):
        reopen_if_approved(db, user, asset, TEXT_CHANGED)


def new_tags_of(db: Session, changes: BulkChanges) -> list[Tag]:
    """The tag rows ``changes`` adds (created when new)."""
    return tags_named(db, parse_tags(changes.add_tags)) if changes.add_tags else []


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
    new_tags = new_tags_of(db, changes)
    for asset in assets:
        apply_changes(db, user, asset, changes, new_tags)
        if event is not None:
            asset.event = event
    if collection is not None:
        db.flush()
        COLLECTIONS.add(db, user, collection, [a.id for a in assets])  # commits
    else:
        db.commit()
    return assets
