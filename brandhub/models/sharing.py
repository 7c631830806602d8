"""Public links to an asset, a collection or an event, and every opening of one.

Only the SHA-256 of a link's token is stored (the token is shown once), and the
password, if any, as an Argon2 hash (``operations/sharing.py``). Files that
leave through a link are ``DownloadEvent`` rows (``models/downloads.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .assets import Asset
from .base import Base, UTCDateTime, utcnow
from .sets import Collection, Event
from .users import User


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
