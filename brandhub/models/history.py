"""An asset's history: every file it has had and every move of its status.

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

Only those who may edit an asset see either (``operations/access.py``). The
asset's side of both relationships, ``Asset.versions`` and ``Asset.status_changes``
(newest first), is declared in ``models/assets.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .assets import Asset
from .base import Base, UTCDateTime, utcnow
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
    asset: Mapped[Asset] = relationship(back_populates="versions")


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
    asset: Mapped[Asset] = relationship(back_populates="status_changes")
