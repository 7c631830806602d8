"""When a picture was taken: the camera's clock, its offset, and where the zone came from.

A camera writes ``DateTimeOriginal`` as its own clock reads, in local time and
without a zone. Reading that as UTC (and showing it converted to the
institution's zone) moves every photo by the zone's offset, so a capture time
is kept as three things:

- ``local``: the camera's clock time (what people read, how a day groups),
  with sub-seconds when the file has them;
- ``offset``: minutes east of UTC, only when known; then ``utc`` is the instant;
- ``zone`` and ``zone_source``: the IANA zone (or a fixed offset) and where it
  came from.

The zone is found in this order: ``OffsetTimeOriginal`` → the gap between the
camera's clock and ``GPSDateTime`` (which is UTC) → ``OffsetTime`` → the
offset written in an XMP or IPTC date → a zone given by whoever files the
picture (the event's, the agency's, the instance's: :func:`resolve`). Video
container dates are UTC instants: their clock time is the instant seen in the
zone the picture is filed under. Nothing here assumes UTC or the server's zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assets.metadata import clean

# Where the offset came from. The first group is the file's own word; the
# second is a zone chosen by BrandHub's caller when the file has none.
FILE_SOURCES = ("offset_time_original", "gps_time", "offset_time", "xmp", "iptc", "container")
FILED_SOURCES = ("event", "agency", "instance")
# A GPS fix and the camera's clock differ by the zone's offset plus the clock's
# drift; an offset is trusted when the gap is this close to a quarter hour.
GPS_TOLERANCE = timedelta(minutes=3)
MAX_OFFSET = 14 * 60


@dataclass(frozen=True)
class CaptureTime:
    """A capture time as the file tells it (see the module's docstring)."""

    local: datetime  # naive: the clock time where it was taken
    offset: int | None = None  # minutes east of UTC; None = floating (zone unknown)
    zone: str | None = None  # IANA name, or None when only the offset is known
    zone_source: str | None = None  # one of FILE_SOURCES or FILED_SOURCES
    date_source: str = "exif"  # exif, xmp, iptc, container, document
    # A UTC instant whose clock time is not known (video containers): ``local`` is
    # the UTC clock until :func:`resolve` sees it in the zone it is filed under.
    instant_only: bool = False

    @property
    def floating(self) -> bool:
        return self.offset is None

    @property
    def utc(self) -> datetime | None:
        """The instant, only when the offset is known."""
        if self.offset is None:
            return None
        return (self.local - timedelta(minutes=self.offset)).replace(tzinfo=UTC)

    @property
    def aware(self) -> datetime | None:
        """The clock time with its offset (``2020-02-19T16:35:05-03:00``), if known."""
        if self.offset is None:
            return None
        return self.local.replace(tzinfo=timezone(timedelta(minutes=self.offset)))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "local": self.local.isoformat(),
            "offset": self.offset,
            "zone": self.zone,
            "zone_source": self.zone_source,
            "date_source": self.date_source,
        }
        if self.instant_only:
            out["instant_only"] = True
        return clean.compact(out)

    @classmethod
    def from_dict(cls, data: Any) -> CaptureTime | None:
        """The inverse of ``to_dict``; None for anything that is not one."""
        if not isinstance(data, dict):
            return None
        try:
            local = datetime.fromisoformat(str(data.get("local")))
        except ValueError:
            return None
        offset = data.get("offset")
        if not isinstance(offset, int) or abs(offset) > MAX_OFFSET:
            offset = None
        return cls(
            local=local.replace(tzinfo=None),
            offset=offset,
            zone=clean.text(data.get("zone"), 64),
            zone_source=clean.text(data.get("zone_source"), 32) if offset is not None else None,
            date_source=clean.text(data.get("date_source"), 32) or "exif",
            instant_only=bool(data.get("instant_only")) and offset == 0,
        )


def zone_info(name: str | None) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None for an empty or unknown name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def resolve(capture: CaptureTime, zone: str | None, source: str) -> CaptureTime:
    """The capture seen in ``zone`` (an IANA name) when the file did not say its own.

    A floating clock time gets the zone's offset at that moment (across a DST
    change the zone's rule decides: a clock time in a repeated hour is taken as
    the first one); a UTC-only instant gets the zone's clock time. A capture whose
    offset came from the file is returned unchanged. With no usable zone the
    capture stays as it was: floating, with no instant.
    """
    info = zone_info(zone)
    if info is None or not (capture.floating or capture.instant_only):
        return capture
    if capture.instant_only:
        utc = capture.local.replace(tzinfo=UTC)
        local = utc.astimezone(info)
    else:
        local = capture.local.replace(tzinfo=info)
    delta = local.utcoffset()
    if delta is None:
        return capture
    return replace(
        capture,
        local=local.replace(tzinfo=None),
        offset=int(delta.total_seconds() // 60),
        zone=zone,
        zone_source=source,
        instant_only=False,
    )


def unresolved(capture: CaptureTime) -> CaptureTime:
    """The capture as the file told it, before any zone given by the caller."""
    if capture.zone_source not in FILED_SOURCES:
        return capture
    if capture.date_source == "container":
        utc = capture.utc
        assert utc is not None
        return replace(
            capture,
            local=utc.replace(tzinfo=None),
            offset=0,
            zone=None,
            zone_source="container",
            instant_only=True,
        )
    return replace(capture, offset=None, zone=None, zone_source=None)


# --- reading the file's words ---------------------------------------------------

_SUBSEC = re.compile(r"\s*(\d{1,9})")


def with_subsec(value: datetime, subsec: Any) -> datetime:
    """``value`` with EXIF ``SubSecTime*`` ("52" is .52 s, "095" is .095 s)."""
    m = _SUBSEC.match(clean.text(subsec, 16) or "")
    if not m or value.microsecond:
        return value
    return value.replace(microsecond=int((m.group(1) + "000000")[:6]))


def offset_minutes(value: datetime | str | None) -> int | None:
    """Minutes east of UTC of an aware datetime or an ``±HH:MM`` text; else None."""
    if isinstance(value, str):
        tz = clean.offset_tz(value)
        delta = tz.utcoffset(None) if tz else None
    elif isinstance(value, datetime) and value.tzinfo is not None:
        delta = value.utcoffset()
    else:
        delta = None
    if delta is None:
        return None
    minutes = int(delta.total_seconds() // 60)
    return minutes if abs(minutes) <= MAX_OFFSET else None


def gps_gap(local: datetime, gps_utc: datetime | None) -> int | None:
    """The offset implied by the camera's clock minus GPS time (UTC), if plausible.

    Offsets are whole hours or :30 and :45 past; a gap further than
    ``GPS_TOLERANCE`` from one (a stale fix, a drifting clock) or beyond ±14 h
    says nothing.
    """
    if gps_utc is None:
        return None
    gap = local - gps_utc.replace(tzinfo=None)
    quarters = round(gap / timedelta(minutes=15))
    if abs(gap - quarters * timedelta(minutes=15)) > GPS_TOLERANCE:
        return None
    minutes = quarters * 15
    # Zones are whole hours, or :30 and :45 past (India +05:30, Nepal +05:45,
    # Newfoundland -03:30); no zone is a quarter past.
    if abs(minutes) > MAX_OFFSET or abs(minutes) % 60 == 15:
        return None
    return minutes


def from_exif(
    original: Any,
    *,
    subsec: Any = None,
    offset_original: Any = None,
    offset: Any = None,
    gps_utc: datetime | None = None,
) -> CaptureTime | None:
    """The capture time of ``DateTimeOriginal`` (or another EXIF date) and its helpers."""
    parsed = clean.exif_datetime(original)
    if parsed is None:
        return None
    local = with_subsec(parsed.replace(tzinfo=None), subsec)
    if parsed.tzinfo is not None:  # an ISO date with its own offset
        return CaptureTime(local, offset_minutes(parsed), None, "offset_time_original")
    for minutes, source in (
        (offset_minutes(clean.text(offset_original, 16)), "offset_time_original"),
        (gps_gap(local, gps_utc), "gps_time"),
        (offset_minutes(clean.text(offset, 16)), "offset_time"),
    ):
        if minutes is not None:
            return CaptureTime(local, minutes, None, source)
    return CaptureTime(local)


def from_iso(value: datetime | None, date_source: str) -> CaptureTime | None:
    """A date read from XMP or IPTC: with its own offset when it has one."""
    if value is None:
        return None
    minutes = offset_minutes(value)
    local = value.replace(tzinfo=None)
    if minutes is None:
        return CaptureTime(local, date_source=date_source)
    return CaptureTime(local, minutes, None, date_source, date_source=date_source)


def from_container(value: datetime | None) -> CaptureTime | None:
    """A video or audio container's creation time: a UTC instant.

    A muxer that wrote it without a zone still meant UTC (QuickTime and MP4
    store seconds since 1904 in UTC). An explicit offset is honoured.
    """
    if value is None:
        return None
    if value.tzinfo is not None and value.utcoffset() != timedelta(0):
        minutes = offset_minutes(value)
        return CaptureTime(
            value.replace(tzinfo=None), minutes, None, "container", date_source="container"
        )
    utc = value.replace(tzinfo=None)
    return CaptureTime(utc, 0, None, "container", date_source="container", instant_only=True)
