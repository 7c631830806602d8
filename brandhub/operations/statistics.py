"""The download log and the figures built from it.

Every file that leaves BrandHub is one ``DownloadEvent`` row: an original, a
preset, an earlier version, each file inside a ZIP; by a person (pages or
API), a share link or the public press kit. Previews and thumbnails shown on
pages are not downloads. The row copies the asset's agency, so the figures
of an agency stay right after an asset is deleted or moved.

Figures are per agency and calendar month in the institution's time zone:
the month boundaries are computed in that zone and turned into UTC bounds,
and the database counts rows between them (one grouped query per series,
the same SQL on SQLite and PostgreSQL). Uploads are the assets created in the
month (assets deleted since are not counted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Agency, Asset, DownloadEvent, utcnow
from .access import Viewer, signed_in

__all__ = [
    "AgencyRow",
    "MonthlyStats",
    "download_count",
    "month_starts",
    "monthly",
    "record_downloads",
    "top_assets",
]


def record_downloads(
    db: Session,
    assets: Iterable[Any],
    *,
    channel: str,
    what: str,
    user: Viewer = None,
    share_link_id: int | None = None,
    preset: str | None = None,
    version: int | None = None,
) -> int:
    """Log one download per asset (commits); the number of rows written."""
    person = signed_in(user)
    rows = [
        DownloadEvent(
            asset_id=asset.id,
            agency_id=asset.agency_id,
            user_id=person.id if person is not None else None,
            share_link_id=share_link_id,
            channel=channel,
            what=what,
            preset=(preset or None) and preset[:40],
            version=version,
        )
        for asset in assets
    ]
    db.add_all(rows)
    db.commit()
    return len(rows)


def download_count(db: Session, asset_id: int) -> int:
    query = select(func.count()).select_from(DownloadEvent)
    return db.scalar(query.where(DownloadEvent.asset_id == asset_id)) or 0


def month_starts(count: int, now: datetime, zone: ZoneInfo) -> list[datetime]:
    """The first instants of the last ``count`` months and of the next one, in ``zone``."""
    local = now.astimezone(zone)
    year, month = local.year, local.month
    starts = []
    for back in range(count - 1, -2, -1):
        y, m = divmod((year * 12 + month - 1) - back, 12)
        starts.append(datetime(y, m + 1, 1, tzinfo=zone))
    return starts


@dataclass
class AgencyRow:
    name: str
    slug: str | None
    downloads: list[int]
    uploads: list[int]

    @property
    def total_downloads(self) -> int:
        return sum(self.downloads)

    @property
    def total_uploads(self) -> int:
        return sum(self.uploads)


@dataclass
class MonthlyStats:
    months: list[date]
    rows: list[AgencyRow] = field(default_factory=list)

    @property
    def downloads(self) -> list[int]:
        return [sum(r.downloads[i] for r in self.rows) for i in range(len(self.months))]

    @property
    def uploads(self) -> list[int]:
        return [sum(r.uploads[i] for r in self.rows) for i in range(len(self.months))]


def _per_month(
    db: Session, column: Any, agency: Any, bounds: list[datetime], where: Any = None
) -> dict[int | None, list[int]]:
    n = len(bounds) - 1
    bucket = case(*((column < bounds[i + 1], i) for i in range(n)), else_=n)
    query = (
        select(agency, bucket, func.count())
        .where(column >= bounds[0], column < bounds[-1])
        .group_by(agency, bucket)
    )
    if where is not None:
        query = query.where(where)
    counts: dict[int | None, list[int]] = {}
    for agency_id, index, number in db.execute(query):
        counts.setdefault(agency_id, [0] * n)[int(index)] = int(number)
    return counts


def monthly(
    db: Session, zone: ZoneInfo, months: int = 12, now: datetime | None = None
) -> MonthlyStats:
    """Downloads and uploads per agency for the last ``months`` months (this one included)."""
    starts = month_starts(months, now or utcnow(), zone)
    downloads = _per_month(db, DownloadEvent.created_at, DownloadEvent.agency_id, starts)
    uploads = _per_month(db, Asset.created_at, Asset.agency_id, starts)
    ids = {i for i in (*downloads, *uploads) if i is not None}
    agencies = {a.id: a for a in db.scalars(select(Agency).where(Agency.id.in_(ids)))}
    stats = MonthlyStats([s.date() for s in starts[:-1]])
    for agency_id in sorted(ids, key=lambda i: agencies[i].name.lower() if i in agencies else ""):
        found = agencies.get(agency_id)
        stats.rows.append(
            AgencyRow(
                found.name if found else "",
                found.slug if found else None,
                downloads.get(agency_id, [0] * months),
                uploads.get(agency_id, [0] * months),
            )
        )
    if None in downloads or None in uploads:
        stats.rows.append(
            AgencyRow("", None, downloads.get(None, [0] * months), uploads.get(None, [0] * months))
        )
    return stats


def top_assets(
    db: Session, since: datetime | None = None, limit: int = 10
) -> list[tuple[Asset, int]]:
    """The most downloaded assets (since ``since``), with their counts."""
    count = func.count(DownloadEvent.id).label("n")
    query = (
        select(DownloadEvent.asset_id, count)
        .where(DownloadEvent.asset_id.is_not(None))
        .group_by(DownloadEvent.asset_id)
        .order_by(count.desc(), DownloadEvent.asset_id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(DownloadEvent.created_at >= since)
    ranked = db.execute(query).all()
    found = {a.id: a for a in db.scalars(select(Asset).where(Asset.id.in_([r[0] for r in ranked])))}
    return [(found[i], n) for i, n in ranked if i in found]
