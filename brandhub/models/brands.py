"""Brand versions as loaded, and the compliance reports checked against them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class BrandVersion(Base):
    """One version of a brand's resolved content; every changed load adds one."""

    __tablename__ = "brand_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The brand file as written (TOML), so a brand manager edits the text, not the JSON;
    # its parent is resolved from the stored brands when the text is published.
    source: Mapped[str | None] = mapped_column(Text)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    loaded_by: Mapped[Any] = relationship("User", lazy="select")


class ComplianceReport(Base):
    """A report as it was made: it keeps the brand version it was checked against."""

    __tablename__ = "compliance_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), index=True
    )
    brand_version_id: Mapped[int] = mapped_column(ForeignKey("brand_versions.id"))
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    brand_version: Mapped[BrandVersion] = relationship(lazy="joined")
    asset: Mapped[Any] = relationship("Asset", lazy="select")
