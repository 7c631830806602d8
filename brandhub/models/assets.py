"""Assets, their tags and their stored renditions.

``Asset`` declares every relationship of an asset, also those to rows defined
beside what they describe: its event and collections (``models/sets.py``),
its earlier files and status history (``models/history.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .users import Agency, User

if TYPE_CHECKING:
    from .history import AssetVersion, StatusChange
    from .sets import Collection, Event

KINDS = ("image", "vector", "video", "audio", "document", "font")
STATUSES = ("draft", "in_review", "approved", "archived")

asset_tags = Table(
    "asset_tags",
    Base.metadata,
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (Index("ix_assets_created_at_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    credit: Mapped[str] = mapped_column(String(300), default="")
    creator: Mapped[str] = mapped_column(String(300), default="")
    copyright: Mapped[str] = mapped_column(String(300), default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    original_filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100))
    ext: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration: Mapped[float | None] = mapped_column(Float)
    orientation: Mapped[str | None] = mapped_column(String(12))
    # When it was taken (assets/metadata/capture.py): the instant in UTC, null
    # when no zone is known; the camera's clock time as it read (no zone, always
    # set when the file has a date); the offset in minutes east of UTC; the IANA
    # zone or "" for a bare offset; where the zone came from (offset_time_original,
    # gps_time, offset_time, xmp, iptc, container, event, agency, instance).
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    captured_local: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    capture_offset: Mapped[int | None] = mapped_column(Integer)
    capture_zone: Mapped[str] = mapped_column(String(64), default="")
    capture_zone_source: Mapped[str] = mapped_column(String(24), default="")
    metadata_json: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Brand compliance of the current file: pass / warn / fail / unchecked.
    compliance: Mapped[str] = mapped_column(
        String(10), default="unchecked", server_default="unchecked"
    )
    category: Mapped[str | None] = mapped_column(String(20))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The coverage it belongs to (models/sets.py), and where crops centre (fractions).
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    focal_x: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    focal_y: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    # Usage rights and the file's version (models/history.py): a licence from
    # operations/rights.py LICENCES ("" = not stated), what may not be done with it,
    # when it stops being publishable and before when it may not be published.
    licence: Mapped[str] = mapped_column(String(20), default="")
    restrictions: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A 64-bit perceptual hash (16 hex digits) of raster images, for near duplicates.
    phash: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=asset_tags, lazy="selectin", order_by=Tag.name)
    renditions: Mapped[list[Rendition]] = relationship(
        back_populates="asset", lazy="selectin", cascade="all, delete-orphan"
    )
    event: Mapped[Event | None] = relationship(back_populates="assets")
    collections: Mapped[list[Collection]] = relationship(
        secondary="collection_assets", back_populates="assets", passive_deletes=True
    )
    versions: Mapped[list[AssetVersion]] = relationship(
        back_populates="asset",
        order_by="AssetVersion.number.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    status_changes: Mapped[list[StatusChange]] = relationship(
        back_populates="asset",
        order_by="StatusChange.id.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def tag_names(self) -> list[str]:
        return [t.name for t in self.tags]

    def rendition(self, name: str) -> Rendition | None:
        return next((r for r in self.renditions if r.name == name), None)


class Rendition(Base):
    __tablename__ = "renditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    storage_key: Mapped[str] = mapped_column(String(300))
    mime: Mapped[str] = mapped_column(String(100))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigInteger)

    asset: Mapped[Asset] = relationship(back_populates="renditions")
