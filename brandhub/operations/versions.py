"""Replacing an asset's file while keeping every earlier one.

A new file goes through ``assets.ingest.prepare`` and ``store`` exactly like
an upload (type sniffing, limits, SVG sanitising, metadata, renditions, the
brand check). The asset row then points at the new original and renditions,
and an ``AssetVersion`` row records it with who, when and why. The first
replacement also writes the row of version 1 from what the asset held, so an
asset that was never replaced has no version rows at all and its current file
is version 1.

Bytes are shared: originals are stored under their SHA-256, so a version may
hold the same key as another asset or another version. Bytes are deleted only
when no row (asset, rendition, version) refers to their key any more
(``operations/files.py``): a replaced file's renditions go, its original stays
for its version row.

The asset's ``sha256`` column (unique) holds the current file only: a new file
identical to another asset's current file is refused as a duplicate (409, with
that asset's id only when the person may see it), and one identical to the
current file is refused as no change.

A new file for an approved asset from someone who cannot approve sends it back
to review in the same commit (operations/review.py): the approval was of the
old file, and no public page serves the new one before a reviewer has seen it.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from assets.errors import AssetNotFound, VersionConflict
from assets.ingest import prepare, store
from assets.settings import IngestSettings
from assets.storage import Storage

from ..models import Asset, AssetVersion, User
from .access import refuse_stored, require_edit
from .compliance import check_upload
from .files import commit_file, delete_unreferenced, take_file
from .review import NEW_FILE, reopen_if_approved

__all__ = [
    "VersionView",
    "get_version",
    "list_versions",
    "replace_file",
]

MAX_COMMENT = 2000


class VersionView:
    """A version as pages and the API show it (a row, or the implicit version 1)."""

    def __init__(self, asset: Asset, row: AssetVersion | None = None) -> None:
        self.asset, self.row = asset, row
        self.number = row.number if row else 1
        self.current = self.number == asset.version
        src: Any = row or asset
        self.storage_key: str = src.storage_key
        self.sha256: str = src.sha256
        self.size: int = src.size
        self.mime: str = src.mime
        self.ext: str = src.ext
        self.original_filename: str = src.original_filename
        self.width, self.height = src.width, src.height
        self.comment: str = row.comment if row else ""
        self.created_by = row.created_by if row else asset.uploaded_by
        self.created_at = row.created_at if row else asset.created_at


def list_versions(asset: Asset) -> list[VersionView]:
    """Every version, the newest (the current file) first."""
    rows = sorted(asset.versions, key=lambda v: v.number, reverse=True)
    return [VersionView(asset, row) for row in rows] if rows else [VersionView(asset)]


def get_version(asset: Asset, number: int) -> VersionView:
    for version in list_versions(asset):
        if version.number == number:
            return version
    raise AssetNotFound("This version does not exist.", version=number)


def _snapshot(asset: Asset, number: int, user_id: int | None, comment: str) -> AssetVersion:
    return AssetVersion(
        number=number,
        storage_key=asset.storage_key,
        sha256=asset.sha256,
        size=asset.size,
        mime=asset.mime,
        ext=asset.ext,
        original_filename=asset.original_filename,
        width=asset.width,
        height=asset.height,
        comment=comment,
        created_by_id=user_id,
    )


def replace_file(
    db: Session,
    storage: Storage,
    settings: IngestSettings,
    user: User,
    asset: Asset,
    stream: BinaryIO,
    filename: str | None,
    comment: str = "",
    *,
    compliance_blocks: bool = True,
) -> AssetVersion:
    """Make the uploaded file the asset's current one; the old one stays as a version."""
    require_edit(user, asset)
    comment = (comment or "").strip()[:MAX_COMMENT]
    with prepare(stream, filename, settings) as prepared:
        if prepared.sha256 == asset.sha256:
            raise VersionConflict("This file is the current version already.", field="file")
        if prepared.sniffed.kind != asset.kind:
            raise VersionConflict(
                "The new file must be of the same kind as the current one.", field="file"
            )
        refuse_stored(db, user, prepared.sha256)
        given = {
            "credit": asset.credit,
            "copyright": asset.copyright,
            "caption": asset.caption,
            "keywords": asset.tag_names,
            "title": asset.title,
        }
        checked = check_upload(
            db,
            storage,
            asset.agency,
            prepared,
            asset.category,
            compliance_blocks,
            given,
            settings=settings,
        )
        old_renditions = [r.storage_key for r in asset.renditions]
        written = store(prepared, storage)
        if not asset.versions:  # the first replacement: version 1 gets its row now
            first = _snapshot(asset, asset.version, asset.uploaded_by_id, "")
            first.created_at = asset.created_at
            asset.versions.append(first)
        take_file(db, asset, prepared, settings.time_zone, checked)
        asset.version += 1
        version = _snapshot(asset, asset.version, user.id, comment)
        asset.versions.append(version)
        # The approval was of the old file: the new one waits for a reviewer.
        reopen_if_approved(db, user, asset, NEW_FILE)
        commit_file(db, storage, user, asset, prepared, written)
    # The replaced file's renditions: nothing shows them any more.
    delete_unreferenced(db, storage, old_renditions)
    return version
