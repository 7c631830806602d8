"""Reading the words of a piece after its upload: text layer, SVG text, OCR.

The job reads the stored original (the file itself on the local store, a
temporary copy from S3) with ``assets.text.extract_text`` in a budgeted
child process: each page has ``TEXT_PAGE_SECONDS`` (the Tesseract process is
killed past it), the file at most ``TEXT_PAGE_LIMIT`` pages, and the child
as a whole that many page-times of processor time and the worker's memory
budget. It keeps the text with the asset (which queues it for the search
index) and checks the piece again when its brand has rules over text, all
in one commit. A file that cannot be read fails the job with its reason.
"""

from __future__ import annotations

import dataclasses

from assets.budget import Budget, run_within
from assets.storage import Storage
from assets.text import can_have_text, extract_text

from ..models import Asset
from ..operations.piece_text import recheck_with_text, store_text, text_settings
from .media import sniffed_of
from .runner import JobContext, runner


def text_budget(worker: Budget, page_seconds: float, page_limit: int) -> Budget:
    """The child's limits: a page-time of CPU per page (plus the decoding), the worker's
    memory, and twice that in waiting time."""
    cpu = page_seconds * page_limit + worker.cpu_seconds
    return dataclasses.replace(worker, cpu_seconds=cpu, wall_seconds=2 * cpu)


@runner("text")
def read_text(ctx: JobContext) -> None:
    db, app = ctx.db, ctx.app
    asset = db.get(Asset, ctx.job.asset_id) if ctx.job.asset_id else None
    if asset is None:
        return  # deleted before its turn came
    sniffed = sniffed_of(asset)
    if not can_have_text(sniffed):
        return
    storage: Storage = app.extensions["brandhub.storage"]
    settings = app.extensions["brandhub.ingest"]
    wanted = text_settings(app.config)
    budget = text_budget(settings.budget, wanted.page_seconds, wanted.page_limit)
    sha256 = asset.sha256
    with storage.get_local_path(asset.storage_key) as path:
        text = run_within(budget, extract_text, path, sniffed, settings, wanted, ocr=True)
        db.refresh(asset)
        if asset.sha256 != sha256:
            return  # a new version came meanwhile: its own job reads it
        try:
            store_text(db, asset, text)
            recheck_with_text(db, storage, asset, path, text, app.config)
            db.commit()
        except BaseException:
            db.rollback()
            raise
