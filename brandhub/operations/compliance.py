"""Checking pieces against brand rules: on upload, at the check desk, from the CLI.

On upload, errors block the piece (nothing is stored, the report explains why)
when the instance says so (``COMPLIANCE_BLOCKS_UPLOADS``); warnings are kept
with the asset. The check desk checks a piece without storing anything: the
upload is spooled to a temporary file, checked and deleted. A file that is no
media at all (415) or that cannot be read (422) is refused as an error, with
the engine's plain explanation in the report it carries.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from assets.budget import BudgetExceeded, run_within
from assets.errors import (
    N_,
    BrandHubError,
    FileTooLarge,
    InvalidFile,
    InvalidInput,
    UnsupportedMediaType,
)
from assets.ingest import EMPTY, OFFICE_PDF
from assets.media import DAMAGED
from assets.renditions import render
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from assets.sniff.office import is_office
from assets.storage import Storage
from assets.text import PieceText
from guidelines import CATEGORIES, Brand, ComplianceFailed, Report, check_piece, infer_category
from guidelines.officials import OfficialLogos
from guidelines.piece import Pending

from .. import metrics
from ..models import Agency, Asset, BrandVersion, ComplianceReport
from .brands import brand_for_agency, official_logo_paths

PREVIEW_SPEC = "max-480|format-webp"


# ``ComplianceFailed`` is raised by the engine with this msgid; brandhub.errors translates it.
COMPLIANCE_FAILED = N_("The piece does not comply with the brand's rules.")


@dataclass(frozen=True)
class Checked:
    """An upload's category and, when its agency has a brand, the report and its version."""

    category: str
    version: BrandVersion | None = None
    report: Report | None = None


def valid_category(asked: str) -> str:
    if asked not in CATEGORIES:
        raise InvalidInput("The piece category is not valid.", field="category")
    return asked


def category_of(prepared: Any, asked: str | None) -> str:
    """The category asked for, else the one judged from the file's content."""
    if asked:
        return valid_category(asked)
    info = getattr(prepared, "info", None)
    metadata = getattr(info, "metadata", None) or {}
    thumb = (getattr(prepared, "renditions", None) or {}).get("thumb")
    # A recording's category follows its type, its file unread (it may be in the store).
    unread = prepared.sniffed.kind in ("video", "audio")
    guess = infer_category(
        Path() if unread else prepared.path,
        prepared.sniffed.kind,
        prepared.sniffed.mime,
        metadata,
        thumbnail=getattr(thumb, "data", None),
    )
    return guess.category


def check_file(
    storage: Storage,
    path: Path,
    brand: Brand,
    category: str,
    *,
    filename: str | None = None,
    metadata: dict[str, Any] | None = None,
    settings: IngestSettings | None = None,
    text: PieceText | None = None,
    today: date | None = None,
    document_pdf: Path | None = None,
    pending: Pending | None = None,
) -> Report:
    """``check_piece`` with the brand's official logo files taken from the store.

    The check runs within the settings' work budget (``assets.budget``): a
    piece that needs more is refused with BudgetExceeded. ``text`` is the
    piece's text read before (by the worker's OCR), ``today`` the day for
    blackout calendars, ``document_pdf`` an office document's PDF made on upload
    (so LibreOffice does not run twice). With ``pending`` the file is not read:
    the rules that need its contents wait (``media_pending``) for the job that reads it.
    """
    report, _image = _budgeted_check(
        storage,
        path,
        brand,
        category,
        filename,
        metadata,
        settings or IngestSettings(),
        False,
        text=text,
        today=today or local_today(),
        document_pdf=document_pdf,
        pending=pending,
    )
    return report


def local_today(zone: str | None = None) -> date:
    """Today in the instance's time zone (``TIMEZONE``): a blackout period starts at local
    midnight, not at the server's."""
    if zone is None and has_app_context():
        zone = current_app.config.get("TIMEZONE")
    try:
        info = ZoneInfo(str(zone or "UTC"))
    except (KeyError, ValueError):
        info = ZoneInfo("UTC")
    return datetime.now(info).date()


def _budgeted_check(
    storage: Storage,
    path: Path,
    brand: Brand,
    category: str,
    filename: str | None,
    metadata: dict[str, Any] | None,
    settings: IngestSettings,
    preview: bool,
    *,
    text: PieceText | None = None,
    today: date | None = None,
    document_pdf: Path | None = None,
    pending: Pending | None = None,
) -> tuple[Report, bytes | None]:
    logos = official_logo_paths(storage, brand)
    _warm(brand, category, logos, settings)
    return run_within(
        settings.budget,
        _check_in_child,
        path,
        brand,
        category,
        filename,
        metadata,
        logos,
        settings,
        preview,
        text,
        today,
        document_pdf,
        pending,
    )


_warmed: set[tuple[str, str]] = set()


def _warm(
    brand: Brand, category: str, logos: dict[str, Path] | None, settings: IngestSettings
) -> None:
    """Fill this process's caches once per brand and category, so that every budgeted
    child inherits them instead of filling them again: the official marks (the brand's
    own files, analysed), and what a check of a small photo loads (measured: a 12 MP
    JPEG check costs 60 ms more of CPU in a child that finds them empty)."""
    key = (brand.fingerprint, category)
    if key in _warmed or not settings.budget.enabled:
        return
    list(OfficialLogos.for_brand(brand, logos))
    with tempfile.TemporaryDirectory(prefix="brandhub-warm-", dir=settings.tmp_dir) as folder:
        sample = Path(folder) / "muestra.jpg"
        Image.new("RGB", (64, 48), (11, 92, 173)).save(sample, "JPEG")
        with contextlib.suppress(BrandHubError):
            check_piece(sample, brand, category, logos=logos, settings=settings)
    _warmed.add(key)


def _check_in_child(
    path: Path,
    brand: Brand,
    category: str,
    filename: str | None,
    metadata: dict[str, Any] | None,
    logos: dict[str, Path] | None,
    settings: IngestSettings,
    preview: bool,
    text: PieceText | None = None,
    today: date | None = None,
    document_pdf: Path | None = None,
    pending: Pending | None = None,
) -> tuple[Report, bytes | None]:
    report = check_piece(
        path,
        brand,
        category,
        filename=filename,
        metadata=metadata,
        logos=logos,
        settings=settings,
        text=text,
        today=today,
        document_pdf=document_pdf,
        pending=pending,
    )
    image = None
    if preview and pending is None and unreadable_reason(report) is None:
        try:
            with path.open("rb") as fh:
                head = fh.read(HEAD_BYTES)
            image = render(path, sniff(head, filename), PREVIEW_SPEC, settings).data
        except BudgetExceeded:
            raise
        except BrandHubError:
            image = None  # the report already says what is wrong with the file
    return report, image


def check_upload(
    db: Session,
    storage: Storage,
    agency: Agency | None,
    prepared: Any,
    category: str | None,
    blocks: bool,
    given: dict[str, Any] | None = None,
    settings: IngestSettings | None = None,
) -> Checked:
    """Check a prepared upload against its agency's brand; ComplianceFailed blocks it.

    ``given`` holds what the uploader typed (credit, copyright, caption, tags):
    it counts as the piece's metadata, as it will be stored with the asset.
    """
    cat = category_of(prepared, category)
    found = brand_for_agency(db, agency)
    if found is None or prepared.sniffed.kind == "font":
        return Checked(cat)  # a font file is one of the brand's resources, not a piece
    version, brand = found
    info = prepared.info
    metadata = {
        k: getattr(info, k, None) or (info.metadata or {}).get(k)
        for k in ("creator", "credit", "copyright", "caption", "keywords", "title")
    }
    metadata.update({k: v for k, v in (given or {}).items() if v})
    if getattr(prepared, "deferred", False):
        # A long recording already in the store, probed by the background job: its type
        # and size are checked now, the rest when the job has read it (not a copy of
        # gigabytes in this request). Its embedded metadata is not known yet either.
        report = check_file(
            storage,
            Path(prepared.filename or "archivo"),
            brand,
            cat,
            filename=prepared.filename,
            settings=settings,
            pending=Pending(prepared.sniffed, prepared.size),
        )
        metrics.verdict(report.status, "upload")
        if blocks and report.status == "fail":
            raise ComplianceFailed(report.to_dict())
        return Checked(cat, version, report)
    with _converted_pdf(prepared, settings) as document_pdf:
        report = check_file(
            storage,
            prepared.path,
            brand,
            cat,
            filename=prepared.filename,
            metadata=metadata,
            settings=settings,
            document_pdf=document_pdf,
        )
    metrics.verdict(report.status, "upload")
    if blocks and report.status == "fail":
        raise ComplianceFailed(report.to_dict())
    return Checked(cat, version, report)


@contextlib.contextmanager
def _converted_pdf(prepared: Any, settings: IngestSettings | None) -> Iterator[Path | None]:
    """The PDF LibreOffice made of an office upload (its ``pdf`` rendition), as a
    temporary file for the check; None for any other file."""
    rendition = (getattr(prepared, "renditions", None) or {}).get(OFFICE_PDF)
    if rendition is None or not is_office(prepared.sniffed):
        yield None
        return
    tmp_dir = (settings or IngestSettings()).tmp_dir
    with tempfile.TemporaryDirectory(prefix="brandhub-check-", dir=tmp_dir) as folder:
        pdf = Path(folder) / "document.pdf"
        pdf.write_bytes(rendition.data)
        yield pdf


def recategorise(db: Session, storage: Storage, asset: Asset, asked: str | None) -> None:
    """Give a stored asset another category (``None``: judged from its file again).

    When the asset's agency has a brand the piece is checked again as that
    category and the new report is kept (caller's transaction). It never
    refuses: the piece is already in the library, and its compliance shows
    the new verdict.
    """
    if asked:
        valid_category(asked)
    found = brand_for_agency(db, asset.agency)
    if asset.kind == "font":
        found = None  # a font file is one of the brand's resources, not a piece
    if asked and found is None:
        asset.category = asked
        return
    with storage.get_local_path(asset.storage_key) as path:
        if asked:
            category = asked
        else:
            meta = asset.metadata_json or {}
            category = infer_category(path, asset.kind, asset.mime, meta).category
        if found is None:
            asset.category = category
            return
        version, brand = found
        report = check_file(
            storage,
            path,
            brand,
            category,
            filename=asset.original_filename,
            metadata=check_metadata(asset),
        )
    record(db, asset, Checked(category, version, report))


def waits_for_contents(db: Session, asset: Asset) -> bool:
    """Whether the asset's last report has rules waiting for its file to be read."""
    latest = db.scalar(
        select(ComplianceReport)
        .where(ComplianceReport.asset_id == asset.id)
        .order_by(ComplianceReport.created_at.desc(), ComplianceReport.id.desc())
        .limit(1)
    )
    if latest is None:
        return False
    results = (latest.report or {}).get("checks") or []
    return any(result.get("code") == "media_pending" for result in results)


def check_after_reading(
    db: Session, storage: Storage, asset: Asset, path: Path, settings: IngestSettings
) -> bool:
    """Check again, now from its file, a piece whose report waits for its contents
    (``media_pending``); keep the new report (caller's transaction). False when there
    was nothing to check again."""
    if not waits_for_contents(db, asset):
        return False
    return check_again(db, storage, asset, path, settings=settings)


def check_again(
    db: Session,
    storage: Storage,
    asset: Asset,
    path: Path,
    *,
    when: Callable[[Brand], bool] | None = None,
    settings: IngestSettings | None = None,
    text: PieceText | None = None,
    today: date | None = None,
) -> bool:
    """Check a stored piece again from its file at ``path`` against its agency's brand,
    when it has one (and ``when`` says the brand's rules care); keep the new report
    (caller's transaction). False when there was nothing to check again."""
    found = brand_for_agency(db, asset.agency)
    if found is None or asset.kind == "font" or not asset.category:
        return False
    version, brand = found
    if when is not None and not when(brand):
        return False
    report = check_file(
        storage,
        path,
        brand,
        asset.category,
        filename=asset.original_filename,
        metadata=check_metadata(asset),
        settings=settings,
        text=text,
        today=today,
    )
    record(db, asset, Checked(asset.category, version, report))
    return True


def check_metadata(asset: Asset) -> dict[str, Any]:
    """The asset's fields the metadata rules read (credit, rights, texts), those that are set."""
    fields = {
        "creator": asset.creator,
        "credit": asset.credit,
        "title": asset.title,
        "copyright": asset.copyright,
        "caption": asset.caption,
        "keywords": asset.tag_names,
    }
    return {name: value for name, value in fields.items() if value}


def record(db: Session, asset: Asset, checked: Checked | None) -> None:
    """Keep the category, and the report if there is one, with the asset (caller's transaction)."""
    if checked is None:
        asset.compliance = "unchecked"
        return
    asset.category = checked.category
    if checked.report is None or checked.version is None:
        asset.compliance = "unchecked"
        return
    asset.compliance = checked.report.status
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
    storage: Storage,
    stream: BinaryIO,
    filename: str | None,
    brand: Brand,
    category: str,
    settings: IngestSettings,
    *,
    preview: bool = False,
) -> tuple[Report, bytes | None]:
    """Check an uploaded piece without storing it (spooled to a temp file, then removed).

    Raises FileTooLarge past the upload limit, UnsupportedMediaType for a file
    that is no media BrandHub reads, InvalidFile for an empty or damaged one;
    the last two carry the report (``details["report"]``) that explains it in
    the brand's language. With ``preview``, also a small WebP of the piece for
    the report (None when the piece cannot be drawn).
    """
    if category not in CATEGORIES:
        raise InvalidInput("The piece category is not valid.", field="category")
    with tempfile.NamedTemporaryFile(prefix="brandhub-check-", dir=settings.tmp_dir) as tmp:
        copied = 0
        while chunk := stream.read(1024 * 1024):
            copied += len(chunk)
            if copied > settings.max_upload_bytes:
                raise FileTooLarge(
                    "The file is larger than allowed.", max_bytes=settings.max_upload_bytes
                )
            tmp.write(chunk)
        tmp.flush()
        # The check and the preview in one budgeted child: one fork, one budget.
        report, image = _budgeted_check(
            storage,
            Path(tmp.name),
            brand,
            category,
            filename,
            None,
            settings,
            preview,
            today=local_today(),
        )
        _refuse_unreadable(report)
        metrics.verdict(report.status, "check_desk")
        return report, image


def unreadable_reason(report: Report) -> str | None:
    """Why the file itself could not be checked: unsupported_type, empty, damaged (or None)."""
    if not report.checks or any(c.status != "skip" for c in report.checks[1:]):
        return None
    first = report.checks[0]
    reason = first.details.get("reason") if first.status == "fail" else None
    if reason == "unsupported_type" and first.details.get("seems") == "empty file":
        return "empty"
    return reason if reason in ("unsupported_type", "damaged") else None


def _refuse_unreadable(report: Report) -> None:
    reason = unreadable_reason(report)
    if reason == "unsupported_type":
        raise UnsupportedMediaType("This type of file is not accepted.", report=report.to_dict())
    if reason == "empty":
        raise InvalidFile(EMPTY, report=report.to_dict())
    if reason == "damaged":
        raise InvalidFile(DAMAGED, report=report.to_dict())


def latest_report(db: Session, asset: Asset) -> ComplianceReport | None:
    return db.scalar(
        select(ComplianceReport)
        .where(ComplianceReport.asset_id == asset.id)
        .order_by(ComplianceReport.id.desc())
    )
