"""Gunicorn's settings for BrandHub (``gunicorn --config deploy/gunicorn.conf.py wsgi:app``).

Every value can be changed by the environment (``GUNICORN_WORKERS=8``). Behind nginx on
the same host: bound to loopback, nginx's ``X-Forwarded-Proto`` trusted from there.
With ``PROMETHEUS_MULTIPROC_DIR`` set, a worker that exits has its counts folded into
the folder's ``*_ended.db`` files (they keep counting in the totals; see
``brandhub.metrics.fold_ended_processes``), and so have those of processes gone since the
last start, so the folder does not grow with every replaced worker.
"""

from __future__ import annotations

import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Long enough for a 2 GB upload on a slow link and for a large ZIP to start streaming.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "600"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (memory held by large decodes goes back).
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# BrandHub writes its own access line (with the request id) when BRANDHUB_LOG_FORMAT=json.
accesslog = None if os.environ.get("BRANDHUB_LOG_FORMAT") == "json" else "-"
errorlog = "-"
if os.environ.get("BRANDHUB_LOG_FORMAT") == "json":
    # The master's own lines (start, worker boots and exits) as JSON too.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "brandhub.logs.JsonFormatter"}},
        # Gunicorn's defaults name these two handlers; both write JSON to standard error.
        "handlers": {
            name: {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
            for name in ("console", "error_console")
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }


def on_starting(server: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from brandhub.metrics import fold_ended_processes

        fold_ended_processes()


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        from brandhub.metrics import fold_ended_processes

        multiprocess.mark_process_dead(worker.pid)
        fold_ended_processes()
