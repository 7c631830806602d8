"""Sets of assets: events and collections, one implementation with two kinds.

A set has a title, a description, an agency, a ``public`` flag and assets.
Everything sets share is written once in :class:`SetKind`: who sees and
manages one, creating, changing and deleting it (:class:`SetFields`), the
visible ones newest first, the assets of one a person may see, each one's
count and cover for a grid. A kind says only how it differs:

- :class:`EventKind` (:data:`EVENTS`): what was photographed. More fields (a
  date, a place, the photographers, the press release, the cameras' time
  zone, :class:`EventFields`); its coverage listed in the order it was taken;
  an asset is in at most one event, and moving it there is an edit of the
  asset (its capture time is read again in the event's zone), so it needs the
  right to edit each asset. Deleting an event keeps its assets.
- :class:`CollectionKind` (:data:`COLLECTIONS`): curated, a press kit or a
  campaign. An asset is in any number of collections, listed in the order
  they were added; adding one needs only to see it (a brand manager's press
  kit may gather approved photos of every agency) and does not change it.

Who sees and manages a set is the asset rule, applied to sets: admins and
brand managers see and manage every agency's. Everyone else sees their own
agency's plus the public ones, and editors and photographers manage their own
agency's (a person without an agency, the ones they created). A set someone
may not see is reported as missing (404), as assets are. Seeing a set never
widens what its assets show: its asset list is still filtered by
:func:`access.visible_filter`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, delete, func, insert, or_, select, true
from sqlalchemy.orm import Session

from assets.errors import N_, AssetNotFound, InvalidInput, PermissionDenied
from assets.metadata.capture import zone_info

from .. import indexing
from ..models import Asset, Collection, Event, User, collection_assets, utcnow
from ..text import clean_line
from .access import Viewer, can_edit, require_upload, resolve_agency, signed_in, visible_filter
from .capture import apply_capture
from .selection import editable_selection, visible_selection

__all__ = [
    "COLLECTIONS",
    "EVENTS",
    "CollectionKind",
    "EventFields",
    "EventKind",
    "SetFields",
    "SetKind",
    "can_manage",
    "members_of",
    "owned_filter",
    "require_manage",
]

#: An event or a collection.
S = TypeVar("S", Event, Collection)
MANAGER_ROLES = frozenset({"editor", "photographer"})


def owned_filter(model: type[S], user: Viewer) -> Any:
    """The SQL condition for the sets of ``model`` that ``user`` may see."""
    u = signed_in(user)
    if u is None:
        return model.public.is_(True)
    if u.sees_all_agencies:
        return true()
    if u.agency_id is None:
        return or_(model.public.is_(True), model.created_by_id == u.id)
    return or_(model.public.is_(True), model.agency_id == u.agency_id)


def can_manage(user: Viewer, item: Event | Collection) -> bool:
    """Whether ``user`` may change ``item``, add assets to it or delete it."""
    u = signed_in(user)
    if u is None:
        return False
    if u.sees_all_agencies:
        return True
    if u.role not in MANAGER_ROLES:
        return False
    if u.agency_id is None:
        return item.created_by_id == u.id
    return item.agency_id == u.agency_id


def require_manage(user: Viewer, item: Event | Collection) -> User:
    u = signed_in(user)
    if u is None or not can_manage(u, item):
        raise PermissionDenied("You do not have permission to do this.")
    return u


@dataclass
class SetFields:
    """A set's editable fields; None means "leave as it is"."""

    title: str | None = None
    description: str | None = None
    public: bool | None = None
    agency: str | None = None  # agency slug


@dataclass
class EventFields(SetFields):
    """An event's editable fields: a set's, and what was photographed when and where."""

    starts_at: datetime | None = None
    place: str | None = None
    photographers: str | None = None
    press_release_url: str | None = None
    time_zone: str | None = None  # IANA name; "" = the agency's or the instance's


F = TypeVar("F", bound=SetFields)


class SetKind(ABC, Generic[S, F]):
    """What every set is and does; a subclass says how its kind differs."""

    #: The word for one, as in URLs and endpoint names: ``event`` (``event_id``, ``events``).
    name: str
    plural: str
    model: type[S]
    fields: type[F]
    #: The message of the 404 for a set that does not exist (or is not visible).
    not_found: str
    #: Whether its lists take a title search (``q``).
    searchable = False

    @property
    def id_arg(self) -> str:
        """The name of a set's id in URLs and forms (``event_id``)."""
        return f"{self.name}_id"

    @abstractmethod
    def _order(self) -> tuple[Any, ...]:
        """How lists of this kind are sorted."""

    @abstractmethod
    def _member_order(self) -> tuple[Any, ...]:
        """How a set's assets are sorted."""

    @abstractmethod
    def _member_of(self) -> Any:
        """The column naming the set of each row of :meth:`_linked`."""

    def _linked(self, query: Select[Any]) -> Select[Any]:
        """``query`` (over assets) joined to what says which set each asset is in."""
        return query

    @abstractmethod
    def add(self, db: Session, user: Viewer, item: S, asset_ids: list[int]) -> int:
        """Put the assets in the set; how many joined it."""

    @abstractmethod
    def remove(self, db: Session, user: Viewer, item: S, asset_ids: list[int]) -> int:
        """Take the assets out of the set (they stay in the library); how many left it."""

    def visible(self, user: Viewer) -> Select[S]:
        """The sets ``user`` may see, sorted as lists of this kind are."""
        return select(self.model).where(owned_filter(self.model, user)).order_by(*self._order())

    def matching(self, query: Select[S], text: str) -> Select[S]:
        """Narrow ``query`` to sets whose title contains ``text`` (any case).

        The words are taken as typed, up to 100 characters, cleaned as form fields
        are (PostgreSQL text cannot even hold NUL); ``%`` and ``_`` match themselves.
        """
        words = str(clean_line(text))[:100]
        if not words:
            return query
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return query.where(self.model.title.ilike(f"%{escaped}%", escape="\\"))

    def get_visible(self, db: Session, user: Viewer, item_id: int) -> S:
        found = db.scalar(
            select(self.model).where(self.model.id == item_id, owned_filter(self.model, user))
        )
        if found is None:
            raise AssetNotFound(self.not_found, id=item_id)
        return found

    def manageable(self, db: Session, user: Viewer, scan: int) -> list[S]:
        """The sets among the first ``scan`` visible ones that ``user`` may add assets to."""
        rows = db.scalars(self.visible(user).limit(scan)).all()
        return [item for item in rows if can_manage(user, item)]

    def apply(self, item: S, fields: F) -> None:
        """Set the fields that were given, checked and tidied."""
        if fields.title is not None:
            title = " ".join(fields.title.split())[:300]
            if not title:
                raise InvalidInput("The title cannot be empty.", field="title")
            item.title = title
        if fields.description is not None:
            item.description = fields.description.strip()
        if fields.public is not None:
            item.public = fields.public

    def create(self, db: Session, user: Viewer, fields: F) -> S:
        creator = require_upload(user)
        item = self.model(created_by=creator, agency=resolve_agency(db, creator, fields.agency))
        if fields.title is None:
            raise InvalidInput("The title cannot be empty.", field="title")
        self.apply(item, fields)
        db.add(item)
        db.commit()
        return item

    def update(self, db: Session, user: Viewer, item: S, fields: F) -> S:
        manager = require_manage(user, item)
        self.apply(item, fields)
        if fields.agency is not None:
            item.agency = resolve_agency(db, manager, fields.agency)
        db.commit()
        return item

    def delete(self, db: Session, user: Viewer, item: S) -> None:
        """Delete the set; its assets stay in the library."""
        require_manage(user, item)
        db.delete(item)
        db.commit()

    def members(self, user: Viewer, item: S) -> Select[Asset]:
        """The set's assets that ``user`` may see, in the kind's order."""
        member_of = self._member_of()
        query = self._linked(select(Asset)).where(member_of == item.id, visible_filter(user))
        return query.order_by(*self._member_order())

    def covers(
        self, db: Session, user: Viewer, ids: Sequence[int]
    ) -> dict[int, tuple[int, Asset | None]]:
        """Per set id: how many assets ``user`` sees in it, and the first one (the cover)."""
        if not ids:
            return {}
        member_of = self._member_of()
        query = self._linked(select(member_of, func.count(), func.min(Asset.id)).select_from(Asset))
        query = query.where(member_of.in_(ids), visible_filter(user)).group_by(member_of)
        rows = db.execute(query).all()
        first = {
            a.id: a for a in db.scalars(select(Asset).where(Asset.id.in_([r[2] for r in rows])))
        }
        return {r[0]: (r[1], first.get(r[2])) for r in rows}


def _link(url: str) -> str:
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise InvalidInput(
            "The press release link must start with http:// or https://.",
            field="press_release_url",
        )
    return url[:1000]


class EventKind(SetKind[Event, EventFields]):
    """Events: dated, placed, searched by title; an asset is in one at most."""

    name = "event"
    plural = "events"
    model = Event
    fields = EventFields
    not_found = N_("The event does not exist.")
    searchable = True

    def _member_of(self) -> Any:
        return Asset.event_id

    def _order(self) -> tuple[Any, ...]:
        # The most recent first; undated ones by when they were created.
        return func.coalesce(Event.starts_at, Event.created_at).desc(), Event.id.desc()

    def _member_order(self) -> tuple[Any, ...]:
        # In the order they were taken; files without a capture time last, by upload.
        return (
            Asset.captured_at.is_(None),
            Asset.captured_at,
            Asset.captured_local,  # clocks with no zone at all: by their own reading
            Asset.created_at,
            Asset.id,
        )

    def apply(self, item: Event, fields: EventFields) -> None:
        super().apply(item, fields)
        if fields.starts_at is not None:
            item.starts_at = fields.starts_at
        for name, size in (("place", 300), ("photographers", 500)):
            value = getattr(fields, name)
            if value is not None:
                setattr(item, name, " ".join(value.split())[:size])
        if fields.press_release_url is not None:
            item.press_release_url = _link(fields.press_release_url)
        if fields.time_zone is not None:
            zone = fields.time_zone.strip()
            if zone and zone_info(zone) is None:
                raise InvalidInput("Unknown time zone.", field="time_zone")
            if zone != item.time_zone:
                item.time_zone = zone
                for asset in item.assets:  # its photos' clocks are read in the new zone
                    apply_capture(asset)

    def find(
        self, db: Session, user: Viewer, title: str, starts_at: datetime | None
    ) -> Event | None:
        """A visible event with this exact title (and start, when given): re-runs find theirs."""
        query = select(Event).where(
            Event.title == " ".join(title.split()), owned_filter(Event, user)
        )
        if starts_at is not None:
            query = query.where(Event.starts_at == starts_at)
        return db.scalars(query.order_by(Event.id)).first()

    def add(self, db: Session, user: Viewer, item: Event, asset_ids: list[int]) -> int:
        """Make the assets part of the event (moving them from any other event)."""
        require_manage(user, item)
        assets = editable_selection(db, user, asset_ids)
        for asset in assets:
            asset.event = item
            apply_capture(asset)
        db.commit()
        return len(assets)

    def remove(self, db: Session, user: Viewer, item: Event, asset_ids: list[int]) -> int:
        require_manage(user, item)
        count = 0
        for asset in editable_selection(db, user, asset_ids):
            if asset.event_id == item.id:
                asset.event = None
                apply_capture(asset)
                count += 1
        db.commit()
        return count

    def agency_for(self, user: User, item: Event) -> str | None:
        """The agency a file archived into ``item`` goes to when none was asked for."""
        if item.agency is not None and (user.sees_all_agencies or user.agency_id == item.agency_id):
            return item.agency.slug
        return None

    def attach_existing(self, db: Session, user: User, item: Event, asset_id: int) -> None:
        """A file dropped again into ``item``: the asset already holding it joins the event."""
        asset = db.scalar(select(Asset).where(Asset.id == asset_id))
        # An asset already in another event stays there: one coverage does not take
        # another's photos just because the same file was dropped twice.
        if asset is not None and asset.event_id is None and can_edit(user, asset):
            asset.event = item
            apply_capture(asset)
            db.commit()


class CollectionKind(SetKind[Collection, SetFields]):
    """Collections: hand-made; an asset is in any number, in the order it was added."""

    name = "collection"
    plural = "collections"
    model = Collection
    fields = SetFields
    not_found = N_("The collection does not exist.")

    def _member_of(self) -> Any:
        return collection_assets.c.collection_id

    def _order(self) -> tuple[Any, ...]:
        return Collection.updated_at.desc(), Collection.id.desc()

    def _member_order(self) -> tuple[Any, ...]:
        return collection_assets.c.added_at, Asset.id

    def _linked(self, query: Select[Any]) -> Select[Any]:
        return query.join(collection_assets, collection_assets.c.asset_id == Asset.id)

    def _present(self, db: Session, item: Collection, asset_ids: list[int]) -> set[int]:
        link = collection_assets.c
        return set(
            db.scalars(
                select(link.asset_id).where(
                    link.collection_id == item.id, link.asset_id.in_(asset_ids)
                )
            )
        )

    def add(self, db: Session, user: Viewer, item: Collection, asset_ids: list[int]) -> int:
        """Add the assets (those already in it stay as they are)."""
        require_manage(user, item)
        visible_selection(db, user, asset_ids)
        present = self._present(db, item, asset_ids)
        new = [i for i in asset_ids if i not in present]
        if new:
            now = utcnow()
            # Core inserts keep a thousand-asset press kit one statement; the search
            # index learns of the new membership through the outbox, queued here. A
            # microsecond apart each, so the collection keeps the order they were given.
            rows = [
                {
                    "collection_id": item.id,
                    "asset_id": i,
                    "added_at": now + timedelta(microseconds=n),
                }
                for n, i in enumerate(new)
            ]
            db.execute(insert(collection_assets), rows)
            indexing.enqueue(db, new)
        item.updated_at = utcnow()
        db.commit()
        return len(new)

    def remove(self, db: Session, user: Viewer, item: Collection, asset_ids: list[int]) -> int:
        require_manage(user, item)
        present = self._present(db, item, asset_ids)
        if present:
            link = collection_assets.c
            db.execute(
                delete(collection_assets).where(
                    link.collection_id == item.id, link.asset_id.in_(present)
                )
            )
            indexing.enqueue(db, present)
        item.updated_at = utcnow()
        db.commit()
        return len(present)


EVENTS = EventKind()
COLLECTIONS = CollectionKind()


def members_of(user: Viewer, item: Event | Collection) -> Select[Asset]:
    """The assets of an event or a collection that ``user`` may see, in its kind's order."""
    if isinstance(item, Event):
        return EVENTS.members(user, item)
    return COLLECTIONS.members(user, item)
