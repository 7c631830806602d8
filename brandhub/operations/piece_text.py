"""The words of a piece: queue their reading, keep them, check the text rules again.

Every upload or new version of a file that can carry text (an image, an SVG,
a PDF) gets a ``text`` job in the same commit (:func:`queue_text`) when the
instance reads text (``TEXT_EXTRACTION``). The job (``jobs/text.py``) reads
the file with ``assets.text.extract_text`` in a budgeted child process,
keeps the result (:func:`store_text`), which queues the asset for the search
index, and checks the piece against its brand again with the text in hand
(:func:`recheck_with_text`): rules over text skip a raster piece at upload,
since OCR never runs inside a request.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from assets.sniff import Sniffed
from assets.storage import Storage
from assets.text import PDF_MIMES, SVG_MIME, PieceText, TextSettings, can_have_text
from guidelines import CHECKS, Brand

from ..indexing import register_related
from ..models import Asset, AssetText, Job, User
from ..models.jobs import PENDING_STATES
from .compliance import check_again, local_today

#: Checks that read the piece's text: a piece whose rules have one is checked again.
TEXT_CHECKS = frozenset({"required_text", "forbidden_text", "blackout"})
assert TEXT_CHECKS <= set(CHECKS)

register_related(AssetText, lambda _connection, obj: [obj.asset_id])


def reads_text() -> bool:
    """Whether this instance reads the text of pieces (``TEXT_EXTRACTION``)."""
    return bool(current_app.config.get("TEXT_EXTRACTION", True)) if has_app_context() else False


def text_settings(config: Any) -> TextSettings:
    return TextSettings(
        languages=str(config.get("TEXT_LANGUAGES", "spa+eng")),
        page_limit=int(config.get("TEXT_PAGE_LIMIT", 10)),
        page_seconds=float(config.get("TEXT_PAGE_SECONDS", 60)),
    )


def queue_text(db: Session, asset: Asset, sniffed: Sniffed, user: User | None) -> Job | None:
    """Add a ``text`` job for ``asset`` to the session (caller's commit); None when its file
    cannot carry text or the instance does not read text."""
    if not reads_text() or not can_have_text(sniffed):
        return None
    job = Job(kind="text", asset=asset, created_by_id=user.id if user else None)
    db.add(job)
    return job


def queue_unread(db: Session) -> int:
    """Queue a ``text`` job for every asset whose current file can carry text and has not
    been read (nor is waiting to be); the caller commits. How many were queued."""
    read = exists().where(AssetText.asset_id == Asset.id, AssetText.sha256 == Asset.sha256)
    waiting = exists().where(
        Job.asset_id == Asset.id, Job.kind == "text", Job.state.in_(PENDING_STATES)
    )
    rows = db.scalars(
        select(Asset)
        .where(or_(Asset.kind == "image", Asset.mime.in_((*PDF_MIMES, SVG_MIME))))
        .where(~read, ~waiting)
        .order_by(Asset.id)
    ).all()
    for asset in rows:
        db.add(Job(kind="text", asset=asset))
    return len(rows)


def text_of(asset: Asset) -> PieceText | None:
    """The text read from the asset's current file, or None (not read yet, or a new file)."""
    row: AssetText | None = getattr(asset, "piece_text", None)
    if row is None or row.sha256 != asset.sha256:
        return None
    return PieceText.from_dict(row.data or {})


def store_text(db: Session, asset: Asset, text: PieceText) -> AssetText:
    """Keep what was read from the asset's file (caller's transaction)."""
    row: AssetText | None = getattr(asset, "piece_text", None)
    if row is None:
        row = AssetText(asset_id=asset.id)
        db.add(row)
    row.sha256 = asset.sha256
    row.text = text.text
    row.confidence = text.confidence
    row.sources = ",".join(text.sources)[:40]
    row.pages = len(text.pages)
    row.truncated = text.truncated
    row.data = text.to_dict()
    row.extracted_at = datetime.datetime.now(datetime.UTC)
    return row


def today(config: Any) -> datetime.date:
    """The local date of the instance (a blackout period starts at local midnight)."""
    return local_today(str(config.get("TIMEZONE") or "UTC"))


def recheck_with_text(
    db: Session, storage: Storage, asset: Asset, path: Path, text: PieceText, config: Any
) -> bool:
    """Check the piece again with its text when its brand's rules read text; keep the new
    report (caller's transaction). False when there was nothing to check again."""

    def reads_text(brand: Brand) -> bool:
        return any(rule.check in TEXT_CHECKS for rule in brand.rules_for(asset.category or ""))

    return check_again(db, storage, asset, path, when=reads_text, text=text, today=today(config))
