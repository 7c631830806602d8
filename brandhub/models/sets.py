"""Sets of assets: events (what was photographed) and collections (hand-made sets).

An asset belongs to at most one event (``Asset.event_id``) and to any number of
collections (``collection_assets``). Both kinds carry the columns of
:class:`AssetSet`: a title, a description, an agency and a ``public`` flag. Who
may see a set follows the same rule as for assets (``operations/sets.py``), and
its assets are still filtered one by one. The asset's side, ``Asset.event`` and
``Asset.collections``, is declared in ``models/assets.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

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


class AssetSet:
    """The columns every kind of set has; each kind is its own table."""

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

    @declared_attr
    def agency(cls) -> Mapped[Agency | None]:
        return relationship(Agency, lazy="joined")

    @declared_attr
    def created_by(cls) -> Mapped[User | None]:
        return relationship(User)


class Event(AssetSet, Base):
    """An act, an inauguration, a press conference: the coverage's subject."""

    __tablename__ = "events"

    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    # The IANA zone its camera clocks are read in ("" = the agency's or the instance's).
    time_zone: Mapped[str] = mapped_column(String(64), default="")
    # Names as people write them ("Ana Pérez, Luis Gómez"); credits live on each asset.
    photographers: Mapped[str] = mapped_column(String(500), default="")
    press_release_url: Mapped[str] = mapped_column(String(1000), default="")

    assets: Mapped[list[Asset]] = relationship(back_populates="event", passive_deletes=True)


class Collection(AssetSet, Base):
    """A hand-made set: a press kit, a campaign, the logos of a programme."""

    __tablename__ = "collections"

    assets: Mapped[list[Asset]] = relationship(
        secondary=collection_assets, back_populates="collections", passive_deletes=True
    )
