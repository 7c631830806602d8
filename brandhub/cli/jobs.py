"""``brandhub jobs``: list background jobs, retry a failed one, queue an import, a reindex,
or the reading of the text of pieces that have none yet.

The worker that runs them (``brandhub worker``, ``brandhub run-all``) is
:mod:`brandhub.jobs`'s; these commands only read and add rows on the queue.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..db import get_session
from ..job_queue import job_queue
from ..models import Job, User, utcnow
from ..operations.importer import new_import_job
from ..operations.piece_text import queue_unread
from .imports import check_agency, check_category


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: list them, retry a failed one, queue a reindex."""


@jobs_group.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "done", "failed"]))
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def jobs_list(state: str | None, limit: int) -> None:
    """The latest jobs, newest first."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        query = query.where(Job.state == state)
    for job in get_session().scalars(query):
        subject = f"asset {job.asset_id}" if job.asset_id else (job.subject_id or "")
        when = job.updated_at.isoformat(timespec="seconds") if job.updated_at else ""
        line = f"{job.id:>6}  {job.kind:8} {job.state:8} {job.attempts}/{job.max_attempts}  "
        click.echo(f"{line}{subject!s:12} {when}  {job.error or ''}".rstrip())


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def jobs_retry(job_id: int) -> None:
    """Queue a failed job again, with a fresh count of attempts."""
    db = get_session()
    job = db.get(Job, job_id)
    if job is None or job.state != "failed":
        raise click.ClickException(_("There is no failed job %(id)s.", id=job_id))
    job.state, job.attempts, job.retry_at, job.updated_at = "queued", 0, None, utcnow()
    db.commit()
    job_queue().dispatch(job_id)
    click.echo(_("Job %(id)s queued again.", id=job_id))


@jobs_group.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--user", "email", help="Whose rights apply (default: the first administrator).")
@click.option("--agency", help="Agency slug the files belong to.")
@click.option("--credit", help="Credit line for every file (else read from each file).")
@click.option("--caption", help="Caption for every file.")
@click.option("--tags", help="Comma-separated tags for every file.")
@click.option("--category", help="Brand piece category (default: judged from each file).")
@with_appcontext
def jobs_import(path: Path, email: str | None, **fields: str | None) -> None:
    """Import every media file under PATH in the background (see `brandhub import`)."""
    db = get_session()
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.lower()) if email else query.where(User.role == "admin")
    user = db.scalar(query.order_by(User.id))
    if user is None:
        raise click.ClickException(_("There is no user to import as."))
    # Checked now, not by the worker once per file.
    check_category(fields.get("category"))
    check_agency(user, fields.get("agency"))
    job = new_import_job(path.resolve(), user, fields)
    db.add(job)
    db.commit()
    click.echo(_("Import queued as job %(id)s.", id=job.id))


@jobs_group.command("reindex")
@with_appcontext
def jobs_reindex() -> None:
    """Rebuild the search index in the background (as `brandhub reindex` does)."""
    db = get_session()
    job = Job(kind="reindex")
    db.add(job)
    db.commit()
    click.echo(_("Reindex queued as job %(id)s.", id=job.id))


@jobs_group.command("read-text")
@with_appcontext
def jobs_read_text() -> None:
    """Queue the reading of the words (text layer, SVG text, OCR) of every image, SVG and
    PDF whose current file has not been read yet (pieces uploaded before text was read)."""
    db = get_session()
    queued = queue_unread(db)
    db.commit()
    click.echo(_("Text reading queued for %(n)s files.", n=queued))
