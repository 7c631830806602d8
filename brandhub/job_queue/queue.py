"""The app's huey instance and the handle the rest of BrandHub uses to queue work.

``init_app`` (in the package) reads ``JOBS_BACKEND`` and builds one ``JobQueue`` per app:

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

The queue does not know the work itself: each huey task registers, by its
kind, a function that adds the task to a queue's huey (:func:`task`), and
every ``JobQueue`` adds them all. :mod:`brandhub.jobs` registers the three
there are: ``job`` (tracked jobs), ``drain`` (the index writer) and
``sweep`` (the minute sweep).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy.orm import Session

from ..models import Asset

log = logging.getLogger(__name__)

EXT = "brandhub.jobs"
#: Seconds a pending-drain marker is trusted; an older one belongs to a lost message.
DRAIN_MARK_TTL = 60.0

F = TypeVar("F", bound=Callable[..., Any])


class Registry(dict[str, F]):
    """Functions by kind, each added by a decorator: ``@registry.add("media")``."""

    def add(self, kind: str) -> Callable[[F], F]:
        """Register the decorated function for ``kind``."""

        def decorator(fn: F) -> F:
            self[kind] = fn
            return fn

        return decorator


#: The kinds of task every queue has; the queue calls them by these names.
JOB, DRAIN, SWEEP = "job", "drain", "sweep"
#: Adds one task to a queue's huey and returns it (huey's task wrapper).
TaskMaker = Callable[["JobQueue"], Any]
TASKS: Registry[TaskMaker] = Registry()
#: ``@task("drain")``: the function that adds the ``drain`` task to each queue.
task = TASKS.add


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
        missing = {JOB, DRAIN, SWEEP} - TASKS.keys()
        if missing:
            raise RuntimeError(f"no task registered for {sorted(missing)}: import brandhub.jobs")
        self.app = app
        self.huey = huey
        config = app.config
        # Without a consumer nothing would ever run a retry: a failure is final.
        self.retries = 0 if huey.immediate else int(config["JOBS_RETRIES"])
        self.retry_delay = int(config["JOBS_RETRY_DELAY"])
        self.drain_batch = int(config.get("SEARCH_DRAIN_BATCH") or 500)
        self.tasks = {kind: make(self) for kind, make in TASKS.items()}

    @property
    def run_job(self) -> Any:
        """The task that runs one tracked job by its id."""
        return self.tasks[JOB]

    @property
    def drain(self) -> Any:
        """The task that drains the search outbox."""
        return self.tasks[DRAIN]

    @property
    def sweep(self) -> Any:
        """The minute sweep (a periodic task)."""
        return self.tasks[SWEEP]

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
            for obj in list(session.identity_map.values()):
                if isinstance(obj, Asset):
                    session.expire(obj)


def job_queue(app: Flask | None = None) -> JobQueue:
    return (app or current_app).extensions[EXT]


def current_queue() -> JobQueue | None:
    """The queue of the app in context, or None outside any app context."""
    if not has_app_context():
        return None
    queue: JobQueue | None = current_app.extensions.get(EXT)
    return queue
