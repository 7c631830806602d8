"""Bulk imports as a job (``brandhub jobs import PATH``): a folder archived by a worker.

The same walk and the same path of a file as ``brandhub import`` (files that
are not media are skipped with a note; files already in the library count as
duplicates, so a job retried after an interruption carries on where it
stopped), but run by a worker, with its progress and summary on the job row:
``GET /api/v1/jobs/<id>`` shows ``progress`` while it runs and the counts and
the rejected files at the end. The folder must be readable by the worker.
The job's row is made by ``operations.importer.new_import_job``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from assets.errors import BrandHubError, DuplicateAsset, InvalidInput

from ..models import Job, User, utcnow
from ..operations.assets import AssetFields, create_asset
from ..operations.importer import failed_rules, media_files
from .runner import JobContext, runner

#: Progress is written every this many files (each write is a commit).
EVERY = 10


@runner("import")
def run_import(ctx: JobContext) -> None:
    db, app, job = ctx.db, ctx.app, ctx.job
    data = dict(job.data or {})
    user = db.get(User, job.created_by_id) if job.created_by_id else None
    if user is None or not user.active:
        raise InvalidInput("The person who started this import cannot import any more.")
    root = Path(data.get("path") or "")
    if not root.exists():
        raise InvalidInput("The folder to import does not exist on the worker.", path=str(root))
    files, skipped = media_files(root)
    storage = app.extensions["brandhub.storage"]
    settings = app.extensions["brandhub.ingest"]
    fields = AssetFields(**data.get("fields", {}))
    blocks = app.config["COMPLIANCE_BLOCKS_UPLOADS"]
    counts = {"imported": 0, "duplicates": 0, "rejected": 0, "skipped": len(skipped)}
    rejected: list[dict[str, Any]] = []
    job_id = job.id
    for n, file in enumerate(files, 1):
        try:
            with file.open("rb") as fh:
                create_asset(
                    db, storage, settings, user, fh, file.name, fields, compliance_blocks=blocks
                )
            counts["imported"] += 1
        except DuplicateAsset:
            db.rollback()
            counts["duplicates"] += 1
        except BrandHubError as exc:
            db.rollback()
            counts["rejected"] += 1
            # The English message: it is translated when shown.
            rejected.append(
                {
                    "file": str(file.relative_to(root) if root.is_dir() else file.name),
                    "reason": exc.message,
                    "rules": [vars(r) for r in failed_rules(exc)],
                    # A store that was away may take the file another time; the brand
                    # and a bad file refuse it again.
                    "retryable": bool(exc.transient),
                }
            )
        if n % EVERY == 0 or n == len(files):
            _save(ctx, job_id, counts, rejected, n, len(files))
    if not files:
        _save(ctx, job_id, counts, rejected, 0, 0)


def _save(
    ctx: JobContext,
    job_id: int,
    counts: dict[str, int],
    rejected: list[dict[str, Any]],
    done: int,
    total: int,
) -> None:
    job = ctx.db.scalar(select(Job).where(Job.id == job_id))
    if job is None:
        return
    job.data = {
        **(job.data or {}),
        **counts,
        "rejected_files": rejected[:200],
        "progress": {"done": done, "total": total},
    }
    job.updated_at = utcnow()
    ctx.db.commit()
