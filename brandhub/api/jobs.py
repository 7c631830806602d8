"""``GET /api/v1/jobs/<id>``: the state of slow work (a large upload's previews, an import).

Who may see a job is decided in ``operations.jobs``.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..db import get_session
from ..models import Job
from ..operations.jobs import error_message, visible_job
from .blueprint import bp
from .errors import ApiError
from .serialize import iso

RESULTS = ("imported", "duplicates", "rejected", "skipped")


def _result(data: dict[str, Any]) -> dict[str, Any] | None:
    """An import's counts and rejected files, once it reported them."""
    if not any(name in data for name in RESULTS):
        return None
    result: dict[str, Any] = {name: data.get(name, 0) for name in RESULTS}
    result["rejected_files"] = [
        {
            "file": item.get("file"),
            "reason": _(item.get("reason") or ""),
            "rules": item.get("rules") or [],
            "retryable": bool(item.get("retryable", False)),
        }
        for item in data.get("rejected_files", [])
    ]
    return result


def job_json(job: Job) -> dict[str, Any]:
    data = job.data or {}
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error": error_message(job),
        "progress": data.get("progress"),
        "result": _result(data),
        "asset_id": job.asset_id,
        "subject_id": job.subject_id,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "retry_at": iso(job.retry_at),
        "links": {
            "self": url_for("api.get_job", job_id=job.id),
            **({"asset": url_for("api.get_asset", asset_id=job.asset_id)} if job.asset_id else {}),
        },
    }


@bp.get("/jobs/<int:job_id>")
def get_job(job_id: int) -> ResponseReturnValue:
    job = visible_job(get_session(), g.api_user, job_id)
    if job is None:
        raise ApiError(404, "not_found", _("Not found."))
    return jsonify(job_json(job))
