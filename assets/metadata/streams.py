"""Metadata of video and audio files: streams, duration and tags.

PyAV gives the streams (codec, size, frame rate, sample rate) and the
container tags; mutagen is the fallback for audio tags PyAV does not expose
(some ID3 frames and MP4 atoms). Technical tags muxers write on their own
(``major_brand``, ``encoder`` ...) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from assets.media import probe
from assets.metadata import clean
from assets.proxy import proxy_needed
from assets.settings import IngestSettings
from assets.sniff import Sniffed

# container tag (lower case) -> our name
_TAGS = {
    "title": "title",
    "artist": "artist",
    "album_artist": "album_artist",
    "author": "artist",
    "composer": "composer",
    "album": "album",
    "date": "date",
    "year": "date",
    "genre": "genre",
    "comment": "comment",
    "description": "description",
    "copyright": "copyright",
    "creation_time": "creation_time",
    "location": "location",
    "com.apple.quicktime.location.iso6709": "location",
    "com.apple.quicktime.make": "make",
    "com.apple.quicktime.model": "model",
    "com.apple.quicktime.creationdate": "creation_time",
}
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")


@dataclass
class StreamMetadata:
    width: int | None
    height: int | None
    duration: float | None
    captured_at: datetime | None
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_av(path: Path, sniffed: Sniffed, settings: IngestSettings) -> StreamMetadata:
    info = probe(path, sniffed, settings)
    tags = _tags(info.tags)
    if info.video is None and not tags:
        tags = _mutagen_tags(path)
    groups: dict[str, dict[str, Any]] = {"tags": tags}
    width = height = None
    if info.video is not None:
        v = info.video
        width, height = v["width"], v["height"]
        groups["video"] = clean.compact(
            {
                "codec": clean.text(v["codec"], 32),
                "fps": clean.number(v["fps"], 3),
                "bit_rate": bit_rate(v["bit_rate"]) or bit_rate(info.bit_rate),
                "width": width,
                "height": height,
                "rotation": v["rotation"] or None,
                "frames": clean.integer(v["frames"]),
                "timecode": clean.text(v.get("timecode"), 32),
                "web_playable": False if proxy_needed(sniffed, v["codec"]) else None,
                "gps": _iso6709(tags.get("location")),
            }
        )
    if info.audio is not None:
        a = info.audio
        groups["audio"] = clean.compact(
            {
                "codec": clean.text(a["codec"], 32),
                "sample_rate": clean.integer(a["sample_rate"]),
                "channels": clean.integer(a["channels"]),
                "tracks": a.get("tracks") if (a.get("tracks") or 0) > 1 else None,
                "bit_rate": bit_rate(a["bit_rate"])
                or (None if info.video else bit_rate(info.bit_rate)),
            }
        )
    groups["container"] = clean.compact({"format": clean.text(info.format, 64)})
    captured = clean.iso_datetime(tags.get("creation_time"))
    duration = clean.number(info.duration, 3)
    return StreamMetadata(width, height, duration, captured, clean.compact(groups))


# Above this a bit rate is a sentinel, not a measure: Ogg Vorbis headers say
# 0xFFFFFFFE (-2 as unsigned) for "not set"; no recording goes near 2 Gbit/s.
MAX_BIT_RATE = 2_000_000_000


def bit_rate(value: object) -> int | None:
    """A bit rate in bit/s, or None for a missing, zero or absurd one."""
    rate = clean.integer(value)
    return rate if rate is not None and 0 < rate < MAX_BIT_RATE else None


def _tags(raw: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in raw.items():
        name = _TAGS.get(key.lower())
        if name and name not in out:
            limit = clean.LONG if name in ("comment", "description", "copyright") else clean.SHORT
            cleaned = clean.text(value, limit)
            if cleaned:
                out[name] = cleaned
    return out


def _mutagen_tags(path: Path) -> dict[str, str]:
    try:
        import mutagen

        audio = mutagen.File(str(path), easy=True)
    except Exception:  # mutagen raises its own error types per format
        return {}
    if audio is None or not audio.tags:
        return {}
    raw: dict[str, str] = {}
    for key in ("title", "artist", "album", "date", "genre", "copyright", "comment"):
        try:
            values = audio.tags.get(key)
        except (KeyError, ValueError):
            values = None
        if values:
            raw[key] = values[0] if isinstance(values, list) else str(values)
    return _tags(raw)


def _iso6709(value: str | None) -> dict[str, float] | None:
    m = _ISO6709.match(value or "")
    if not m:
        return None
    lat, lon = clean.number(m.group(1), 7), clean.number(m.group(2), 7)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lat": lat, "lon": lon}
