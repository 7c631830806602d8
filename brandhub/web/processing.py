"""Whether a new asset's previews are ready: the badge on the asset page while a large
file's previews are made (or why they failed), and the same answer as JSON for the drop
zone, which asks until the file is done."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup, escape

from ..db import get_session
from ..models import Asset, Job
from ..operations.access import get_visible_asset
from ..operations.jobs import error_message
from ..operations.jobs import media_job as latest_media_job
from ..services import ingest_settings
from .user import signed_in


def media_job(asset: Asset) -> Job | None:
    """The asset's latest media job unless it succeeded (None for small files)."""
    return latest_media_job(get_session(), asset, ingest_settings().background_bytes)


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


@login_required
def processing_status(asset_id: int) -> ResponseReturnValue:
    """``{"state": "processing" | "done" | "failed", "message": …}`` for one asset."""
    asset = get_visible_asset(get_session(), signed_in(), asset_id)
    job = media_job(asset)
    if job is None:
        return jsonify({"state": "done", "message": None})
    if job.state == "failed":
        reason = error_message(job) or ""
        message = _("The preview could not be made: %(reason)s", reason=reason)
        return jsonify({"state": "failed", "message": message})
    return jsonify({"state": "processing", "message": None})


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(media_job=media_job, job_badge=job_badge)
    app.add_url_rule("/assets/<int:asset_id>/processing", "processing_status", processing_status)
