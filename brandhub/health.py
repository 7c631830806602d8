"""Is this instance able to serve? The checks behind ``/readyz`` and ``brandhub doctor``.

Each part is checked by one function that returns a :class:`Check`: ``ok``, and
when not, a short machine-readable ``reason`` ("unreachable", "timeout",
"missing" …) that reveals no address, path or credential. :func:`readiness`
runs the parts a load balancer cares about, each in a thread with a deadline
(``READY_CHECK_TIMEOUT`` seconds), so a database or store that hangs answers
"timeout" in bounded time instead of holding the probe; a check still hanging
from an earlier probe is not started again (the probe says "timeout" at once).

The store is checked in two steps. Every probe *reaches* it (one HEAD request
on S3, a look at the folder when local), so a stopped store turns the probe red
on the next call. A *write* (a small object put, read back and removed under a
key of this process's own) proves it also accepts bytes; a successful write is
trusted for ``READY_WRITE_PROBE_SECONDS``, so a probe every two seconds does
not write every two seconds. A failure is never cached. The probe talks to the
store through a client of its own with short timeouts and no retries.

A whole answer is reused for ``READY_CACHE_SECONDS`` (one second), so probes
sent by anyone, as fast as they like, run the checks at most once a second per
process; no attempt limit is needed (and one would cost a database write).

The outbox lag is the age of the oldest search index change that is due and not
applied yet; more than ``READY_OUTBOX_LAG_SECONDS`` means the index writer
(the worker, or the inline drain) has stopped. That is a warning, not a reason
to stop serving: every web host reads the same outbox, so a red probe would take
them all out of the load balancer at once, while each of them still serves pages,
uploads and a search that is only behind. ``/readyz`` stays 200 and names it
under ``warnings``; ``brandhub doctor`` calls it a problem, and
``brandhub_outbox_lag_seconds`` is there to alert on.
"""

from __future__ import annotations

import dataclasses
import io
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select, text

from assets.errors import StorageError
from assets.storage import LocalStorage, Storage, create_storage, s3_errors
from search_index import IndexUnavailable

from . import config as cfg
from .db import database
from .job_queue.queue import EXT as QUEUE_EXT
from .job_queue.queue import JobQueue
from .models import IndexChange, utcnow

_EXT = "brandhub.health"

#: The parts ``/readyz`` checks, in the order it reports them.
READY_PARTS = ("database", "store", "index", "queue", "outbox")
#: Parts whose failure ``/readyz`` reports without turning red: the instance as a
#: whole is behind, and no host serves better by leaving the load balancer.
WARNING_PARTS = frozenset({"outbox"})

# Storage failures by kind: the message of each StorageError the S3 backend raises.
STORAGE_KINDS = {
    s3_errors.UNREACHABLE: "unreachable",
    s3_errors.TIMEOUT: "timeout",
    s3_errors.INTERRUPTED: "interrupted",
    s3_errors.DENIED: "denied",
    s3_errors.NO_CREDENTIALS: "no_credentials",
    s3_errors.NO_BUCKET: "no_bucket",
    s3_errors.BUSY: "busy",
}


def storage_error_kind(exc: BaseException) -> str:
    """A short name for what went wrong with the store (for probes, metrics and doctor)."""
    if isinstance(exc, StorageError):
        return STORAGE_KINDS.get(exc.message, "failed")
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, OSError):
        return "io_error"
    return "failed"


@dataclass(frozen=True)
class Check:
    """How one part is: ``ok``, or the ``reason`` it is not (safe to show anyone)."""

    name: str
    ok: bool
    reason: str = ""
    #: Numbers or words for the doctor's report (never sent by ``/readyz``).
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"ok": True} if self.ok else {"ok": False, "reason": self.reason}


class Problem(Exception):
    """A check found its part unwell: ``reason`` is the short name of what is wrong."""

    def __init__(self, reason: str, **detail: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass
class _State:
    """Per app: the probe's own store client, the last good write, checks in flight."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    probe_store: Storage | None = None
    written_at: float | None = None
    running: dict[str, Future[Check]] = field(default_factory=dict)
    answer: tuple[float, bool, dict[str, Any]] | None = None


_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="brandhub-health")


def _state(app: Flask) -> _State:
    state = app.extensions.get(_EXT)
    if state is None:
        state = app.extensions.setdefault(_EXT, _State())
    return state


def init_app(app: Flask) -> None:
    app.config.setdefault("READY_CHECK_TIMEOUT", 2.0)
    app.config.setdefault("READY_WRITE_PROBE_SECONDS", 30.0)
    app.config.setdefault("READY_OUTBOX_LAG_SECONDS", 600)
    app.config.setdefault("READY_CACHE_SECONDS", 1)
    app.extensions[_EXT] = _State()


# ---------------------------------------------------------------- the parts


def check_database(app: Flask) -> Check:
    with database(app).engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Check("database", True)


def probe_storage(app: Flask) -> Storage:
    """A client of the app's store with short timeouts and a single attempt."""
    state = _state(app)
    if state.probe_store is None:
        timeout = max(0.2, float(app.config.get("READY_CHECK_TIMEOUT", 2.0)) / 2)
        settings = dataclasses.replace(
            cfg.storage_settings(app.config),
            s3_connect_timeout=timeout,
            s3_read_timeout=timeout,
            s3_max_attempts=1,
        )
        state.probe_store = create_storage(settings)
    return state.probe_store


def _probe_key() -> str:
    host = "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())
    return f"brandhub-probe/ready-{host[:60]}-{os.getpid()}"


def write_probe(store: Storage) -> None:
    """Put a small object under this process's own key, read it back, remove it."""
    key, payload = _probe_key(), b"brandhub readiness probe\n"
    store.put(key, io.BytesIO(payload), content_type="text/plain")
    try:
        if store.read_bytes(key) != payload:
            raise Problem("corrupt")
    finally:
        store.delete(key)


def check_store(app: Flask, *, force_write: bool = False) -> Check:
    store = probe_storage(app)
    state = _state(app)
    try:
        if isinstance(store, LocalStorage):
            root = Path(app.config["STORAGE_PATH"])
            if not root.is_dir():
                raise Problem("missing")
            if not os.access(root, os.W_OK | os.X_OK):
                raise Problem("not_writable")
        else:
            store.exists(_probe_key())  # one HEAD: raises when the store is away
        every = float(app.config.get("READY_WRITE_PROBE_SECONDS", 30.0))
        written = state.written_at
        if force_write or written is None or time.monotonic() - written >= every:
            state.written_at = None
            write_probe(store)
            state.written_at = time.monotonic()
    except (StorageError, OSError) as exc:
        state.written_at = None
        raise Problem(storage_error_kind(exc)) from exc
    except Problem:
        state.written_at = None
        raise
    return Check("store", True)


def index_exists(app: Flask) -> bool:
    """Whether the index folder holds an index (``CURRENT`` names its generation).

    With the PostgreSQL search backend there is no folder: the index is tables the
    migrations made, and reading them (``doc_count``) says whether they are there.
    """
    from .search import service  # the search service is built after this module

    if service(app).in_database:
        return True
    return (Path(app.config["INDEX_PATH"]) / "CURRENT").is_file()


def check_index(app: Flask) -> Check:
    from .search import service  # the search service is built after this module

    if not index_exists(app):
        raise Problem("missing")
    try:
        count = service(app).index().doc_count()
    except IndexUnavailable as exc:
        raise Problem("unreadable") from exc
    return Check("index", True, detail={"documents": count})


def check_queue(app: Flask) -> Check:
    queue: JobQueue = app.extensions[QUEUE_EXT]
    if queue.immediate or queue.backend == "memory":
        return Check("queue", True, detail={"backend": queue.backend})
    try:
        pending = int(queue.huey.pending_count())
    except Exception as exc:  # a Redis or SQLite failure, whatever its type
        raise Problem("unreachable") from exc
    return Check("queue", True, detail={"backend": queue.backend, "pending": pending})


def outbox_lag(app: Flask, now: datetime | None = None) -> float:
    """Seconds the oldest due search index change has waited (0 when none waits)."""
    now = now or utcnow()
    due = or_(IndexChange.not_before.is_(None), IndexChange.not_before <= now)
    since = func.coalesce(IndexChange.not_before, IndexChange.created_at)
    with database(app).sessionmaker() as db:
        oldest = db.scalar(select(func.min(since)).where(due))
    if oldest is None:
        return 0.0
    if isinstance(oldest, str):  # SQLite hands coalesce() back as text
        oldest = datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())


def check_outbox(app: Flask) -> Check:
    lag = outbox_lag(app)
    limit = float(app.config.get("READY_OUTBOX_LAG_SECONDS", 600))
    if lag > limit:
        raise Problem("lagging", lag_seconds=round(lag), limit_seconds=round(limit))
    return Check("outbox", True, detail={"lag_seconds": round(lag, 1)})


CHECKS: dict[str, Callable[[Flask], Check]] = {
    "database": check_database,
    "store": check_store,
    "index": check_index,
    "queue": check_queue,
    "outbox": check_outbox,
}


# ---------------------------------------------------------------- running them


def run_check(app: Flask, name: str, function: Callable[[Flask], Check] | None = None) -> Check:
    """Run one check in this thread; any failure becomes a ``Check`` that is not ok."""
    function = function or CHECKS[name]
    try:
        with app.app_context():
            return function(app)
    except Problem as exc:
        return Check(name, False, exc.reason, detail=exc.detail)
    except StorageError as exc:
        return Check(name, False, storage_error_kind(exc))
    except Exception as exc:
        reason = "timeout" if isinstance(exc, TimeoutError) else "failed"
        return Check(name, False, reason, detail={"error": type(exc).__name__})


def run_bounded(app: Flask, names: tuple[str, ...] = READY_PARTS) -> list[Check]:
    """Run the named checks at once, each given ``READY_CHECK_TIMEOUT`` seconds."""
    state = _state(app)
    timeout = float(app.config.get("READY_CHECK_TIMEOUT", 2.0))
    futures: dict[str, Future[Check]] = {}
    with state.lock:
        for name in names:
            running = state.running.get(name)
            if running is not None and not running.done():
                futures[name] = running  # still hanging since an earlier probe
                continue
            future = _POOL.submit(run_check, app, name)
            state.running[name] = future
            futures[name] = future
    deadline = time.monotonic() + timeout
    results: list[Check] = []
    for name in names:
        try:
            results.append(futures[name].result(max(0.0, deadline - time.monotonic())))
        except FutureTimeout:
            results.append(Check(name, False, "timeout"))
    return results


def readiness(app: Flask) -> tuple[bool, dict[str, Any]]:
    """``/readyz``'s answer: whether every part is ready, and the JSON body.

    An answer is given again for ``READY_CACHE_SECONDS`` (1): a flood of anonymous
    probes costs one round of checks a second per process, and a load balancer that
    probes every two seconds or more still gets a fresh answer each time.
    """
    state = _state(app)
    keep = float(app.config.get("READY_CACHE_SECONDS", 1))
    answer = state.answer
    if answer is not None and time.monotonic() - answer[0] < keep:
        return answer[1], answer[2]
    checks = run_bounded(app)
    ready = all(check.ok for check in checks if check.name not in WARNING_PARTS)
    body: dict[str, Any] = {
        "status": "ready" if ready else "not_ready",
        "checks": {check.name: check.as_json() for check in checks},
    }
    if not ready:
        body["failed"] = [
            check.name for check in checks if not check.ok and check.name not in WARNING_PARTS
        ]
    warnings = [check.name for check in checks if not check.ok and check.name in WARNING_PARTS]
    if warnings:
        body["warnings"] = warnings
    state.answer = (time.monotonic(), ready, body)
    return ready, body
