"""``brandhub agencies zone``: the time zone an agency's camera clocks are read in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from assets.metadata.capture import zone_info

from ..db import get_session
from ..models import Agency, Asset
from ..operations.capture import apply_capture


@click.group("agencies")
def agencies_group() -> None:
    """Manage agencies."""


@agencies_group.command("zone")
@click.argument("agency")
@click.argument("zone", required=False, default="")
@with_appcontext
def agencies_zone(agency: str, zone: str) -> None:
    """Read AGENCY's camera clocks without a zone in ZONE (America/Santiago); none: the instance's.

    Its photos whose files do not say their zone, and whose event has none, are read again.
    """
    db = get_session()
    row = db.scalar(select(Agency).where(Agency.slug == agency))
    if row is None:
        raise click.ClickException(_("There is no agency %(slug)s", slug=agency))
    zone = zone.strip()
    if zone and zone_info(zone) is None:
        raise click.BadParameter(_("Unknown time zone; write it as America/Santiago."))
    row.time_zone = zone
    assets = db.scalars(
        select(Asset).where(
            Asset.agency_id == row.id, Asset.capture_zone_source.in_(("agency", "instance"))
        )
    )
    count = 0
    for asset in assets:
        apply_capture(asset)
        count += 1
    db.commit()
    click.echo(
        _(
            "%(agency)s: time zone %(zone)s; %(count)s assets read again.",
            agency=agency,
            zone=zone or "—",
            count=count,
        )
    )
