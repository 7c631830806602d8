"""Archiving a coverage: many files into the library and into their event.

The command line (``brandhub import``) and the import job come through here;
each file goes through :func:`~.assets.create_asset` with its event, as the
event page's drop zone and the API's upload into an event do, so a file takes
the same path whatever brought it. A file whose bytes are already in the
library is a duplicate, not an error: it is attached to the event anyway when
it has none, which is what makes an interrupted import safe to run again (the
content hash decides what is already there, not the file name).

The command and the import job walk a folder with :func:`media_files`; the
job's row is made by :func:`new_import_job`.

A large file goes through a resumable upload instead
(:func:`import_file_resumable`, the path of ``/api/v1/uploads``): its bytes go
into the staging area chunk by chunk, and the upload is written down in a
:class:`ResumeBook`, so an import cut in the middle of the file goes on from
where it stopped when it is run again, instead of reading it from the start.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from assets.errors import BrandHubError, DuplicateAsset
from assets.hashing import hash_stream
from assets.resumable import StagingArea, UploadLimits
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from assets.storage import Storage

from ..models import Asset, Event, Job, User
from .access import visible_filter
from .assets import AssetFields, create_asset
from .sets import EVENTS, require_manage
from .uploads import append_chunk, get_upload, start_upload


@dataclass(frozen=True)
class FailedRule:
    """A brand rule that refused a file: its id, title and message (Spanish, from the brand)."""

    rule: str
    title: str
    message: str


@dataclass(frozen=True)
class Outcome:
    """What became of one file."""

    status: Literal["imported", "duplicate", "rejected"]
    asset_id: int | None = None
    reason: str = ""  # the English message of a rejection (a msgid)
    rules: tuple[FailedRule, ...] = ()  # the brand rules that refused it, if that was why


def failed_rules(exc: BaseException) -> tuple[FailedRule, ...]:
    """The failing error rules of the compliance report an exception carries, if any."""
    report = getattr(exc, "report", None)
    checks = report.get("checks") if isinstance(report, dict) else None
    if not isinstance(checks, list):
        return ()
    return tuple(
        FailedRule(str(c.get("rule", "")), str(c.get("title", "")), str(c.get("message", "")))
        for c in checks
        if isinstance(c, dict) and c.get("status") == "fail"
    )


def media_files(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files under ``root`` (or ``root`` itself) that are media, and the others with why.

    Hidden files (``.DS_Store``, ``._foto.jpg``) are passed over silently. The
    reasons are English msgids.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    candidates = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    for path in candidates:
        inside = path.relative_to(root).parts if root.is_dir() else (path.name,)
        if any(part.startswith(".") for part in inside):
            continue
        try:
            with path.open("rb") as fh:
                sniff(fh.read(HEAD_BYTES), path.name)
        except BrandHubError as exc:
            skipped.append((path, exc.message))
            continue
        except OSError as exc:
            skipped.append((path, exc.strerror or str(exc)))
            continue
        files.append(path)
    return files, skipped


#: The fields an import job applies to every file.
JOB_FIELDS = ("agency", "credit", "caption", "tags", "category")


def new_import_job(path: Path, user: User, fields: dict[str, Any]) -> Job:
    """The job row for importing ``path`` as ``user`` (add it and commit to queue it)."""
    data = {"path": str(path), "fields": {k: v for k, v in fields.items() if k in JOB_FIELDS and v}}
    return Job(kind="import", created_by_id=user.id, data=data)


def import_file(
    db: Session,
    storage: Storage,
    settings: IngestSettings,
    user: User,
    path: Path,
    fields: AssetFields,
    event: Event | None = None,
    *,
    compliance_blocks: bool = True,
) -> Outcome:
    """Archive a file on disk (into ``event``), with the outcome instead of exceptions.

    The file's hash is looked up first: a re-run after an interruption reads
    each file already imported once, instead of decoding it again.
    """
    try:
        with path.open("rb") as fh:
            known = _already_there(db, user, fh, event)
            if known is not None:
                return known
            fh.seek(0)
            asset = create_asset(
                db,
                storage,
                settings,
                user,
                fh,
                path.name,
                fields,
                event=event,
                compliance_blocks=compliance_blocks,
            )
    except (BrandHubError, OSError) as exc:
        return _refused(db, exc)
    return Outcome("imported", asset.id)


def _already_there(db: Session, user: User, fh: Any, event: Event | None) -> Outcome | None:
    """A duplicate, joined to ``event``, when the file's bytes are in the library already."""
    digest, _size = hash_stream(fh)
    # Only an asset the importer sees is named; any other goes the long way
    # (create_asset) to the same "duplicate" without its id.
    existing = db.scalar(select(Asset.id).where(Asset.sha256 == digest, visible_filter(user)))
    if existing is None:
        return None
    if event is not None:
        require_manage(user, event)
        EVENTS.attach_existing(db, user, event, existing)
    db.rollback()
    return Outcome("duplicate", existing)


def _refused(db: Session, exc: BrandHubError | OSError) -> Outcome:
    if isinstance(exc, DuplicateAsset):
        return Outcome("duplicate", exc.existing_id)
    db.rollback()
    if isinstance(exc, BrandHubError):
        return Outcome("rejected", reason=exc.message, rules=failed_rules(exc))
    return Outcome("rejected", reason=exc.strerror or str(exc))


class ResumeBook:
    """An import's resumable uploads, kept between runs in a small JSON file.

    A file is known by where it goes (``where``: this instance, or a remote
    one's URL), its absolute path, its size and its modification time, so a
    file changed since is sent again from the start. Written whole or not at
    all after every change.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        self._entries: dict[str, dict[str, Any]] = loaded if isinstance(loaded, dict) else {}

    @staticmethod
    def key(where: str, file: Path) -> str:
        found = file.stat()
        return f"{where}|{file.resolve()}|{found.st_size}|{found.st_mtime_ns}"

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self._entries.get(key)
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self._entries[key] = entry
        self._save()

    def drop(self, key: str) -> None:
        if self._entries.pop(key, None) is not None:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._entries, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def upload_metadata(filename: str, fields: AssetFields, event_id: int | None) -> dict[str, str]:
    """The ``Upload-Metadata`` of a resumable upload of an imported file."""
    values: dict[str, Any] = {
        "filename": filename,
        "event": str(event_id) if event_id is not None else None,
        "title": fields.title,
        "description": fields.description,
        "tags": ",".join(fields.tags) if fields.tags else None,
        "credit": fields.credit,
        "caption": fields.caption,
        "copyright": fields.copyright,
        "agency": fields.agency,
        "category": fields.category,
    }
    return {key: str(value) for key, value in values.items() if value}


#: How much of a file one resumable chunk carries (read into memory at once).
IMPORT_CHUNK = 8 * 1024 * 1024


def import_file_resumable(
    db: Session,
    storage: Storage,
    settings: IngestSettings,
    staging: StagingArea,
    limits: UploadLimits,
    user: User,
    path: Path,
    fields: AssetFields,
    event: Event | None,
    book: ResumeBook,
    *,
    compliance_blocks: bool = True,
    chunk: int | None = None,
) -> Outcome:
    """``import_file`` through a resumable upload, resumed where an earlier run stopped."""
    key = ResumeBook.key("local", path)
    upload = None
    try:
        entry = book.get(key)
        if entry is not None:
            try:
                upload = get_upload(db, staging, user, str(entry.get("upload", "")))
            except BrandHubError:
                book.drop(key)  # expired or removed: start again
            if upload is not None and upload.asset_id is not None:
                book.drop(key)
                return Outcome("imported", upload.asset_id)
        with path.open("rb") as fh:
            if upload is None:
                known = _already_there(db, user, fh, event)
                if known is not None:
                    return known
                metadata = upload_metadata(path.name, fields, event.id if event else None)
                size = os.fstat(fh.fileno()).st_size
                upload = start_upload(db, staging, user, size, metadata, limits)
                book.put(key, {"upload": upload.id})
            offset, asset = upload.offset, None
            while asset is None:
                fh.seek(offset)
                data = fh.read(min(chunk or IMPORT_CHUNK, upload.length - offset))
                upload, asset = append_chunk(
                    db,
                    storage,
                    settings,
                    staging,
                    user,
                    upload.id,
                    io.BytesIO(data),
                    offset,
                    compliance_blocks=compliance_blocks,
                )
                offset = upload.offset
                if not data and asset is None:
                    raise OSError("The file is shorter than when its upload began.")
    except (BrandHubError, OSError) as exc:
        db.rollback()
        if upload is None or db.get(type(upload), upload.id) is None:
            book.drop(key)  # the upload ended (refused): nothing to resume
        return _refused(db, exc)
    book.drop(key)
    return Outcome("imported", asset.id)
