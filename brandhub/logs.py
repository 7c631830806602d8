"""Log lines a central log store can read: JSON by setting, each with its request id.

Every request gets an id: the ``X-Request-ID`` it came with (when it looks like
one: letters, digits and ``.-_:``, up to 128 characters, as a proxy or load
balancer makes), or a new one. The response carries it back in
``X-Request-ID``, every log line written while the request runs carries it
(``request_id``, through a log record factory, so any handler sees it), and
the background jobs the request queues keep it in their row
(``job.data["request_id"]``): the worker's log lines for that job carry it too.

``LOG_FORMAT=json`` writes one JSON object per line to standard error
(``time``, ``level``, ``logger``, ``message``, ``request_id`` and, on failures,
``exception``), and one ``brandhub.access`` line per request (method, path,
status, milliseconds: never the query string, which may hold a share password
or a token). ``LOG_FORMAT=text`` (the default) leaves logging as Python's
defaults and gunicorn set it up. Who downloaded what stays in the database
(``download_events``), as before.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import event

from .models import Job

_REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "brandhub_request_id", default=None
)
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
HEADER = "X-Request-ID"
_HANDLER_MARK = "_brandhub_json"
access_log = logging.getLogger("brandhub.access")
job_log = logging.getLogger("brandhub.jobs")


def current_request_id() -> str | None:
    """The id of the request (or job) this code runs for, if any."""
    return _REQUEST_ID.get()


@contextmanager
def request_id_context(value: str | None) -> Iterator[None]:
    """Run a block (a job) with ``value`` as its request id."""
    token = _REQUEST_ID.set(value)
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex


def given_or_new(value: str | None) -> str:
    """The client's id when it is a sensible one, else a new one."""
    return value if value and _VALID.match(value) else new_request_id()


def bind_job(job: Job) -> None:
    """In the worker: this job's lines carry the id of the request that queued it."""
    _REQUEST_ID.set((job.data or {}).get("request_id") or f"job-{job.id}")
    job_log.info(
        "job %s (%s), attempt %s",
        job.id,
        job.kind,
        job.attempts,
        extra={"job_id": job.id, "job_kind": job.kind},
    )


def _stamp_job(_mapper: Any, _connection: Any, job: Job) -> None:
    """A job row written while a request (or another job) runs keeps its request id."""
    value = _REQUEST_ID.get()
    if value and not (job.data or {}).get("request_id"):
        job.data = {**(job.data or {}), "request_id": value}


# ---------------------------------------------------------------- records


_base_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.request_id = _REQUEST_ID.get()
    return record


def _install_factory() -> None:
    if logging.getLogRecordFactory() is not _record_factory:
        global _base_factory
        _base_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_record_factory)


_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``extra={...}`` fields are kept."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                body[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return json.dumps(body, ensure_ascii=False)


def configure(log_format: str, level: str = "INFO", stream: Any = None) -> None:
    """Set the root logger's output: JSON lines with ``json``; ``text`` changes nothing."""
    _install_factory()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    if log_format != "json":
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(getattr(logging, str(level).upper(), logging.INFO))
    # Gunicorn's and huey's own loggers then write through the same handler.
    for name in ("gunicorn.error", "huey", "huey.consumer"):
        named = logging.getLogger(name)
        named.handlers = [h for h in named.handlers if not isinstance(h, logging.StreamHandler)]
        named.propagate = True


# ---------------------------------------------------------------- requests


def _start() -> None:
    value = given_or_new(request.headers.get(HEADER))
    g.request_id = value
    g.request_token = _REQUEST_ID.set(value)
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    value = g.get("request_id")
    if value:
        response.headers[HEADER] = value
        if g.get("log_access"):
            started = g.get("request_started") or time.perf_counter()
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
    return response


def _teardown(_exc: BaseException | None) -> None:
    token = g.pop("request_token", None)
    if token is not None:
        try:
            _REQUEST_ID.reset(token)
        except ValueError:  # set in another context (a copied one): leave it
            _REQUEST_ID.set(None)


def init_app(app: Flask) -> None:
    log_format = str(app.config.get("LOG_FORMAT") or "text")
    configure(log_format, str(app.config.get("LOG_LEVEL") or "INFO"))
    access = log_format == "json"

    def start() -> None:
        _start()
        g.log_access = access

    if not event.contains(Job, "before_insert", _stamp_job):
        event.listen(Job, "before_insert", _stamp_job)
    app.before_request(start)
    app.after_request(_finish)
    app.teardown_request(_teardown)
