"""The administration page: downloads and uploads per agency and month (admins only).

The chart is an SVG drawn here on the server (the page's CSP allows no inline
script or style; colours come from classes in brandhub.css), with the same
figures in tables beside it for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_timezone
from flask_login import login_required
from sqlalchemy import func, select

from assets.errors import PermissionDenied

from ..db import get_session
from ..models import ShareLink, utcnow
from ..operations.statistics import MonthlyStats, monthly, top_assets
from .user import visitor

bp = Blueprint("admin", __name__, url_prefix="/admin")

MONTH_CHOICES = (3, 6, 12, 24)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (y, value)
    labels: list[tuple[float, str]]  # (x centre, month)


def _nice_max(value: int) -> int:
    """A round top for the axis: 1, 2, 5 × a power of ten, at least the value."""
    if value <= 4:
        return 4
    scale = 1
    while True:
        for step in (1, 2, 5):
            top = step * scale
            if top * 4 >= value:
                return top * 4
        scale *= 10


def bar_chart(months: list[date], series: dict[str, list[int]], labels: list[str]) -> Chart:
    """Grouped bars (one group per month, one bar per series) in a 720 × 260 box."""
    width, height = 720, 260
    left, right, top, bottom = 48, 8, 12, height - 30
    top_value = _nice_max(max((v for values in series.values() for v in values), default=0))
    group = (width - left - right) / max(1, len(months))
    inner = group * 0.72
    bar_width = inner / max(1, len(series))
    bars = []
    for i in range(len(months)):
        x0 = left + i * group + (group - inner) / 2
        for j, (name, values) in enumerate(series.items()):
            h = (bottom - top) * values[i] / top_value
            bars.append(
                Bar(
                    round(x0 + j * bar_width, 1),
                    round(bottom - h, 1),
                    round(bar_width - 1, 1),
                    round(h, 1),
                    values[i],
                    name,
                )
            )
    ticks = [(round(bottom - (bottom - top) * k / 4, 1), top_value * k // 4) for k in range(5)]
    centres = [(round(left + (i + 0.5) * group, 1), labels[i]) for i in range(len(months))]
    return Chart(width, height, top, bottom, left, bars, ticks, centres)


def _months_arg() -> int:
    try:
        value = int(request.args.get("months", 12))
    except ValueError:
        return 12
    return value if value in MONTH_CHOICES else 12


def _require_admin() -> None:
    user = visitor()
    if user is None or user.role != "admin":
        raise PermissionDenied("Only administrators can see this page.")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    _require_admin()
    db = get_session()
    months = _months_arg()
    zone = ZoneInfo(str(get_timezone()))
    stats: MonthlyStats = monthly(db, zone, months)
    labels = [format_date(m, "MMM yy") for m in stats.months]
    chart = bar_chart(
        stats.months, {"downloads": stats.downloads, "uploads": stats.uploads}, labels
    )
    since = datetime.combine(stats.months[0], time(), zone)
    now = utcnow()
    active_links = db.scalar(
        select(func.count())
        .select_from(ShareLink)
        .where(
            ShareLink.revoked_at.is_(None),
            (ShareLink.expires_at.is_(None)) | (ShareLink.expires_at > now),
        )
    )
    context: dict[str, Any] = {
        "stats": stats,
        "labels": labels,
        "chart": chart,
        "months": months,
        "month_choices": MONTH_CHOICES,
        "top": top_assets(db, since, limit=10),
        "active_links": active_links or 0,
        "timezone": current_app.config.get("TIMEZONE"),
    }
    return render_template("admin/index.html", **context)
