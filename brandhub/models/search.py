"""The search outbox: index changes queued in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class IndexChange(Base):
    """ "Asset N changed": the one index writer drains these, oldest first.

    No foreign key: a deleted asset's change must outlive its row.
    ``not_before`` schedules a change for later: an asset whose public
    visibility will change by itself (an embargo that ends, a publication
    that expires) is queued again for that moment.
    """

    __tablename__ = "index_changes"
    # Ids must never be reused (SQLite reuses the highest freed rowid otherwise): two
    # drains may read the same change, and the later one deletes by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = mapped_column(String(10), default="upsert")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())
