"""Counters of the attempt limits (brandhub/ratelimit.py) when no Redis is configured."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RateLimitCounter(Base):
    """One limited key ("login:198.51.100.7", "check:…") and when it is free again.

    ``tat`` is the "theoretical arrival time" of the generic cell rate algorithm, in
    seconds since the epoch: each attempt pushes it one interval further, and a key
    whose ``tat`` has passed counts nothing (the row can go).
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    tat: Mapped[float] = mapped_column(Float, index=True)
