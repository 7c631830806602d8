"""An asset's capture time in the zone it is filed under.

The file's own word (``assets.metadata.capture``) is kept in the asset's
metadata as ``capture``; a camera clock without an offset is then read in the
first zone that says something: the event's, the agency's, the instance's
``TIMEZONE``. The columns ``captured_at`` (the instant), ``captured_local``
(the camera's clock), ``capture_offset``, ``capture_zone`` and
``capture_zone_source`` follow; they are worked out again whenever the asset
moves to another event or agency, unless the file said its own offset.
"""

from __future__ import annotations

from typing import Any

from assets.metadata.capture import CaptureTime, resolve, zone_info

from ..models import Asset


def instance_zone() -> str | None:
    """The instance's ``TIMEZONE`` when an app is running (None otherwise)."""
    from flask import current_app, has_app_context

    return current_app.config.get("TIMEZONE") if has_app_context() else None


def filed_zone(asset: Asset, instance: str | None) -> tuple[str | None, str]:
    """The zone an asset's floating clock is read in, and where it came from."""
    event = getattr(asset, "event", None)
    for holder, source in ((event, "event"), (asset.agency, "agency")):
        name = getattr(holder, "time_zone", "") if holder is not None else ""
        if name and zone_info(name) is not None:
            return name, source
    return instance, "instance"


def apply_capture(asset: Asset, instance: str | None = None) -> None:
    """Set the capture columns from the file's word kept in ``metadata_json``."""
    md: dict[str, Any] = asset.metadata_json or {}
    raw = CaptureTime.from_dict(md.get("capture"))
    if raw is None:
        asset.captured_at = asset.captured_local = asset.capture_offset = None
        asset.capture_zone = asset.capture_zone_source = ""
        return
    zone, source = filed_zone(asset, instance if instance is not None else instance_zone())
    seen = resolve(raw, zone, source)
    asset.captured_at = seen.utc
    asset.captured_local = seen.local
    asset.capture_offset = seen.offset
    asset.capture_zone = seen.zone or ""
    asset.capture_zone_source = seen.zone_source or ""


def offset_text(minutes: int | None) -> str | None:
    """``-03:00`` for -180; None when unknown."""
    if minutes is None:
        return None
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def capture_json(asset: Asset) -> dict[str, Any]:
    """The capture fields of the API (documented in ``api/openapi/assets.py``)."""
    capture = capture_of(asset)
    aware = capture.aware if capture else None
    return {
        # The instant, written with the offset of where it was taken.
        "captured_at": aware.isoformat() if aware else None,
        "captured_local": capture.local.isoformat() if capture else None,
        "capture_utc_offset": offset_text(capture.offset) if capture else None,
        "capture_time_zone": (capture.zone if capture else None) or None,
        "capture_time_zone_source": (capture.zone_source if capture else None) or None,
    }


def capture_of(asset: Asset) -> CaptureTime | None:
    """The capture as stored on the row (for pages and the API)."""
    if asset.captured_local is None:
        return None
    return CaptureTime(
        local=asset.captured_local,
        offset=asset.capture_offset,
        zone=asset.capture_zone or None,
        zone_source=asset.capture_zone_source or None,
    )
