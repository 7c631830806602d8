"""The coverage archive: events (what was photographed) and collections (hand-made sets).

An asset belongs to at most one event (``Asset.event_id``) and to any number of
collections (``collection_assets``). Both carry an agency and a ``public`` flag:
who may see an event or a collection follows the same rule as for assets
(``operations/events.py``), and its assets are still filtered one by one.
The relationships ``Asset.event`` and ``Asset.collections`` are declared here
as backrefs, so the asset model only knows the foreign key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .assets import Asset
from .base import Base, UTCDateTime, utcnow
from .users import Agency, User

collection_assets = Table(
    "collection_assets",
    Base.metadata,
    Column("collection_id", ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("added_at", UTCDateTime(), nullable=False, default=utcnow),
)


class Event(Base):
    """An act, an inauguration, a press conference: the coverage's subject."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    # The IANA zone its camera clocks are read in ("" = the agency's or the instance's).
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Names as people write them ("Ana Pérez, Luis Gómez"); credits live on each asset.
    photographers: Mapped[str] = mapped_column(String(500), default="")
    press_release_url: Mapped[str] = mapped_column(String(1000), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    assets: Mapped[list[Asset]] = relationship(
        Asset, backref=backref("event", lazy="select"), passive_deletes=True
    )


class Collection(Base):
    """A hand-made set: a press kit, a campaign, the logos of a programme."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()
    assets: Mapped[list[Asset]] = relationship(
        Asset,
        secondary=collection_assets,
        backref=backref("collections", lazy="select", passive_deletes=True),
        passive_deletes=True,
    )
