"""``brandhub import PATH``: archive a whole folder of coverage in one go.

Walks the folder (recursively), skips what is not media with a note, uploads
each file through the same path as the web (sniffing, metadata, renditions,
brand checks; ``operations.importer``), shows a progress bar with the rate and
the time left, and ends with a summary. Files already in the library (same
bytes) count as duplicates and still join the event, so an interrupted import
is simply run again. ``--event`` takes an event id, or a title: the event with
that title (and ``--date``) is found, or created.

Every option is checked before the folder is walked (an unknown agency, a
category that does not exist, an event that cannot be used or a report file
of an unknown type stop the command at once, with one message). A refused
file is listed with the brand rules it failed, and ``--report FILE`` writes
what became of every file as CSV or JSON (by the file's extension). The
rate counts every file processed, refused ones too.

A file larger than ``--resumable-mb`` goes through a resumable upload, written
down in the instance folder (``import-uploads.json``): an import cut in the
middle of it resumes it where it stopped when run again. With ``--remote URL
--token TOKEN`` the files go to another BrandHub instance through its API,
with the same resumable uploads (tus, ``cli/remote.py``).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from assets.errors import BrandHubError
from guidelines import CATEGORIES

from .. import search
from ..dates import to_utc
from ..db import get_session
from ..models import Agency, Event, User
from ..operations.assets import AssetFields, parse_tags
from ..operations.importer import (
    Outcome,
    ResumeBook,
    import_file,
    import_file_resumable,
    media_files,
    upload_metadata,
)
from ..operations.sets import EVENTS, EventFields
from ..services import ingest_settings, storage, upload_limits, upload_staging
from .remote import RemoteUnavailable, TusUploader

#: Where an import writes down its resumable uploads, in the instance folder.
RESUME_FILE = "import-uploads.json"


def _user(email: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.lower()) if email else query.where(User.role == "admin")
    user = get_session().scalar(query.order_by(User.id))
    if user is None:
        raise click.ClickException(_("There is no user to import as."))
    if not user.can_upload:
        raise click.ClickException(
            _("%(email)s cannot add files: their role only reads.", email=user.email)
        )
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


def check_agency(user: User, slug: str | None) -> None:
    """Stop the command unless ``user`` may add files to the agency ``slug`` (if any)."""
    if not slug:
        return
    agency = get_session().scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise click.BadParameter(
            _("There is no agency “%(slug)s”.", slug=slug), param_hint="--agency"
        )
    if not user.sees_all_agencies and agency.id != user.agency_id:
        raise click.BadParameter(
            _("%(email)s cannot add files to the agency “%(slug)s”.", email=user.email, slug=slug),
            param_hint="--agency",
        )


def check_category(category: str | None) -> None:
    """Stop the command unless ``category`` (if any) is a piece category."""
    if category and category not in CATEGORIES:
        raise click.BadParameter(
            _(
                "“%(category)s” is not a piece category; use one of: %(choices)s.",
                category=category,
                choices=", ".join(CATEGORIES),
            ),
            param_hint="--category",
        )


def _check_report(report: Path | None) -> None:
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        raise click.BadParameter(
            _("The report is written as CSV or JSON: name it .csv or .json."),
            param_hint="--report",
        )


def _event(user: User, ref: str | None, date: str | None, agency: str | None) -> Event | None:
    if not ref:
        return None
    db = get_session()
    if ref.isdigit():
        try:
            return EVENTS.get_visible(db, user, int(ref))
        except BrandHubError:
            raise click.BadParameter(
                _("There is no event %(id)s that %(email)s can use.", id=ref, email=user.email),
                param_hint="--event",
            ) from None
    when = _date(date)
    found = EVENTS.find(db, user, ref, when)
    if found is not None:
        return found
    event = EVENTS.create(db, user, EventFields(title=ref, starts_at=when, agency=agency))
    click.echo(_("Created the event “%(title)s” (id %(id)s).", title=event.title, id=event.id))
    return event


def _rate(started: float, done: int) -> str:
    elapsed = time.monotonic() - started
    return f"{done / elapsed:.1f}/s" if elapsed > 0 and done else ""


def _row(file: Path, status: str, outcome: Outcome | None = None, why: str = "") -> dict[str, Any]:
    return {
        "file": str(file),
        "status": status,
        "asset_id": outcome.asset_id if outcome else None,
        "reason": _(outcome.reason) if outcome and outcome.reason else why,
        "rules": [vars(r) for r in outcome.rules] if outcome else [],
    }


def _write_report(path: Path, rows: list[dict[str, Any]]) -> None:
    """Every file's outcome as JSON or CSV, written whole or not at all."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        if path.suffix.lower() == ".json":
            json.dump(rows, fh, ensure_ascii=False, indent=2)
        else:
            out = csv.writer(fh)
            out.writerow(["file", "status", "asset_id", "reason", "rules"])
            for row in rows:
                rules = " | ".join(f"{r['rule']}: {r['message']}" for r in row["rules"])
                out.writerow(
                    [row["file"], row["status"], row["asset_id"] or "", row["reason"], rules]
                )
    os.replace(tmp, path)


def _uploader(
    remote: str | None,
    token: str | None,
    book: ResumeBook,
    threshold: int,
    email: str | None,
    event_ref: str | None,
    date: str | None,
) -> TusUploader | None:
    """The client for ``--remote``, its options checked; None for this instance."""
    if not remote:
        if token:
            raise click.BadParameter(_("A token is only used with --remote."), param_hint="--token")
        return None
    if not token:
        raise click.BadParameter(
            _("Give the remote instance's API token (or set BRANDHUB_TOKEN)."),
            param_hint="--token",
        )
    if email or date:
        raise click.BadParameter(
            _("With --remote the token says who imports, and events are given by number."),
            param_hint="--user/--date",
        )
    if event_ref and not event_ref.isdigit():
        raise click.BadParameter(
            _("With --remote, give the event by its number."), param_hint="--event"
        )
    try:
        return TusUploader(remote, token, book, threshold=threshold)
    except ValueError:
        raise click.BadParameter(
            _("The remote must be an http:// or https:// address."), param_hint="--remote"
        ) from None


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
@click.option("--category", help="Brand piece category (default: judged from each file).")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write what became of each file to this .csv or .json file.",
)
@click.option(
    "--resumable-mb",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Files larger than this go in resumable chunks: a cut import resumes them mid-file.",
)
@click.option("--remote", help="Send the files to another BrandHub instance at this address.")
@click.option("--token", envvar="BRANDHUB_TOKEN", help="API token for --remote.")
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
    report: Path | None,
    resumable_mb: int,
    remote: str | None,
    token: str | None,
) -> None:
    """Import every media file under PATH; safe to run again after an interruption."""
    db = get_session()
    _check_report(report)
    check_category(category)
    threshold = resumable_mb * 1024 * 1024
    book = ResumeBook(Path(current_app.instance_path) / RESUME_FILE)
    uploader = _uploader(remote, token, book, threshold, email, event_ref, date)
    user = event = None
    if uploader is None:
        user = _user(email)
        check_agency(user, agency)
        _date(date)
        event = _event(user, event_ref, date, agency)
    event_id = event.id if event is not None else int(event_ref) if event_ref else None
    files, skipped = media_files(path)
    rows = [_row(p, "skipped", why=_(why)) for p, why in skipped]
    for skipped_path, why in skipped:
        click.echo(_("Skipped %(file)s: %(why)s", file=skipped_path, why=_(why)), err=True)
    fields = AssetFields(
        credit=credit,
        caption=caption,
        copyright=rights,
        tags=None if tags is None else parse_tags(tags),
        agency=agency,
        category=category,
    )
    blocks = current_app.config["COMPLIANCE_BLOCKS_UPLOADS"]
    counts = {"imported": 0, "duplicate": 0, "rejected": 0}
    rejected: list[tuple[Path, Outcome]] = []
    started = time.monotonic()
    interrupted = False
    unreachable = ""
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
                if uploader is not None:
                    outcome = uploader.upload(file, upload_metadata(file.name, fields, event_id))
                elif user is not None and file.stat().st_size > threshold:
                    outcome = import_file_resumable(
                        db,
                        storage(),
                        ingest_settings(),
                        upload_staging(),
                        upload_limits(),
                        user,
                        file,
                        fields,
                        event,
                        book,
                        compliance_blocks=blocks,
                    )
                else:
                    assert user is not None
                    outcome = import_file(
                        db,
                        storage(),
                        ingest_settings(),
                        user,
                        file,
                        fields,
                        event,
                        compliance_blocks=blocks,
                    )
                counts[outcome.status] += 1
                rows.append(_row(file, outcome.status, outcome))
                if outcome.status == "rejected":
                    rejected.append((file, outcome))
        except KeyboardInterrupt:
            interrupted = True
        except RemoteUnavailable as exc:
            unreachable = str(exc)
    search.drain()
    elapsed = max(time.monotonic() - started, 1e-6)
    click.echo(
        _(
            "Imported: %(imported)s · already in the library: %(dup)s · rejected: %(rej)s"
            " · not media: %(skip)s · %(rate)s files/s",
            imported=counts["imported"],
            dup=counts["duplicate"],
            rej=counts["rejected"],
            skip=len(skipped),
            rate=f"{sum(counts.values()) / elapsed:.1f}",
        )
    )
    if event is not None:
        click.echo(_("Event: %(title)s (id %(id)s)", title=event.title, id=event.id))
    for file, outcome in rejected:
        click.echo(f"  ✗ {file}: {_(outcome.reason)}")
        for rule in outcome.rules:
            click.echo(f"      - {rule.rule}: {rule.message}")
    if report is not None:
        _write_report(report, rows)
        click.echo(_("Report written to %(path)s", path=report))
    if unreachable:
        click.echo(
            _(
                "The remote instance failed or could not be reached (%(error)s). Run the"
                " same command again: it resumes where it stopped.",
                error=unreachable,
            ),
            err=True,
        )
        raise SystemExit(1)
    if interrupted:
        click.echo(_("Interrupted. Run the same command again to import the rest."), err=True)
        raise SystemExit(130)
    if rejected:
        raise SystemExit(1)
