"""capture time: the camera's clock, its offset and the zone's source

Revision ID: capture_time
Revises: rate_limits
Create Date: 2026-12-06

Until now a camera clock without an offset was stored as if it were UTC and
shown converted to TIMEZONE (16:35 read as 13:35 in Buenos Aires). The backfill
reads each row's stored metadata again: a clock time with its offset keeps its
instant; a floating one is read in the instance's zone (``TIMEZONE`` handed in
by ``brandhub.db.upgrade``, else ``BRANDHUB_TIMEZONE``, else the default) and
its source recorded as ``instance``; a video's container date was right (UTC)
and only gains its clock time in that zone.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import context, op

revision = "capture_time"
down_revision = "rate_limits"

DEFAULT_ZONE = "America/Argentina/Buenos_Aires"


def _zone() -> tuple[str, ZoneInfo]:
    name = (
        context.config.attributes.get("time_zone")
        or os.environ.get("BRANDHUB_TIMEZONE")
        or DEFAULT_ZONE
    )
    try:
        return name, ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return DEFAULT_ZONE, ZoneInfo(DEFAULT_ZONE)


def _sections(metadata: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The EXIF, IPTC and XMP sections of a stored metadata column ({} where missing)."""
    md = metadata if isinstance(metadata, dict) else {}

    def section(name: str) -> dict[str, Any]:
        value = md.get(name)
        return value if isinstance(value, dict) else {}

    return section("exif"), section("iptc"), section("xmp")


def _minutes_east(moment: datetime) -> int:
    """The UTC offset of an aware datetime, in minutes east of UTC."""
    offset = moment.utcoffset()
    assert offset is not None, "an aware datetime"
    return int(offset.total_seconds() // 60)


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if len(text) >= 19 and text[4] == ":" and text[7] == ":":  # EXIF 2024:05:01 10:20:30
        text = text[:4] + "-" + text[5:7] + "-" + text[8:]
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _backfill_row(row: Any, zone_name: str, zone: ZoneInfo) -> dict[str, Any] | None:
    md = row.metadata if isinstance(row.metadata, dict) else {}
    exif, iptc, xmp = _sections(md)
    captured = row.captured_at
    if captured is not None and captured.tzinfo is None:
        captured = captured.replace(tzinfo=UTC)
    if captured is not None:
        captured = captured.astimezone(UTC)
    # What the file said, in the order extraction used.
    stated = next(
        (
            (d, src)
            for d, src in (
                (_parse(exif.get("datetime_original")), "offset_time_original"),
                (_parse(iptc.get("date_created")), "iptc"),
                (_parse(xmp.get("date_created")), "xmp"),
                (_parse(xmp.get("create_date")), "xmp"),
            )
            if d is not None
        ),
        None,
    )
    raw: dict[str, Any]
    if row.kind in ("video", "audio") and captured is not None:
        local = captured.astimezone(zone)
        offset = _minutes_east(local)
        raw = {
            "local": captured.replace(tzinfo=None).isoformat(),
            "offset": 0,
            "zone_source": "container",
            "date_source": "container",
            "instant_only": True,
        }
        values = {
            "captured_local": local.replace(tzinfo=None),
            "capture_offset": offset,
            "capture_zone": zone_name,
            "capture_zone_source": "instance",
        }
    elif stated is not None:
        when, source = stated
        date_source = "exif" if source == "offset_time_original" else source
        if when.tzinfo is not None:  # the file said its offset: the instant was right
            delta = when.utcoffset() or timedelta(0)
            offset = int(delta.total_seconds() // 60)
            local = when.replace(tzinfo=None)
            raw = {
                "local": local.isoformat(),
                "offset": offset,
                "zone_source": source,
                "date_source": date_source,
            }
            values = {
                "captured_at": when.astimezone(UTC),
                "captured_local": local,
                "capture_offset": offset,
                "capture_zone": "",
                "capture_zone_source": source,
            }
        else:  # a floating clock time, stored as if it were UTC until now
            local = when
            seen = local.replace(tzinfo=zone)
            offset = _minutes_east(seen)
            raw = {"local": local.isoformat(), "date_source": date_source}
            values = {
                "captured_at": seen.astimezone(UTC),
                "captured_local": local,
                "capture_offset": offset,
                "capture_zone": zone_name,
                "capture_zone_source": "instance",
            }
    else:
        return None
    new_md = dict(md)
    new_md["capture"] = raw
    values["metadata"] = new_md
    return values


def _clear_placeholders(bind: Any) -> None:
    """Credits and captions that were a camera's or a tool's placeholder ("x-default",
    "OLYMPUS DIGITAL CAMERA") give way to the value the MWG rules pick from the
    metadata stored with the row, or to nothing."""
    from assets.metadata import clean
    from assets.metadata.reconcile import reconcile

    table = sa.table(
        "assets",
        sa.column("id", sa.Integer),
        sa.column("caption", sa.Text),
        sa.column("copyright", sa.String),
        sa.column("creator", sa.String),
        sa.column("credit", sa.String),
        sa.column("metadata", sa.JSON),
    )
    names = ("caption", "copyright", "creator", "credit")
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table).where(table.c.id > last).order_by(table.c.id).limit(500)
        ).all()
        if not rows:
            break
        for row in rows:
            exif, iptc, xmp = _sections(row.metadata)
            camera = (exif.get("make"), exif.get("model"))
            junk = [
                n for n in names if getattr(row, n) and clean.placeholder(getattr(row, n), *camera)
            ]
            if not junk:
                continue
            chosen, _sources = reconcile(exif, iptc, xmp)
            values = {
                n: str(chosen.get(n) or "")[: 100_000 if n == "caption" else 300] for n in junk
            }
            bind.execute(sa.update(table).where(table.c.id == row.id).values(**values))
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("assets") as batch:
        batch.add_column(sa.Column("captured_local", sa.DateTime(timezone=False), nullable=True))
        batch.add_column(sa.Column("capture_offset", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("capture_zone", sa.String(length=64), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column(
                "capture_zone_source", sa.String(length=24), server_default="", nullable=False
            )
        )
    for table in ("events", "agencies"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("time_zone", sa.String(length=64), server_default="", nullable=False)
            )
    # The empty defaults only fill the rows already there; new rows get theirs from the model.
    with op.batch_alter_table("assets") as batch:
        batch.alter_column("capture_zone", server_default=None)
        batch.alter_column("capture_zone_source", server_default=None)
    for table in ("events", "agencies"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("time_zone", server_default=None)

    bind = op.get_bind()
    assets = sa.table(
        "assets",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("captured_at", sa.DateTime(timezone=True)),
        sa.column("captured_local", sa.DateTime(timezone=False)),
        sa.column("capture_offset", sa.Integer),
        sa.column("capture_zone", sa.String),
        sa.column("capture_zone_source", sa.String),
        sa.column("metadata", sa.JSON),
    )
    zone_name, zone = _zone()
    last = 0
    while True:
        rows = bind.execute(
            sa.select(assets.c.id, assets.c.kind, assets.c.captured_at, assets.c.metadata)
            .where(assets.c.id > last, assets.c.captured_at.is_not(None))
            .order_by(assets.c.id)
            .limit(500)
        ).all()
        if not rows:
            break
        for row in rows:
            values = _backfill_row(row, zone_name, zone)
            if values is not None:
                bind.execute(sa.update(assets).where(assets.c.id == row.id).values(**values))
        last = rows[-1].id
    _clear_placeholders(bind)
    # A PDF page is measured in points, not pixels: its size lives in its metadata.
    pages = sa.table("assets", sa.column("mime"), sa.column("width"), sa.column("height"))
    bind.execute(
        sa.update(pages).where(pages.c.mime == "application/pdf").values(width=None, height=None)
    )


def downgrade() -> None:
    for table in ("agencies", "events"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("time_zone")
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("capture_zone_source")
        batch.drop_column("capture_zone")
        batch.drop_column("capture_offset")
        batch.drop_column("captured_local")
