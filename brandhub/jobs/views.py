"""Where people see slow work: ``GET /api/v1/jobs/<id>`` and the asset page badge.

A job on an asset is visible to whoever may see the asset; other jobs (an
import, a reindex) to the person who started them and to administrators.
An asset's ``processing`` state (in its API JSON and on its page) is the
latest media job that has not succeeded; only assets larger than the
background threshold can have one, so smaller ones cost no query.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from ..api import authenticate
from ..api.openapi import ID, SPEC, _err, _json
from ..db import get_session
from ..errors import ApiError
from ..models import Asset, Job
from ..operations.access import get_visible_asset
from ..security import csrf

bp = Blueprint("jobs_api", __name__, url_prefix="/api/v1/jobs")
bp.before_request(authenticate)
csrf.exempt(bp)


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def error_message(job: Job) -> str | None:
    """The failure reason in the reader's language."""
    if not job.error:
        return None
    if (job.data or {}).get("error_code") == "internal":
        return _("The work stopped on an unexpected error.") + f" ({job.error})"
    return _(job.error)


RESULTS = ("imported", "duplicates", "rejected", "skipped")


def job_json(job: Job) -> dict[str, Any]:
    data = job.data or {}
    result: dict[str, Any] | None = None
    if any(name in data for name in RESULTS):
        result = {name: data.get(name, 0) for name in RESULTS}
        result["rejected_files"] = [
            {
                "file": item.get("file"),
                "reason": _(item.get("reason") or ""),
                "rules": item.get("rules") or [],
            }  # fmt: skip
            for item in data.get("rejected_files", [])
        ]
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error": error_message(job),
        "progress": data.get("progress"),
        "result": result,
        "asset_id": job.asset_id,
        "subject_id": job.subject_id,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "retry_at": iso(job.retry_at),
        "links": {
            "self": url_for("jobs_api.get_job", job_id=job.id),
            **({"asset": url_for("api.get_asset", asset_id=job.asset_id)} if job.asset_id else {}),
        },
    }


@bp.get("/<int:job_id>")
def get_job(job_id: int):  # type: ignore[no-untyped-def]
    db = get_session()
    user = g.api_user
    job = db.get(Job, job_id)
    if job is not None and job.asset_id is not None:
        get_visible_asset(db, user, job.asset_id)  # 404 when the asset is not theirs to see
    elif job is None or not (user.role == "admin" or job.created_by_id == user.id):
        raise ApiError(404, "not_found", _("Not found."))
    return jsonify(job_json(job))


def media_job(asset: Asset) -> Job | None:
    """The asset's latest media job unless it succeeded (None for small files)."""
    settings = current_app.extensions["brandhub.ingest"]
    limit = settings.background_bytes
    if limit is None or (asset.size or 0) <= limit or asset.id is None:
        return None
    job = get_session().scalar(
        select(Job)
        .where(Job.asset_id == asset.id, Job.kind == "media")
        .order_by(Job.id.desc())
        .limit(1)
    )
    return job if job is not None and job.state != "done" else None


def processing(asset: Asset) -> dict[str, Any] | None:
    """The ``processing`` member of an asset's JSON: state, reason, job link."""
    job = media_job(asset)
    if job is None:
        return None
    return {
        "state": job.state,
        "error": error_message(job),
        "job": url_for("jobs_api.get_job", job_id=job.id),
    }


def job_badge(job: Job | None) -> Markup:
    """A status badge for a media job: being prepared, or failed and why."""
    if job is None:
        return Markup("")
    if job.state == "failed":
        text = _("The preview could not be made: %(reason)s", reason=error_message(job) or "")
        css = "fail"
    else:
        text = _("Preparing the preview; it will appear here in a moment.")
        css = "warn"
    return Markup('<span class="badge badge--{}" role="status">{}</span>').format(css, escape(text))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(media_job=media_job, job_badge=job_badge)


SPEC["components"]["schemas"]["Job"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"enum": ["media", "import", "reindex"]},
        "state": {"enum": ["queued", "running", "done", "failed"]},
        "attempts": {"type": "integer"},
        "max_attempts": {"type": "integer"},
        "error": {"type": ["string", "null"], "description": "why the last attempt failed"},
        "progress": {"type": ["object", "null"], "description": "done and total, while it runs"},
        "result": {
            "type": ["object", "null"],
            "description": "an import's counts and rejections (each with the brand rules it"
            " failed: rule, title, message)",
        },
        "asset_id": {"type": ["integer", "null"]},
        "subject_id": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "started_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "retry_at": {"type": ["string", "null"], "format": "date-time"},
        "links": {"type": "object"},
    },
}
SPEC["components"]["schemas"]["Asset"].setdefault("properties", {})["processing"] = {
    "type": ["object", "null"],
    "description": "large files: the job making the previews, until it succeeds",
    "properties": {
        "state": {"enum": ["queued", "running", "failed"]},
        "error": {"type": ["string", "null"]},
        "job": {"type": "string", "description": "URL of the job"},
    },
}
SPEC["paths"]["/jobs/{job_id}"] = {
    "get": {
        "summary": "The state of a background job (a video being processed, an import)",
        "parameters": [{"name": "job_id", "in": "path", "required": True, "schema": ID}],
        "responses": {"200": _json({"$ref": "#/components/schemas/Job"}), **_err(401, 404)},
    }
}
