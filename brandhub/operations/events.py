"""Events: create, change and delete them, and which assets are their coverage.

An event's photos are listed in the order they were taken (EXIF capture time,
then upload time for files without one). Deleting an event keeps its assets:
they only stop pointing at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from assets.errors import InvalidInput
from assets.metadata.capture import zone_info

from ..models import Asset, Event
from ..text import clean_line
from .access import require_upload, visible_filter
from .archive import editable_selection, get_visible, owned_filter, require_manage
from .assets import _resolve_agency
from .capture import apply_capture

__all__ = [
    "EventFields",
    "attach_assets",
    "create_event",
    "delete_event",
    "detach_assets",
    "event_assets",
    "find_event",
    "get_visible_event",
    "update_event",
    "visible_events",
]


@dataclass
class EventFields:
    """An event's editable fields; None means "leave as it is"."""

    title: str | None = None
    starts_at: datetime | None = None
    place: str | None = None
    description: str | None = None
    photographers: str | None = None
    press_release_url: str | None = None
    public: bool | None = None
    agency: str | None = None  # agency slug
    time_zone: str | None = None  # IANA name; "" = the agency's or the instance's


def _link(url: str) -> str:
    url = url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise InvalidInput(
            "The press release link must start with http:// or https://.",
            field="press_release_url",
        )
    return url[:1000]


def _apply(event: Event, fields: EventFields) -> None:
    if fields.title is not None:
        title = " ".join(fields.title.split())[:300]
        if not title:
            raise InvalidInput("The title cannot be empty.", field="title")
        event.title = title
    if fields.starts_at is not None:
        event.starts_at = fields.starts_at
    for name, size in (("place", 300), ("photographers", 500)):
        value = getattr(fields, name)
        if value is not None:
            setattr(event, name, " ".join(value.split())[:size])
    if fields.description is not None:
        event.description = fields.description.strip()
    if fields.press_release_url is not None:
        event.press_release_url = _link(fields.press_release_url)
    if fields.public is not None:
        event.public = fields.public
    if fields.time_zone is not None:
        name = fields.time_zone.strip()
        if name and zone_info(name) is None:
            raise InvalidInput("Unknown time zone.", field="time_zone")
        event.time_zone = name


def visible_events(user: Any) -> Select[tuple[Event]]:
    """Events ``user`` may see, the most recent first (undated ones by creation)."""
    when = func.coalesce(Event.starts_at, Event.created_at)
    return select(Event).where(owned_filter(Event, user)).order_by(when.desc(), Event.id.desc())


def title_matching(query: Select[tuple[Event]], text: str) -> Select[tuple[Event]]:
    """Narrow ``query`` to events whose title contains ``text`` (any case).

    The words are taken as typed, up to 100 characters, cleaned as form fields
    are (PostgreSQL text cannot even hold NUL); ``%`` and ``_`` match themselves.
    """
    words = str(clean_line(text))[:100]
    if not words:
        return query
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return query.where(Event.title.ilike(f"%{escaped}%", escape="\\"))


def get_visible_event(db: Session, user: Any, event_id: int) -> Event:
    return get_visible(db, Event, user, event_id)


def find_event(db: Session, user: Any, title: str, starts_at: datetime | None) -> Event | None:
    """A visible event with this exact title (and start, when given): re-runs find theirs."""
    query = select(Event).where(Event.title == " ".join(title.split()), owned_filter(Event, user))
    if starts_at is not None:
        query = query.where(Event.starts_at == starts_at)
    return db.scalars(query.order_by(Event.id)).first()


def create_event(db: Session, user: Any, fields: EventFields) -> Event:
    creator = require_upload(user)
    event = Event(created_by=creator, agency=_resolve_agency(db, creator, fields.agency))
    if fields.title is None:
        raise InvalidInput("The title cannot be empty.", field="title")
    _apply(event, fields)
    db.add(event)
    db.commit()
    return event


def update_event(db: Session, user: Any, event: Event, fields: EventFields) -> Event:
    require_manage(user, event)
    zone = event.time_zone
    _apply(event, fields)
    if fields.agency is not None:
        event.agency = _resolve_agency(db, user, fields.agency)
    if event.time_zone != zone:  # its photos' clocks are read in the new zone
        for asset in event.assets:
            apply_capture(asset)
    db.commit()
    return event


def delete_event(db: Session, user: Any, event: Event) -> None:
    """Delete the event; its assets stay in the library."""
    require_manage(user, event)
    db.delete(event)
    db.commit()


def event_assets(user: Any, event: Event) -> Select[tuple[Asset]]:
    """The event's assets ``user`` may see, in the order they were taken."""
    return (
        select(Asset)
        .where(Asset.event_id == event.id, visible_filter(user))
        .order_by(
            Asset.captured_at.is_(None),
            Asset.captured_at,
            Asset.captured_local,  # clocks with no zone at all: by their own reading
            Asset.created_at,
            Asset.id,
        )
    )


def attach_assets(db: Session, user: Any, event: Event, asset_ids: list[int]) -> list[Asset]:
    """Make ``asset_ids`` part of the event (moving them from any other event)."""
    require_manage(user, event)
    assets = editable_selection(db, user, asset_ids)
    for asset in assets:
        asset.event = event
        apply_capture(asset)
    db.commit()
    return assets


def detach_assets(db: Session, user: Any, event: Event, asset_ids: list[int]) -> int:
    """Take ``asset_ids`` out of the event; the assets stay in the library."""
    require_manage(user, event)
    assets = editable_selection(db, user, asset_ids)
    count = 0
    for asset in assets:
        if asset.event_id == event.id:
            asset.event = None
            apply_capture(asset)
            count += 1
    db.commit()
    return count
