"""The words read from an asset's file: text layer, SVG text and OCR, with word boxes.

One row per asset, for the file it was read from (``sha256``): a new version
of the file is read again by a ``text`` job. ``data`` keeps the pages with
their words, confidences and boxes (``assets.text.PieceText.to_dict``);
``text`` is the plain text the search indexes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from .assets import Asset
from .base import Base, UTCDateTime, utcnow


class AssetText(Base):
    __tablename__ = "asset_texts"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    # Mean OCR confidence (0-100) over the letters read by OCR; None for text layers only.
    confidence: Mapped[float | None] = mapped_column(Float)
    sources: Mapped[str] = mapped_column(String(40), default="")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    extracted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    asset: Mapped[Asset] = relationship(
        backref=backref("piece_text", uselist=False, lazy="select", passive_deletes=True),
        lazy="raise",
    )
