"""Dates and times as the institution reads them and as the API takes them.

People type dates in the institution's time zone (``TIMEZONE``, through
Flask-Babel); the database keeps UTC; the API also takes ISO 8601 with an
offset. Pages, the API and the command line share these conversions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_timezone


def _zone() -> ZoneInfo:
    # Babel hands out a pytz zone, whose tzinfo must not be set by replace() (it
    # would be the zone's 19th-century local mean time): the same name, as zoneinfo.
    return ZoneInfo(str(get_timezone()))


def to_utc(value: datetime | None) -> datetime | None:
    """A naive date and time read as local to the institution, in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone())
    return value.astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """A stored UTC moment as the institution's naive local time (for the form)."""
    if value is None:
        return None
    return value.astimezone(_zone()).replace(tzinfo=None)


def parse_when(raw: Any) -> datetime | None:
    """ISO 8601 from the API (``2026-05-25T10:00-03:00`` or a plain date); None if empty."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValueError(raw)
    text = raw.strip()
    if len(text) > 10 and text[10] in "tT ":  # RFC 3339 allows "t" and "z" (Python 3.11 does not)
        text = text[:10] + "T" + text[11:].upper()
    try:
        return to_utc(datetime.fromisoformat(text))
    except OverflowError:  # 0001-01-01T00:00:00+05:00 is before the first instant
        raise ValueError(raw) from None
