"""Downloads: one row per file that left BrandHub, for the statistics.

A row is written for an original, a preset, an earlier version or each file
inside a ZIP, by a person or through a share link (``tracking.py``). The
asset's agency is copied so the statistics survive a deleted asset
(``operations/statistics.py``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


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
