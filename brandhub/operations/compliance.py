"""Checking pieces against brand rules: on upload, at the check desk, from the CLI.

On upload, errors block the piece (nothing is stored, the report explains why)
when the instance says so (``COMPLIANCE_BLOCKS_UPLOADS``); warnings are kept
with the asset. The check desk checks a piece without storing anything.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from assets.errors import BrandHubError, FileTooLarge, InvalidInput
from assets.renditions import render
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from guidelines import CATEGORIES, Brand, ComplianceFailed, Report, check_piece

from ..models import Agency, Asset, BrandVersion, ComplianceReport
from .brands import brand_for_agency

DEFAULT_CATEGORY = {
    "image": "photo",
    "vector": "logo",
    "video": "video",
    "audio": "audio",
    "document": "graphic",
}


@dataclass(frozen=True)
class Checked:
    version: BrandVersion
    category: str
    report: Report


def category_for(kind: str, asked: str | None) -> str:
    if asked:
        if asked not in CATEGORIES:
            raise InvalidInput("The piece category is not valid.", field="category")
        return asked
    return DEFAULT_CATEGORY.get(kind, "graphic")


def check_upload(
    db: Session,
    agency: Agency | None,
    prepared: Any,
    category: str | None,
    blocks: bool,
    given: dict[str, str | None] | None = None,
) -> Checked | None:
    """Check a prepared upload against its agency's brand; ComplianceFailed blocks it.

    ``given`` holds what the uploader typed (credit, copyright, caption): it counts
    as the piece's metadata, as it will be stored with the asset.
    """
    found = brand_for_agency(db, agency)
    if found is None:
        return None
    version, brand = found
    cat = category_for(prepared.sniffed.kind, category)
    info = prepared.info
    metadata = {
        k: getattr(info, k, None) or (info.metadata or {}).get(k)
        for k in ("creator", "credit", "copyright", "caption", "keywords")
    }
    metadata.update({k: v for k, v in (given or {}).items() if v})
    report = check_piece(prepared.path, brand, cat, filename=prepared.filename, metadata=metadata)
    if blocks and report.status == "fail":
        raise ComplianceFailed(report.to_dict())
    return Checked(version, cat, report)


def record(db: Session, asset: Asset, checked: Checked | None) -> None:
    """Keep the report with the asset (in the caller's transaction)."""
    if checked is None:
        asset.compliance = "unchecked"
        return
    asset.compliance = checked.report.status
    asset.category = checked.category
    db.add(
        ComplianceReport(
            asset=asset,
            brand_version_id=checked.version.id,
            category=checked.category,
            status=checked.report.status,
            report=checked.report.to_dict(),
        )
    )


def check_stream(
    stream: BinaryIO,
    filename: str | None,
    brand: Brand,
    category: str,
    settings: IngestSettings,
    *,
    preview: bool = False,
) -> tuple[Report, bytes | None]:
    """Check an uploaded piece without storing it (spooled to a temp file, then removed).

    With ``preview``, also a small WebP of the piece for the report (None when the
    piece cannot be drawn).
    """
    if category not in CATEGORIES:
        raise InvalidInput("The piece category is not valid.", field="category")
    with tempfile.NamedTemporaryFile(prefix="brandhub-check-", dir=settings.tmp_dir) as tmp:
        copied = 0
        head = b""
        while chunk := stream.read(1024 * 1024):
            copied += len(chunk)
            if copied > settings.max_upload_bytes:
                raise FileTooLarge(
                    "The file is larger than allowed.", max_bytes=settings.max_upload_bytes
                )
            if len(head) < HEAD_BYTES:
                head += chunk[:HEAD_BYTES]
            tmp.write(chunk)
        tmp.flush()
        path = Path(tmp.name)
        report = check_piece(path, brand, category, filename=filename, settings=settings)
        image = None
        if preview:
            try:
                image = render(path, sniff(head, filename), "max-480|format-webp", settings).data
            except BrandHubError:
                image = None  # the report already says what is wrong with the file
        return report, image


def latest_report(db: Session, asset: Asset) -> ComplianceReport | None:
    from sqlalchemy import select

    return db.scalar(
        select(ComplianceReport)
        .where(ComplianceReport.asset_id == asset.id)
        .order_by(ComplianceReport.id.desc())
    )
