"""The minute sweep: nothing queued in the database is ever silently dropped.

Runs every minute in each consumer (several consumers sweeping at once is
harmless: every step is idempotent):

- changes left in the search outbox (an index that was busy, an embargo that
  just ended, a commit made outside any app) get a drain;
- a job still ``queued`` well after it should have started (its message was
  lost: the queue was down at commit time, or a worker died holding it) is
  queued again; claiming is conditional, so a duplicate runs once;
- a job ``running`` with no sign of life for ``JOBS_STALE_MINUTES`` (its worker
  was killed) goes back to ``queued`` if attempts remain, else to ``failed``;
- a search writer lock whose holder stopped beating is freed.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from huey import crontab
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import indexing
from ..db import database
from ..job_queue import SWEEP, JobQueue, task
from ..models import Job, utcnow
from . import drain

log = logging.getLogger(__name__)

#: A queued job not started this long after it was due is queued again.
LOST_MINUTES = 10
#: A running job silent this long lost its worker.
STALE_MINUTES = 30
INTERRUPTED = "The worker stopped before the work was finished."


def sweep_jobs(db: Session, queue: JobQueue, now: datetime.datetime | None = None) -> list[int]:
    """Re-queue lost jobs and recover stale ones; returns the ids queued again."""
    now = now or utcnow()
    stale_minutes = int(queue.app.config.get("JOBS_STALE_MINUTES") or STALE_MINUTES)
    lost_before = now - datetime.timedelta(minutes=LOST_MINUTES)
    stale_before = now - datetime.timedelta(minutes=stale_minutes)
    again: list[int] = []
    for job in db.scalars(
        select(Job).where(Job.state == "running", Job.updated_at < stale_before).limit(200)
    ):
        job.updated_at = now
        job.error = INTERRUPTED
        if job.attempts >= job.max_attempts:
            job.state, job.finished_at = "failed", now
        else:
            job.state = "queued"
            again.append(job.id)
    lost = db.scalars(
        select(Job.id)
        .where(
            Job.state == "queued",
            Job.updated_at < lost_before,
            or_(Job.retry_at.is_(None), Job.retry_at < lost_before),
        )
        .limit(200)
    ).all()
    for job in db.scalars(select(Job).where(Job.id.in_(lost))):
        job.updated_at = now
    again.extend(lost)
    db.commit()
    for job_id in again:
        queue.dispatch(job_id)
    if again:
        log.warning("queued again jobs %s (lost or interrupted)", again)
    return again


@task(SWEEP)
def register(queue: JobQueue) -> Any:
    """Register the ``brandhub.sweep`` periodic task; returns it."""
    app = queue.app

    @queue.huey.periodic_task(crontab(minute="*"), name="brandhub.sweep")
    def sweep() -> None:
        drain.clear_stale_lock(queue)
        db = database(app).sessionmaker()
        try:
            with app.app_context():
                sweep_jobs(db, queue)
                if indexing.pending(db):
                    queue.schedule_drain()
        finally:
            db.close()

    return sweep
