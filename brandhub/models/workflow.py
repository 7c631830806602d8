"""The life of an asset after its upload: versions, status changes, shares, downloads.

- ``AssetVersion``: every file an asset has had. Rows are written the first
  time a file is replaced (the first file becomes version 1 then), so an asset
  that was never replaced has none and its current file is version 1.
  Versions keep their own storage key: originals are content-addressed, so a
  version shares its bytes with any row holding the same hash, and bytes are
  deleted only when no row refers to them (``operations/versions.py``).
- ``StatusChange``: the workflow's history (who, when, from, to, why). ``reason``
  is set when BrandHub made the move itself: "new_file" or "text_changed" (an
  approved asset changed by someone who cannot approve goes back to review,
  ``operations/review.py``); a person's move has none, only their comment.
- ``ShareLink``: a public link to an asset, a collection or an event. Only the
  SHA-256 of its token is stored (the token is shown once), and the password,
  if any, as an Argon2 hash. ``ShareLinkUse`` logs every opening.
- ``DownloadEvent``: one row per file that left BrandHub (an original, a
  preset, an earlier version, a file inside a ZIP), by a person or a link.
  The asset's agency is copied so the statistics survive a deleted asset.

The relationships ``Asset.versions`` and ``Asset.status_changes`` are declared
here as backrefs, so the asset model only knows its own columns.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .assets import Asset
from .base import Base, UTCDateTime, utcnow
from .sets import Collection, Event
from .users import User


class AssetVersion(Base):
    __tablename__ = "asset_versions"
    __table_args__ = (
        Index("ix_asset_versions_asset_id_number", "asset_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(300), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    ext: Mapped[str] = mapped_column(String(10))
    original_filename: Mapped[str] = mapped_column(String(255))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="joined")
    asset: Mapped[Asset] = relationship(
        backref=backref(
            "versions",
            lazy="select",
            order_by="AssetVersion.number.desc()",
            cascade="all, delete-orphan",
            passive_deletes=True,
        )
    )


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")
    asset: Mapped[Asset] = relationship(
        backref=backref(
            "status_changes",
            lazy="select",
            order_by="StatusChange.id.desc()",
            cascade="all, delete-orphan",
            passive_deletes=True,
        )
    )


class ShareLink(Base):
    """A public link to exactly one of: an asset, a collection, an event."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, to tell links apart in lists (never enough to open one).
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(200), default="")
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), index=True
    )
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    allow_download: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="joined")
    asset: Mapped[Asset | None] = relationship()
    collection: Mapped[Collection | None] = relationship()
    event: Mapped[Event | None] = relationship()

    @property
    def target(self) -> Asset | Collection | Event | None:
        return self.asset or self.collection or self.event

    @property
    def target_kind(self) -> str:
        if self.asset_id is not None:
            return "asset"
        return "collection" if self.collection_id is not None else "event"


class ShareLinkUse(Base):
    """One opening of a share link's page (downloads are ``DownloadEvent`` rows)."""

    __tablename__ = "share_link_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), index=True
    )
    # "open", or "denied" for a wrong password.
    action: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DownloadEvent(Base):
    __tablename__ = "download_events"
    __table_args__ = (Index("ix_download_events_created_at_agency", "created_at", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    share_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_links.id", ondelete="SET NULL"), index=True
    )
    # How it left: "app" (pages), "api", "share" (a share link), "presskit".
    channel: Mapped[str] = mapped_column(String(10))
    # What left: "original", "preset", "version", "zip" (one row per file of a ZIP).
    what: Mapped[str] = mapped_column(String(10))
    preset: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
