"""Running tracked jobs: claim the row, run the kind's function, record how it went.

Each kind of job registers one function with :func:`runner`; the single huey
task ``brandhub.job`` runs whichever kind a row says. The row is the truth:

- a task claims the row (``queued`` → ``running``, one more attempt) in one
  conditional UPDATE, so a job queued twice (the sweep re-queues jobs whose
  message seems lost) still runs once at a time;
- success sets ``done``; a failure of the file itself (a damaged video: a
  domain error other than a storage failure) sets ``failed`` at once with its
  reason; any other failure goes back to ``queued`` with the reason and the
  time of the next attempt, and huey retries it after ``JOBS_RETRY_DELAY``
  seconds, doubled at each attempt, ``JOBS_RETRIES`` times, then ``failed``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask
from huey.exceptions import CancelExecution
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from assets.errors import BrandHubError

from .. import job_queue, logs, metrics
from ..db import database, get_session
from ..models import Job, utcnow

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """What a job function gets: the app (in context), a session of its own, its row."""

    app: Flask
    db: Session
    job: Job

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress (and that the worker is alive); commits."""
        self.job.data = {**(self.job.data or {}), "progress": {"done": done, "total": total}}
        self.job.updated_at = utcnow()
        self.db.commit()


JobFunction = Callable[[JobContext], None]
RUNNERS: job_queue.Registry[JobFunction] = job_queue.Registry()
#: ``@runner("media")``: the function that does the work of jobs of that kind.
runner = RUNNERS.add


def is_permanent(exc: BaseException) -> bool:
    """Whether trying again cannot help: the file or the request itself is at fault."""
    return isinstance(exc, BrandHubError) and not exc.transient


def error_text(exc: BaseException) -> tuple[str, str]:
    """(code, message) to keep for a failure; domain messages are msgids."""
    if isinstance(exc, BrandHubError):
        return exc.code, exc.message
    return "internal", f"{type(exc).__name__}: {exc}"[:1000]


def claim(db: Session, job_id: int, max_attempts: int) -> Job | None:
    """Take a queued job for this worker; None when it is not queued (any more)."""
    now = utcnow()
    result = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "queued")
        .values(
            state="running",
            attempts=Job.attempts + 1,
            max_attempts=max_attempts,
            started_at=now,
            retry_at=None,
            updated_at=now,
        )
    )
    taken = cast("CursorResult[Any]", result).rowcount  # an UPDATE's result counts its rows
    db.commit()
    return db.get(Job, job_id, populate_existing=True) if taken else None


def requeue(app: Flask, job_id: int) -> None:
    """Put a job its worker dropped (interrupted, not failed) back to ``queued``."""
    db = database(app).sessionmaker()
    try:
        db.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "running")
            .values(state="queued", attempts=Job.attempts - 1, updated_at=utcnow())
        )
        db.commit()
    finally:
        db.close()


def _record_failure(
    db: Session, job_id: int, exc: BaseException, final: bool, retry_in: float | None
) -> None:
    code, message = error_text(exc)
    now = utcnow()
    job = db.get(Job, job_id, populate_existing=True)
    if job is None:
        return
    job.error = message
    job.data = {**(job.data or {}), "error_code": code}
    job.updated_at = now
    if final:
        job.state, job.finished_at, job.retry_at = "failed", now, None
    else:
        job.state = "queued"
        job.retry_at = now + datetime.timedelta(seconds=retry_in or 0)
    db.commit()


def run_again(queue: job_queue.JobQueue, task: Any) -> None:
    """A worker stopped mid-task (SIGTERM, a deploy): run it again from the start.

    A tracked job is put back to ``queued`` first.
    """
    if task.name == queue.run_job.name and task.args:
        requeue(queue.app, task.args[0])
    queue.huey.enqueue(task)


@job_queue.task(job_queue.JOB)
def register(queue: job_queue.JobQueue) -> Any:
    """Register the ``brandhub.job`` task on the queue's huey, and :func:`run_again`."""
    app = queue.app

    @queue.huey.task(
        name="brandhub.job",
        retries=queue.retries,
        retry_delay=queue.retry_delay,
        retry_backoff=2,
        context=True,
    )
    def run_job(job_id: int, task: Any = None) -> None:
        with app.app_context(), logs.request_id_context(None):
            db = get_session()
            job = claim(db, job_id, queue.retries + 1)
            if job is None:
                return  # done, failed, running elsewhere, or its asset was deleted
            logs.bind_job(job)
            function = RUNNERS.get(job.kind)
            try:
                if function is None:
                    raise BrandHubError("This kind of work is not known.", kind=job.kind)
                function(JobContext(app, db, job))
            except Exception as exc:
                db.rollback()
                retries_left = getattr(task, "retries", 0) or 0
                final = is_permanent(exc) or retries_left <= 0
                metrics.job_failed(job.kind, final, exc)
                delay = getattr(task, "retry_delay", None)
                _record_failure(db, job_id, exc, final, delay)
                if is_permanent(exc):
                    log.warning("job %s (%s) failed: %s", job_id, job.kind, exc)
                    raise CancelExecution(retry=False) from exc
                raise  # huey logs it and, while retries are left, tries again later
            # By id: the function may have expunged or expired its objects.
            now = utcnow()
            db.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(state="done", finished_at=now, error=None, updated_at=now)
            )
            db.commit()

    @queue.huey.signal(SIGNAL_INTERRUPTED)
    def interrupted(_signal: str, stopped: Any) -> None:
        run_again(queue, stopped)

    return run_job
