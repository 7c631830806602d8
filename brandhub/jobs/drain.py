"""The one search index writer: a task that drains the outbox in batches under a lock.

A huey lock (``lock_task``, kept in the queue's own storage, so it holds across
machines with Redis) lets one drain at a time in; the outbox's own lock file
beside the index stays underneath as a second guard. A drain that finds the
huey lock taken does not fail and does not wait long: it schedules one more
drain a moment later (one, however many commits asked meanwhile), because the
drain holding the lock may already have read the outbox before the newest
change. The holder writes a heartbeat after every batch; the minute sweep
frees a lock whose holder stopped beating (a worker killed mid-drain).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from huey.exceptions import TaskLockedException

from search_index import IndexUnavailable

from .. import indexing, search
from ..db import database
from ..job_queue import DRAIN, JobQueue, task

log = logging.getLogger(__name__)

LOCK = "search-index-writer"
#: How long a drain waits for the lock before leaving the work to a later drain.
WAIT_SECONDS = 0.5
#: A later drain, when the lock was taken, starts this many seconds later.
AGAIN_SECONDS = 1.0
#: A holder silent for this long is taken for dead.
STALE_SECONDS = 600.0


def holder_key(queue: JobQueue) -> str:
    return f"{queue.huey.name}.{LOCK}.holder"


def acquire(queue: JobQueue, wait: float) -> Any | None:
    """The taken huey lock, or None if it stayed taken for ``wait`` seconds."""
    lock = queue.huey.lock_task(LOCK)
    deadline = time.monotonic() + wait
    while True:
        try:
            lock.acquire()
        except TaskLockedException:
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
            continue
        beat(queue)
        return lock


def beat(queue: JobQueue) -> None:
    who = f"{socket.gethostname()}:{os.getpid()}"
    queue.huey.put(holder_key(queue), {"at": time.time(), "by": who})


def release(queue: JobQueue, lock: Any) -> None:
    queue.huey.delete(holder_key(queue))
    lock.release()


def drain_now(queue: JobQueue) -> int:
    """Apply every queued change, batch after batch; the caller holds the lock."""
    app = queue.app
    db = database(app).sessionmaker()
    total = 0
    try:
        index = search.service(app).index()
        while True:
            done = indexing.drain_outbox(db, index, queue.drain_batch)
            total += done
            beat(queue)
            if done < queue.drain_batch:
                break
    except IndexUnavailable as exc:
        log.warning("search index unavailable, changes stay queued: %s", exc)
    finally:
        db.close()
    return total


@task(DRAIN)
def register(queue: JobQueue) -> Any:
    """Register the ``brandhub.drain`` task on the queue's huey; returns it."""
    huey = queue.huey
    huey.lock_task(LOCK)  # known from the start, so a consumer's flush_locks frees it

    @huey.task(name="brandhub.drain")
    def drain() -> int:
        # From here on, a new commit queues a drain of its own.
        huey.delete(queue.drain_mark)
        wait = WAIT_SECONDS
        if queue.immediate:  # no later in immediate mode: wait as long as the index would
            wait = float(queue.app.config.get("SEARCH_LOCK_TIMEOUT") or 30)
        lock = acquire(queue, wait)
        if lock is None:
            if not queue.immediate:
                queue.schedule_drain(delay=AGAIN_SECONDS)
            return 0
        try:
            with queue.app.app_context():
                return drain_now(queue)
        finally:
            release(queue, lock)

    return drain


def clear_stale_lock(queue: JobQueue, now: float | None = None) -> bool:
    """Free the writer lock if its holder stopped beating; True if it did."""
    lock = queue.huey.lock_task(LOCK)
    if not lock.is_locked():
        return False
    holder = queue.huey.get(holder_key(queue), peek=True)
    at = holder.get("at", 0.0) if isinstance(holder, dict) else 0.0
    if (now or time.time()) - at < STALE_SECONDS:
        return False
    log.warning("freeing the search index writer lock held by %s since %s", holder, at)
    queue.huey.delete(holder_key(queue))
    lock.clear()
    return True
