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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from assets.errors import BrandHubError, DuplicateAsset
from assets.hashing import hash_stream
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from assets.storage import Storage

from ..models import Asset, Event, Job, User
from .access import visible_filter
from .assets import AssetFields, create_asset
from .sets import EVENTS, require_manage


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
            digest, _size = hash_stream(fh)
            # Only an asset the importer sees is named; any other goes the long way
            # (create_asset) to the same "duplicate" without its id.
            existing = db.scalar(
                select(Asset.id).where(Asset.sha256 == digest, visible_filter(user))
            )
            if existing is not None:
                if event is not None:
                    require_manage(user, event)
                    EVENTS.attach_existing(db, user, event, existing)
                db.rollback()
                return Outcome("duplicate", existing)
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
    except DuplicateAsset as exc:
        return Outcome("duplicate", exc.existing_id)
    except BrandHubError as exc:
        db.rollback()
        return Outcome("rejected", reason=exc.message, rules=failed_rules(exc))
    except OSError as exc:
        db.rollback()
        return Outcome("rejected", reason=exc.strerror or str(exc))
    return Outcome("imported", asset.id)
