"""``brandhub similar``: near-duplicate hashes for pictures that have none yet.

New uploads, imports and new versions get their hash as they are stored;
this fills it in for assets stored before (or whose renditions a background
job made later), so they can be found as near duplicates too.
"""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import get_session
from ..operations.similar import backfill
from ..services import storage


@click.command("similar")
@with_appcontext
def similar_command() -> None:
    """Make the near-duplicate hash of every picture that has none."""
    started = time.monotonic()
    done = backfill(get_session(), storage())
    click.echo(
        _(
            "%(count)s pictures hashed in %(seconds)s s.",
            count=done,
            seconds=round(time.monotonic() - started, 1),
        )
    )
