"""``/healthz``, ``/readyz`` and ``/metrics``: what load balancers and Prometheus ask.

``/healthz`` says the process answers (it touches nothing else); ``/readyz`` runs
the readiness checks of :mod:`brandhub.health` (database, store, index, queue,
search outbox) and answers 200 or 503 with a JSON body naming the part that
failed. Both need no session and set no cookie. ``/metrics`` is the
Prometheus text of :mod:`brandhub.metrics`, for a token or an allowed address.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST

from .. import health, metrics

bp = Blueprint("health", __name__)


def _json(body: dict[str, Any], status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return _json({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    ready, body = health.readiness(app)
    return _json(body, 200 if ready else 503)


@bp.get("/metrics")
def metrics_text() -> ResponseReturnValue:
    if not metrics.allowed():
        abort(404)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    response = Response(metrics.exposition(app), mimetype=None)
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    response.headers["Cache-Control"] = "no-store"
    return response
