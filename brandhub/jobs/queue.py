"""The app's huey instance and the handle the rest of BrandHub uses to queue work.

``init_app`` reads ``JOBS_BACKEND`` and builds one ``JobQueue`` per app:

==============  ==========================================================
``sqlite``      ``SqliteHuey`` in ``instance/jobs.sqlite3`` (the default):
                the web processes queue, ``brandhub worker`` consumes
``redis``       ``RedisHuey`` at ``REDIS_URL`` (the default when it is set):
                ``brandhub worker`` on any number of machines
``immediate``   every task runs at once in the process that queues it
                (tests, and an install that runs no worker)
``memory``      tasks wait in memory until a test runs them by hand
==============  ==========================================================

With a real queue the web processes never write the search index: the
``SEARCH_DRAIN_INLINE`` drain is turned off and the drain task does it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

EXT = "brandhub.jobs"
#: Seconds a pending-drain marker is trusted; an older one belongs to a lost message.
DRAIN_MARK_TTL = 60.0


def make_huey(config: dict[str, Any], instance_path: Path) -> Huey:
    backend = config["JOBS_BACKEND"]
    name = str(config.get("JOBS_QUEUE_NAME") or "brandhub")
    options: dict[str, Any] = {"results": False, "utc": True}
    if backend == "redis":
        return RedisHuey(name, url=config["REDIS_URL"], **options)
    if backend == "sqlite":
        instance_path.mkdir(parents=True, exist_ok=True)
        path = config.get("JOBS_SQLITE_PATH") or instance_path / "jobs.sqlite3"
        return SqliteHuey(name, filename=str(path), timeout=30, **options)
    return MemoryHuey(name, immediate=backend == "immediate", **options)


def resolve_backend(config: dict[str, Any]) -> str:
    return str(config.get("JOBS_BACKEND") or ("redis" if config.get("REDIS_URL") else "sqlite"))


class JobQueue:
    """The app's huey instance, its tasks, and how work gets onto it."""

    def __init__(self, app: Flask, huey: Huey) -> None:
        from . import drain, imports, media, reindex, runner, sweep  # noqa: F401  (runners)

        self.app = app
        self.huey = huey
        config = app.config
        # Without a consumer nothing would ever run a retry: a failure is final.
        self.retries = 0 if huey.immediate else int(config["JOBS_RETRIES"])
        self.retry_delay = int(config["JOBS_RETRY_DELAY"])
        self.drain_batch = int(config.get("SEARCH_DRAIN_BATCH") or 500)
        self.run_job = runner.register(self)
        self.drain = drain.register(self)
        self.sweep = sweep.register(self)
        huey.signal(SIGNAL_INTERRUPTED)(self._interrupted)

    def _interrupted(self, _signal: str, task: Any) -> None:
        """A worker stopped mid-task (SIGTERM, a deploy): run it again from the start."""
        job_id = task.args[0] if task.name == self.run_job.name and task.args else None
        if job_id is not None:
            from .runner import requeue

            requeue(self.app, job_id)
        self.huey.enqueue(task)

    @property
    def backend(self) -> str:
        return str(self.app.config["JOBS_BACKEND"])

    @property
    def drain_mark(self) -> str:
        """The key that says a drain is queued and not started yet."""
        return f"{self.huey.name}.drain-queued"

    @property
    def drains_after_commit(self) -> bool:
        """A real queue always drains; immediate mode only with ``SEARCH_DRAIN_INLINE``."""
        return not self.immediate or bool(self.app.config.get("SEARCH_DRAIN_INLINE", True))

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def dispatch(self, job_id: int, delay: float | None = None) -> None:
        """Queue the tracked job ``job_id`` (its row must be committed)."""
        if delay:
            self.run_job.schedule((job_id,), delay=delay)
        else:
            self.run_job(job_id)

    def schedule_drain(self, delay: float | None = None) -> None:
        """Queue one drain of the search outbox, unless one is queued already."""
        if self.immediate:
            self.drain()
            return
        mark = self.drain_mark
        if not self.huey.put_if_empty(mark, time.time()):
            queued_at = self.huey.get(mark, peek=True)
            if isinstance(queued_at, float) and time.time() - queued_at < DRAIN_MARK_TTL:
                return  # that drain starts later and reads every change committed by now
            self.huey.put(mark, time.time())
        if delay:
            self.drain.schedule(delay=delay)
        else:
            self.drain()

    def after_commit(self, session: Session, job_ids: list[int], index_changed: bool) -> None:
        """Queue what a committed transaction asked for (called by ``dispatch``)."""
        for job_id in job_ids:
            try:
                self.dispatch(job_id)
            except Exception:  # the queue is down: the sweep queues the job again later
                log.exception("could not queue job %s; it stays queued in the database", job_id)
        if index_changed and self.drains_after_commit:
            try:
                self.schedule_drain()
            except Exception:
                log.exception("could not queue a search index drain; the sweep will")
        if self.immediate and job_ids:
            # The jobs ran already and changed rows this session may hold: read them again.
            from ..models import Asset

            for obj in list(session.identity_map.values()):
                if isinstance(obj, Asset):
                    session.expire(obj)


def init_app(app: Flask) -> None:
    from . import dispatch, views

    app.config["JOBS_BACKEND"] = resolve_backend(app.config)
    queue = JobQueue(app, make_huey(app.config, Path(app.instance_path)))
    app.extensions[EXT] = queue
    if not queue.immediate:
        app.config["SEARCH_DRAIN_INLINE"] = False  # the drain task is the one index writer
    dispatch.install()
    views.init_app(app)


def job_queue(app: Flask | None = None) -> JobQueue:
    return (app or current_app).extensions[EXT]


def current_queue() -> JobQueue | None:
    """The queue of the app in context, or None outside any app context."""
    if not has_app_context():
        return None
    return current_app.extensions.get(EXT)  # type: ignore[no-any-return]
