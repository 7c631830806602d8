"""``brandhub worker``, ``brandhub run-all`` and ``brandhub jobs``: running background work.

``worker`` is huey's consumer with BrandHub's app: the app is built lazily,
like for any command, from the same environment as the web processes, so the
tasks find the same database, store, index and queue. ``run-all`` is what
``make run`` starts: the development server with one worker process beside
it, stopped together (the worker also dies with its parent if the server is
killed outright).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from .db import get_session
from .jobs import job_queue
from .models import Job, User, utcnow

_WORKER = "import sys; from brandhub.cli import main; sys.argv[0] = 'brandhub'; main()"


@click.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, help="Tasks run at once.")
@click.option(
    "-k",
    "--worker-type",
    type=click.Choice(["thread", "process"]),
    default="thread",
    show_default=True,
    help="Threads share one process; processes use every core for CPU-heavy work.",
)
@click.option("--periodic/--no-periodic", default=True, help="Run the minute sweep here.")
@click.option(
    "--flush-locks/--no-flush-locks",
    default=None,
    help="Free locks left by a killed worker at start (default: on with the SQLite queue, "
    "where this is the only worker; off with Redis, where others may hold them).",
)
@with_appcontext
def worker_command(
    workers: int, worker_type: str, periodic: bool, flush_locks: bool | None
) -> None:
    """Run background work (video posters, renditions, imports, the search index)."""
    queue = job_queue()
    if queue.immediate or queue.backend == "memory":
        raise click.ClickException(
            _("BRANDHUB_JOBS_BACKEND=%(name)s runs work without a worker.", name=queue.backend)
        )
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if flush_locks is None:
        flush_locks = queue.backend == "sqlite"
    consumer = queue.huey.create_consumer(
        workers=workers,
        worker_type=worker_type,
        periodic=periodic,
        initial_delay=0.05,
        max_delay=1.0,  # an idle SQLite queue is polled at least every second
        flush_locks=flush_locks,
    )
    click.echo(
        _(
            "Background worker on the %(queue)s queue, %(n)s tasks at a time.",
            queue=queue.backend,
            n=workers,
        )
    )
    consumer.run()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the worker gets SIGTERM when the server process dies, however it dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@click.command("run-all")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("-w", "--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def run_all_command(host: str, port: int, workers: int) -> None:
    """Serve the app with the development server and a worker beside it."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = job_queue()
    worker = None
    if not queue.immediate:
        env = {**os.environ, "BRANDHUB_INSTANCE_PATH": app.instance_path}
        worker = subprocess.Popen(
            [sys.executable, "-c", _WORKER, "worker", "--workers", str(workers)],
            env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def stop(_signum: int, _frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)  # finish the task at hand, then stop
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


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
    from .cli_import import _check_agency, _check_category
    from .jobs.imports import new_import_job

    db = get_session()
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.lower()) if email else query.where(User.role == "admin")
    user = db.scalar(query.order_by(User.id))
    if user is None:
        raise click.ClickException(_("There is no user to import as."))
    # Checked now, not by the worker once per file.
    _check_category(fields.get("category"))
    _check_agency(user, fields.get("agency"))
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
