"""Rebuilding the search index as a job (``brandhub jobs reindex``).

The rebuild is the very one of ``brandhub reindex`` (:func:`indexing.rebuild`:
built aside, swapped in), run while holding the index writer's huey lock so
that no drain task writes at the same moment; a drain that comes meanwhile is
simply scheduled again until the lock is free.
"""

from __future__ import annotations

import logging

from .. import indexing
from ..job_queue import job_queue
from ..search import service
from . import drain
from .runner import JobContext, runner

log = logging.getLogger(__name__)

#: How long a reindex waits for a running drain before trying again later.
LOCK_WAIT_SECONDS = 60.0


class IndexWriterBusy(RuntimeError):
    """Another task kept the search index writer lock; the job is retried."""


@runner("reindex")
def reindex(ctx: JobContext) -> None:
    queue = job_queue(ctx.app)
    lock = drain.acquire(queue, LOCK_WAIT_SECONDS)
    if lock is None:
        raise IndexWriterBusy("the search index writer lock stayed taken")
    try:
        svc = service(ctx.app)
        written = indexing.rebuild(ctx.db, svc.path, svc.lock_timeout, index=svc.rebuild_target())
        svc.forget()
        log.info("search index rebuilt: %s assets indexed", written)
    finally:
        drain.release(queue, lock)
