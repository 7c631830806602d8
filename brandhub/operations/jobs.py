"""Background jobs as people see them: who may read one, and an asset's unfinished work.

A job on an asset is visible to whoever may see the asset; other jobs (an
import, a reindex) to the person who started them and to administrators.
An asset's *processing* state is its latest media job that has not succeeded;
only assets larger than the background threshold (``background_bytes``) can
have one, so smaller ones cost no query, and a page of assets costs one query
for all of them (:func:`media_jobs`).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Asset, Job, User
from .access import get_visible_asset


def error_message(job: Job) -> str | None:
    """The failure reason in the reader's language."""
    if not job.error:
        return None
    if (job.data or {}).get("error_code") == "internal":
        return _("The work stopped on an unexpected error.") + f" ({job.error})"
    return _(job.error)


def visible_job(db: Session, user: User, job_id: int) -> Job | None:
    """The job if ``user`` may see it; None otherwise (AssetNotFound for a hidden asset's)."""
    job = db.get(Job, job_id)
    if job is not None and job.asset_id is not None:
        get_visible_asset(db, user, job.asset_id)
        return job
    if job is None or not (user.role == "admin" or job.created_by_id == user.id):
        return None
    return job


def media_jobs(
    db: Session, assets: Iterable[Asset], background_bytes: int | None
) -> dict[int, Job]:
    """Each large asset's (or unplayable video's) latest media job unless it succeeded, by id."""
    ids = [
        a.id
        for a in assets
        if a.id is not None
        and (
            (background_bytes is not None and (a.size or 0) > background_bytes) or _awaits_proxy(a)
        )
    ]
    if not ids:
        return {}
    latest = (
        select(func.max(Job.id))
        .where(Job.asset_id.in_(ids), Job.kind == "media")
        .group_by(Job.asset_id)
    )
    found = db.scalars(select(Job).where(Job.id.in_(latest))).all()
    return {job.asset_id: job for job in found if job.asset_id is not None and job.state != "done"}


def _awaits_proxy(asset: Asset) -> bool:
    """A video browsers cannot play: its media job makes the web proxy."""
    video = (asset.metadata_json or {}).get("video") or {}
    return video.get("web_playable") is False


def media_job(db: Session, asset: Asset, background_bytes: int | None) -> Job | None:
    """The asset's latest media job unless it succeeded (None for small files)."""
    return media_jobs(db, [asset], background_bytes).get(asset.id)
