"""``brandhub import PATH``: archive a whole folder of coverage in one go.

Walks the folder (recursively), skips what is not media with a note, uploads
each file through the same path as the web (sniffing, metadata, renditions,
brand checks; ``operations.importer``), shows a progress bar with the rate and
the time left, and ends with a summary. Files already in the library (same
bytes) count as duplicates and still join the event, so an interrupted import
is simply run again. ``--event`` takes an event id, or a title: the event with
that title (and ``--date``) is found, or created.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from . import search
from .db import get_session
from .forms_archive import to_utc
from .models import Event, User
from .operations.assets import AssetFields
from .operations.events import EventFields, create_event, find_event, get_visible_event
from .operations.importer import import_file, media_files
from .services import ingest_settings, storage

#: The folder walk, under the name the import job knows it by.
_media_files = media_files


def _user(email: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.lower()) if email else query.where(User.role == "admin")
    user = get_session().scalar(query.order_by(User.id))
    if user is None:
        raise click.ClickException(_("There is no user to import as."))
    if not user.can_upload:
        raise click.ClickException(_("%(email)s cannot add files: their role only reads.",
                                     email=user.email))  # fmt: skip
    return user


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return to_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        raise click.BadParameter(
            _("Use a date like 2026-05-25 or 2026-05-25T10:30."), param_hint="--date"
        ) from None


def _event(user: User, ref: str | None, date: str | None, agency: str | None) -> Event | None:
    if not ref:
        return None
    db = get_session()
    if ref.isdigit():
        return get_visible_event(db, user, int(ref))
    when = _date(date)
    found = find_event(db, user, ref, when)
    if found is not None:
        return found
    event = create_event(db, user, EventFields(title=ref, starts_at=when, agency=agency))
    click.echo(_("Created the event “%(title)s” (id %(id)s).", title=event.title, id=event.id))
    return event


def _rate(started: float, done: int) -> str:
    elapsed = time.monotonic() - started
    return f"{done * 60 / elapsed:.0f}/min" if elapsed > 0 and done else ""


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--user", "email", help="Whose rights apply (default: the first administrator).")
@click.option("--event", "event_ref", help="Event id, or the title of an event to find or create.")
@click.option("--date", help="Date (and time) of a new event, e.g. 2026-05-25T10:30.")
@click.option("--agency", help="Agency slug the files belong to (default: the event's).")
@click.option("--credit", help="Credit line for every file (else read from each file).")
@click.option("--caption", help="Caption for every file.")
@click.option("--copyright", "rights", help="Copyright or licence for every file.")
@click.option("--tags", help="Comma-separated tags for every file.")
@click.option("--category", help="Brand piece category (default: by file type).")
@with_appcontext
def import_command(
    path: Path,
    email: str | None,
    event_ref: str | None,
    date: str | None,
    agency: str | None,
    credit: str | None,
    caption: str | None,
    rights: str | None,
    tags: str | None,
    category: str | None,
) -> None:
    """Import every media file under PATH; safe to run again after an interruption."""
    db = get_session()
    user = _user(email)
    event = _event(user, event_ref, date, agency)
    files, skipped = media_files(path)
    for skipped_path, why in skipped:
        click.echo(_("Skipped %(file)s: %(why)s", file=skipped_path, why=_(why)), err=True)
    fields = AssetFields(
        credit=credit, caption=caption, copyright=rights, tags=tags, agency=agency,
        category=category,
    )  # fmt: skip
    blocks = current_app.config["COMPLIANCE_BLOCKS_UPLOADS"]
    counts = {"imported": 0, "duplicate": 0}
    rejected: list[tuple[Path, str]] = []
    started = time.monotonic()
    interrupted = False
    with click.progressbar(
        files,
        label=_("Importing"),
        show_eta=True,
        show_pos=True,
        file=sys.stderr,
        item_show_func=lambda p: f"{_rate(started, sum(counts.values()))}  {p.name}" if p else "",
    ) as bar:
        try:
            for file in bar:
                outcome = import_file(
                    db, storage(), ingest_settings(), user, file, fields, event,
                    compliance_blocks=blocks,
                )  # fmt: skip
                if outcome.status == "rejected":
                    rejected.append((file, outcome.reason))
                else:
                    counts[outcome.status] += 1
        except KeyboardInterrupt:
            interrupted = True
    search.drain()
    elapsed = max(time.monotonic() - started, 1e-6)
    click.echo(
        _(
            "Imported: %(imported)s · already in the library: %(dup)s · rejected: %(rej)s"
            " · not media: %(skip)s · %(rate)s files/min",
            imported=counts["imported"],
            dup=counts["duplicate"],
            rej=len(rejected),
            skip=len(skipped),
            rate=round(sum(counts.values()) * 60 / elapsed),
        )
    )
    if event is not None:
        click.echo(_("Event: %(title)s (id %(id)s)", title=event.title, id=event.id))
    for file, why in rejected:
        click.echo(f"  ✗ {file}: {_(why)}")
    if interrupted:
        click.echo(_("Interrupted. Run the same command again to import the rest."), err=True)
        raise SystemExit(130)
    if rejected:
        raise SystemExit(1)
