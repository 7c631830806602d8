"""Prometheus metrics: the series, the one-line hooks that feed them, and ``/metrics``' text.

The series are counted where their events happen, by small calls the
operations and services make (``metrics.uploaded(kind, size)`` after an asset
is committed, ``metrics.refused(exc)`` when a domain error turns into a 4xx …);
each hook never raises, so a metrics failure cannot fail the work it counts.

Under gunicorn every worker process counts on its own. Set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder (the systemd units in
``deploy/`` do) before the processes start: prometheus_client then keeps each
process's values in files there and ``/metrics`` adds them up, whichever worker
answers. The background worker on the same host may share the folder, and its
job counters show up too. A process that ends leaves its files behind (its
counts must stay in the totals), and gunicorn replaces a worker every couple of
thousand requests, so :func:`fold_ended_processes` adds the files of ended
processes into one file per type (``counter_ended.db``, ``histogram_ended.db``)
and removes them: the folder holds one file per type and living process, and a
scrape reads only those, however long the host has run. Gunicorn's master does
it when a worker exits and at start (deploy/gunicorn.conf.py), the background
worker at its start.

Gauges that describe the whole instance (jobs by state, the queue's depth, the
search outbox) are read from the database and the queue when ``/metrics`` is
scraped, so they agree across processes and hosts.

Who may read ``/metrics``: a request with ``Authorization: Bearer
<METRICS_TOKEN>``, or one from an address in ``METRICS_ALLOW`` (loopback by
default; addresses or networks). Anyone else gets 404, so the endpoint does
not even show it exists.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from assets.errors import StorageError

log = logging.getLogger(__name__)

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

REQUESTS = Counter(
    "brandhub_http_requests",
    "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "brandhub_http_request_duration_seconds",
    "Time to answer an HTTP request (until the response is made), by endpoint.",
    ["endpoint", "method"],
    buckets=_BUCKETS,
)
UPLOADS = Counter("brandhub_uploads", "Assets stored from uploads and imports, by kind.", ["kind"])
INGESTED = Counter("brandhub_ingested_bytes", "Bytes of the files stored by uploads and imports.")
REFUSALS = Counter(
    "brandhub_refusals", "Requests refused (4xx from a domain rule), by reason.", ["reason"]
)
VERDICTS = Counter(
    "brandhub_brand_verdicts",
    "Brand compliance verdicts (pass, warn, fail), by where the check ran.",
    ["verdict", "source"],
)
DOWNLOADS = Counter(
    "brandhub_downloads",
    "Files sent to people, by preset ('original' for the file as uploaded).",
    ["preset", "channel"],
)
JOB_FAILURES = Counter(
    "brandhub_job_failures",
    "Background job attempts that failed for good, by kind of job.",
    ["kind"],
)
JOB_RETRIES = Counter(
    "brandhub_job_retries",
    "Background job attempts that failed and will be tried again, by kind of job.",
    ["kind"],
)
STORAGE_ERRORS = Counter(
    "brandhub_storage_errors",
    "Failures of the file store, by kind (unreachable, timeout, denied …).",
    ["kind"],
)
SEARCH_LATENCY = Histogram(
    "brandhub_search_duration_seconds", "Time a search takes in the index.", buckets=_BUCKETS
)


# ---------------------------------------------------------------- hooks


def uploaded(kind: str, size: int) -> None:
    """An asset was committed with a new file of ``size`` bytes."""
    try:
        UPLOADS.labels(kind or "other").inc()
        INGESTED.inc(max(0, int(size)))
    except Exception:  # pragma: no cover - metrics never break the work
        log.exception("metrics: uploaded")


def refused(exc: Any, status: int) -> None:
    """A domain error became a 4xx (or a storage error a 503: counted by kind)."""
    try:
        from .health import storage_error_kind

        if isinstance(exc, StorageError):
            STORAGE_ERRORS.labels(storage_error_kind(exc)).inc()
        elif 400 <= status < 500:
            REFUSALS.labels(str(getattr(exc, "code", "") or "error")[:40]).inc()
            g.metrics_refused = True
    except Exception:  # pragma: no cover
        log.exception("metrics: refused")


#: Refusals made before any domain rule ran (the attempt limits, the size gate, sign-in).
_HTTP_REFUSALS = {
    401: "unauthorized",
    403: "forbidden",
    413: "file_too_large",
    429: "rate_limited",
}


def verdict(status: str, source: str) -> None:
    """A brand check ended with ``status`` (pass, warn, fail)."""
    VERDICTS.labels(status or "none", source).inc()


def downloaded(preset: str | None, channel: str, count: int = 1) -> None:
    """``count`` files left through ``channel`` (app, api, share, presskit)."""
    DOWNLOADS.labels((preset or "original")[:40], channel).inc(count)


def job_failed(kind: str, final: bool, exc: BaseException | None = None) -> None:
    """A job attempt failed: for good (``final``) or to be tried again."""
    try:
        (JOB_FAILURES if final else JOB_RETRIES).labels(kind or "other").inc()
        if isinstance(exc, StorageError):
            from .health import storage_error_kind

            STORAGE_ERRORS.labels(storage_error_kind(exc)).inc()
    except Exception:  # pragma: no cover
        log.exception("metrics: job_failed")


def storage_error(kind: str) -> None:
    STORAGE_ERRORS.labels(kind).inc()


class search_timer:
    """``with metrics.search_timer(): …`` observes how long the search took."""

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *_exc: object) -> None:
        SEARCH_LATENCY.observe(time.perf_counter() - self.start)


# ---------------------------------------------------------------- requests


def _start() -> None:
    g.metrics_start = time.perf_counter()


def _finish(response: Response) -> Response:
    start = g.pop("metrics_start", None)
    if start is None:
        return response
    endpoint = request.endpoint or "unmatched"
    if endpoint == "static":
        return response
    try:
        LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - start)
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        reason = _HTTP_REFUSALS.get(response.status_code)
        if reason and not g.pop("metrics_refused", False):
            REFUSALS.labels(reason).inc()
    except Exception:  # pragma: no cover
        log.exception("metrics: request")
    return response


# ---------------------------------------------------------------- scraping


class InstanceCollector(Collector):
    """Gauges read at scrape time: jobs by state, the queue's depth, the search outbox."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from .db import database
        from .health import outbox_lag
        from .job_queue.queue import EXT
        from .models import IndexChange, Job

        app = self.app
        jobs = GaugeMetricFamily(
            "brandhub_jobs", "Tracked background jobs by state and kind.", labels=["state", "kind"]
        )
        with database(app).sessionmaker() as db:
            by_state = select(Job.state, Job.kind, func.count()).group_by(Job.state, Job.kind)
            rows = db.execute(by_state)
            for state, kind, count in rows:
                jobs.add_metric([state, kind], count)
            outbox = db.scalar(select(func.count()).select_from(IndexChange)) or 0
        yield jobs
        depth = GaugeMetricFamily(
            "brandhub_job_queue_depth", "Tasks waiting in the job queue (huey) right now."
        )
        queue = app.extensions[EXT]
        try:
            depth.add_metric([], 0 if queue.immediate else int(queue.huey.pending_count()))
            yield depth
        except Exception:
            log.warning("metrics: the job queue cannot be read")
        yield GaugeMetricFamily(
            "brandhub_outbox_pending", "Search index changes not applied yet.", value=outbox
        )
        yield GaugeMetricFamily(
            "brandhub_outbox_lag_seconds",
            "Age of the oldest search index change that is due and not applied.",
            value=outbox_lag(app),
        )


#: The kinds of file the series here leave in the multiprocess folder (no live gauges:
#: the gauges are read from the database when scraped).
_FOLDED_TYPES = ("counter", "histogram")
_ENDED = "ended"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def fold_ended_processes(folder: str | None = None) -> int:
    """Add the counts of processes that ended into ``<type>_ended.db``; how many files went.

    Counters and histogram buckets are sums across processes, so one file holding
    the sums of the ended ones says the same as all of theirs. The new sums are
    written to a temporary name and renamed over the old ones (a scrape sees the
    old file or the new, whole), then the ended processes' files are removed;
    ``exposition`` reads again if one vanished while it read. A lock file keeps
    two folding processes (web and worker masters) from mixing their writes.
    """
    folder = folder or os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder or not os.path.isdir(folder):
        return 0
    import fcntl

    from prometheus_client.mmap_dict import MmapedDict

    removed = 0
    with open(os.path.join(folder, ".fold.lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for kind in _FOLDED_TYPES:
            ended: list[str] = []
            for name in sorted(os.listdir(folder)):
                stem, dot, ext = name.rpartition(".")
                prefix, _, pid = stem.partition("_")
                if (
                    ext == "db"
                    and dot
                    and prefix == kind
                    and pid.isdigit()
                    and not _process_alive(int(pid))
                ):
                    ended.append(os.path.join(folder, name))
            if not ended:
                continue
            target = os.path.join(folder, f"{kind}_{_ENDED}.db")
            sums: dict[str, float] = {}
            for path in ([target] if os.path.exists(target) else []) + ended:
                for key, value, _timestamp, _pos in MmapedDict.read_all_values_from_file(path):
                    sums[key] = sums.get(key, 0.0) + value
            temporary = target + ".new"
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            written = MmapedDict(temporary)
            try:
                for key, value in sums.items():
                    written.write_value(key, value, 0.0)
            finally:
                written.close()
            os.replace(temporary, target)
            for path in ended:
                os.unlink(path)
                removed += 1
    return removed


def _multiprocess_text(folder: str) -> bytes:
    from prometheus_client import multiprocess

    for attempt in range(3):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)
        try:
            return generate_latest(registry)
        except FileNotFoundError:
            # An ended process's file was folded away between the listing and the read.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def exposition(app: Flask) -> bytes:
    """The text ``/metrics`` answers: this process's (or every process's) series and the gauges."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        counted = _multiprocess_text(folder)
    else:
        counted = generate_latest(REGISTRY)
    gauges = CollectorRegistry()
    gauges.register(InstanceCollector(app))
    return counted + generate_latest(gauges)


def _client_address() -> str:
    """The caller's address: the one the trusted proxies forward, else the peer's."""
    hops = int(current_app.config.get("TRUSTED_PROXIES") or 0)
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or ""


def allowed() -> bool:
    """Whether this request may read ``/metrics`` (token, or an address allowed)."""
    config = current_app.config
    token = str(config.get("METRICS_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(_client_address())
    except ValueError:
        return False
    for entry in config.get("METRICS_ALLOW") or ():
        try:
            if address in ipaddress.ip_network(str(entry).strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def _zeros() -> None:
    """Series that exist before their first event, so a dashboard shows 0, not nothing."""
    from .health import STORAGE_KINDS
    from .models.jobs import JOB_KINDS

    for kind in JOB_KINDS:
        JOB_FAILURES.labels(kind)
        JOB_RETRIES.labels(kind)
    for name in {*STORAGE_KINDS.values(), "failed"}:
        STORAGE_ERRORS.labels(name)
    for source in ("upload", "check_desk"):
        for status in ("pass", "warn", "fail"):
            VERDICTS.labels(status, source)


def init_app(app: Flask) -> None:
    _zeros()
    app.config.setdefault("METRICS_TOKEN", "")
    app.config.setdefault("METRICS_ALLOW", ["127.0.0.1", "::1"])
    app.before_request(_start)
    app.after_request(_finish)
