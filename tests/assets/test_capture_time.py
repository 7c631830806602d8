"""Capture times: the camera's clock, its offset, and where the zone came from.

The tags are written by ExifTool into a JPEG made by Pillow, so the reader
meets them as a camera or an editor leaves them. The expected offsets of the
zones with daylight saving time are the transitions ``zdump -v`` lists for
America/Santiago (2024: -03 until 6 April 23:59:59, then -04; -04 until
7 September 23:59:59, then -03 from 8 September 01:00) and America/Asuncion
(2023: -04 from 25 March 23:00 to 30 September 23:59:59); Buenos Aires has
no DST.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assets.metadata import extract
from assets.metadata.capture import CaptureTime, from_container, gps_gap, resolve, unresolved
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from tests.assets import media_factory as mf

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
BA, SANTIAGO, ASUNCION = "America/Argentina/Buenos_Aires", "America/Santiago", "America/Asuncion"


def _photo(tmp_path: Path, tags: dict[str, str]) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(mf.make_jpeg(64, 48))
    args = [f"-{name}={value}" for name, value in tags.items()]
    subprocess.run(
        [EXIFTOOL, "-q", "-overwrite_original", *args, str(path)], check=True, timeout=60
    )
    return path


def _read(path: Path, zone: str | None):
    data = path.read_bytes()
    return extract(path, sniff(data[:HEAD_BYTES]), IngestSettings(time_zone=zone))


# id, tags written, instance zone, camera clock, offset, zone source, UTC instant
CASES = [
    (
        "ba-no-offset",
        {"DateTimeOriginal": "2020:02:19 16:35:05"},
        BA,
        "2020-02-19T16:35:05",
        -180,
        "instance",
        "2020-02-19T19:35:05",
    ),
    (
        "ba-winter",
        {"DateTimeOriginal": "2020:07:01 09:00:00"},
        BA,
        "2020-07-01T09:00:00",
        -180,
        "instance",
        "2020-07-01T12:00:00",
    ),
    (
        "offset-wins-over-zone",
        {"DateTimeOriginal": "2024:05:01 10:20:30", "OffsetTimeOriginal": "+02:00"},
        BA,
        "2024-05-01T10:20:30",
        120,
        "offset_time_original",
        "2024-05-01T08:20:30",
    ),
    (
        "offset-half-hour",
        {"DateTimeOriginal": "2024:05:01 10:20:30", "OffsetTimeOriginal": "+05:30"},
        None,
        "2024-05-01T10:20:30",
        330,
        "offset_time_original",
        "2024-05-01T04:50:30",
    ),
    (
        "offset-time-only",
        {"DateTimeOriginal": "2024:05:01 10:20:30", "OffsetTime": "-05:00"},
        BA,
        "2024-05-01T10:20:30",
        -300,
        "offset_time",
        "2024-05-01T15:20:30",
    ),
    (
        "santiago-summer",
        {"DateTimeOriginal": "2024:01:15 12:00:00"},
        SANTIAGO,
        "2024-01-15T12:00:00",
        -180,
        "instance",
        "2024-01-15T15:00:00",
    ),
    (
        "santiago-winter",
        {"DateTimeOriginal": "2024:07:15 12:00:00"},
        SANTIAGO,
        "2024-07-15T12:00:00",
        -240,
        "instance",
        "2024-07-15T16:00:00",
    ),
    # 23:30 on 6 April 2024 happened twice in Santiago: the first one (-03) is taken.
    (
        "santiago-repeated-hour",
        {"DateTimeOriginal": "2024:04:06 23:30:00"},
        SANTIAGO,
        "2024-04-06T23:30:00",
        -180,
        "instance",
        "2024-04-07T02:30:00",
    ),
    (
        "santiago-before-spring",
        {"DateTimeOriginal": "2024:09:07 23:30:00"},
        SANTIAGO,
        "2024-09-07T23:30:00",
        -240,
        "instance",
        "2024-09-08T03:30:00",
    ),
    (
        "santiago-after-spring",
        {"DateTimeOriginal": "2024:09:08 01:30:00"},
        SANTIAGO,
        "2024-09-08T01:30:00",
        -180,
        "instance",
        "2024-09-08T04:30:00",
    ),
    (
        "asuncion-winter",
        {"DateTimeOriginal": "2023:07:15 10:00:00"},
        ASUNCION,
        "2023-07-15T10:00:00",
        -240,
        "instance",
        "2023-07-15T14:00:00",
    ),
    (
        "asuncion-summer",
        {"DateTimeOriginal": "2023:12:15 10:00:00"},
        ASUNCION,
        "2023-12-15T10:00:00",
        -180,
        "instance",
        "2023-12-15T13:00:00",
    ),
    (
        "subseconds",
        {"DateTimeOriginal": "2024:07:15 12:00:00", "SubSecTimeOriginal": "095"},
        SANTIAGO,
        "2024-07-15T12:00:00.095000",
        -240,
        "instance",
        "2024-07-15T16:00:00.095000",
    ),
    (
        "subseconds-with-offset",
        {
            "DateTimeOriginal": "2024:01:15 08:00:00",
            "SubSecTimeOriginal": "52",
            "OffsetTimeOriginal": "-03:00",
        },
        None,
        "2024-01-15T08:00:00.520000",
        -180,
        "offset_time_original",
        "2024-01-15T11:00:00.520000",
    ),
    # The gap to GPS time (UTC): 15:02:10 local against 18:00:00 UTC is -03:00 and a
    # camera clock 2 min 10 s fast; the GPS zone wins over the instance's (Santiago, -04).
    (
        "gps-gap",
        {
            "DateTimeOriginal": "2024:07:10 15:02:10",
            "GPSDateStamp": "2024:07:10",
            "GPSTimeStamp": "18:00:00",
        },
        SANTIAGO,
        "2024-07-10T15:02:10",
        -180,
        "gps_time",
        "2024-07-10T18:02:10",
    ),
    # A stale fix (7 minutes from any quarter hour) says nothing about the zone.
    (
        "gps-stale",
        {
            "DateTimeOriginal": "2024:07:10 15:52:00",
            "GPSDateStamp": "2024:07:10",
            "GPSTimeStamp": "18:00:00",
        },
        BA,
        "2024-07-10T15:52:00",
        -180,
        "instance",
        "2024-07-10T18:52:00",
    ),
    (
        "floating",
        {"DateTimeOriginal": "2020:02:19 16:35:05"},
        None,
        "2020-02-19T16:35:05",
        None,
        None,
        None,
    ),
    (
        "digitized-when-no-original",
        {"CreateDate": "2021:03:04 05:06:07"},
        BA,
        "2021-03-04T05:06:07",
        -180,
        "instance",
        "2021-03-04T08:06:07",
    ),
    (
        "xmp-date-with-offset",
        {"XMP-photoshop:DateCreated": "2023-11-20T09:15:00-05:00"},
        BA,
        "2023-11-20T09:15:00",
        -300,
        "xmp",
        "2023-11-20T14:15:00",
    ),
    (
        "iptc-date-without-time",
        {"IPTC:DateCreated": "2022:08:09"},
        BA,
        "2022-08-09T00:00:00",
        -180,
        "instance",
        "2022-08-09T03:00:00",
    ),
]


@needs_exiftool
@pytest.mark.parametrize(
    ("tags", "zone", "local", "offset", "source", "utc"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_capture_time(tmp_path, tags, zone, local, offset, source, utc):
    info = _read(_photo(tmp_path, tags), zone)
    capture = info.capture
    assert capture is not None
    # The camera's clock is kept as it read, whatever the zone.
    assert capture.local.isoformat() == local
    assert capture.offset == offset
    assert capture.zone_source == source
    expected = datetime.fromisoformat(utc).replace(tzinfo=UTC) if utc else None
    assert info.captured_at == expected
    if source == "instance":
        assert capture.zone == zone
    # The file's own word is stored before any zone was chosen.
    told = CaptureTime.from_dict(info.metadata["capture"])
    assert told is not None and told.local == capture.local
    if source in ("instance", None):
        assert told.offset is None


def test_resolve_keeps_an_offset_the_file_gave() -> None:
    told = CaptureTime(datetime(2024, 5, 1, 10), 120, None, "offset_time_original")
    assert resolve(told, SANTIAGO, "event") == told


def test_video_container_dates_are_utc_seen_in_the_filed_zone() -> None:
    told = from_container(datetime(2024, 7, 15, 16, 0))  # a muxer's date with no zone: UTC
    assert told is not None and told.utc == datetime(2024, 7, 15, 16, 0, tzinfo=UTC)
    seen = resolve(told, SANTIAGO, "event")
    assert (seen.local, seen.offset, seen.zone_source) == (datetime(2024, 7, 15, 12), -240, "event")
    assert seen.utc == told.utc  # the instant does not move
    assert unresolved(seen) == told  # and the file's word comes back for another zone


def test_unknown_zone_leaves_the_clock_floating() -> None:
    told = CaptureTime(datetime(2020, 2, 19, 16, 35, 5))
    assert resolve(told, "Mars/Olympus_Mons", "event") == told
    assert resolve(told, None, "instance").utc is None


@pytest.mark.parametrize(
    ("gap", "offset"),
    [
        (timedelta(hours=-3), -180),
        (timedelta(hours=-3, minutes=2), -180),
        (timedelta(hours=5, minutes=44), 345),  # Nepal, a clock a minute slow
        (timedelta(hours=-3, minutes=8), None),  # 8 minutes off a quarter hour
        (timedelta(hours=-2, minutes=-15), None),  # no zone is a quarter past
        (timedelta(hours=15), None),  # beyond any zone
    ],
)
def test_gps_gap(gap: timedelta, offset: int | None) -> None:
    gps = datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert gps_gap(datetime(2024, 1, 1, 12) + gap, gps) == offset
