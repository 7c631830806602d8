"""The job queue: how the web, the API, the command line and operations queue background work.

A service, not an entry point: it holds the app's huey instance and queues
work on it, and never runs the work itself (the worker side, the task bodies,
is :mod:`brandhub.jobs`, which registers its tasks here by kind).

- ``queue.py`` builds the app's huey instance from the configuration
  (``JOBS_BACKEND``: ``sqlite``, a queue file in the instance folder, the
  default; ``redis`` when ``REDIS_URL`` is set, for workers on several
  machines; ``immediate``, every task run at once in the process that queues
  it, for tests and installs without a worker) with every registered task.
  Tasks are closures over the app, so they run in an app context wherever the
  consumer runs (``brandhub worker`` builds the app lazily, like any command).
- ``dispatch.py`` listens on every database session: a ``Job`` row added in a
  transaction is queued only after that transaction commits, and a commit that
  touched what the search index shows queues one drain. Nothing is queued for a
  rolled-back change, and nothing needs the request's code to remember it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import dispatch
from .queue import (
    DRAIN,
    EXT,
    JOB,
    SWEEP,
    JobQueue,
    Registry,
    current_queue,
    job_queue,
    make_huey,
    resolve_backend,
    task,
)

__all__ = [
    "DRAIN",
    "JOB",
    "SWEEP",
    "JobQueue",
    "Registry",
    "current_queue",
    "init_app",
    "job_queue",
    "task",
]


def init_app(app: Flask) -> None:
    """Build the app's queue (its tasks registered already) and queue work after commits."""
    app.config["JOBS_BACKEND"] = resolve_backend(app.config)
    queue = JobQueue(app, make_huey(app.config, Path(app.instance_path)))
    app.extensions[EXT] = queue
    if not queue.immediate:
        app.config["SEARCH_DRAIN_INLINE"] = False  # the drain task is the one index writer
    dispatch.install()
