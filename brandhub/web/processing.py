"""The badge on the asset page while a large file's previews are made, or why they failed."""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..db import get_session
from ..models import Asset, Job
from ..operations.jobs import error_message
from ..operations.jobs import media_job as latest_media_job
from ..services import ingest_settings


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


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(media_job=media_job, job_badge=job_badge)
