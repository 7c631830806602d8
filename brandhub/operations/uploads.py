"""Resumable uploads (the tus protocol's actions): start, append, finish, cancel, expire.

An upload is started with its declared length and its metadata (the file's
name, the asset's fields, an event to archive it into), checked then as far as
they can be: who uploads, the size limit, the event, how many unfinished
uploads the person already has. Its bytes arrive in chunks into the staging
area (``assets.resumable``); when the last byte is in, the file goes through
``create_asset`` like any upload (sniffing, the brand's checks, the size limit,
the same bytes stored once) and the upload names its asset. A refused file
ends its upload: the bytes are removed, and the refusal is the answer to the
last chunk.

Only the person who started an upload sees it; anyone else gets the same
"not found" as for an upload that never existed.

The staging state (the running SHA-256, the first bytes, on S3 the parts and
the tail) is saved in the upload's row with its offset, in one commit, so
the next chunk may go to any process of any host sharing the database and
the store. One request at a time writes to an upload: it takes the row's
lease (a conditional update, so it holds across hosts), renews it while the
bytes flow, and gives it back with the new state; a second request meanwhile
is refused (``UploadBusy``, 409) and a tus client tries again.
"""

from __future__ import annotations

import json
import secrets
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from assets.errors import BrandHubError, FileTooLarge, InvalidInput, NotFound
from assets.resumable import (
    Checksum,
    StagingArea,
    UploadBusy,
    UploadExpired,
    UploadLimits,
    UploadState,
)
from assets.settings import IngestSettings
from assets.storage import Storage
from core.errors import N_, TooManyRequests

from ..models import Asset, Event, ResumableUpload, User
from .access import require_upload
from .assets import AssetFields, create_asset
from .sets import EVENTS, require_manage

NOT_FOUND = N_("The upload does not exist.")
EXPIRED = N_("The upload was not finished in time and was removed; start it again.")
TOO_MANY = N_("You have too many unfinished uploads; finish or cancel some first.")
#: How long a request holds an upload without showing signs of life (a process that
#: died mid-chunk frees it after this); renewed every ``RENEW`` while bytes arrive.
LEASE = timedelta(minutes=2)
RENEW = timedelta(seconds=20)


def state_of(upload: ResumableUpload) -> UploadState:
    """The staging state saved in the upload's row."""
    parts = json.loads(upload.parts_json or "[]")
    return UploadState(
        offset=upload.offset,
        hash_state=upload.hash_state,
        head=upload.head or b"",
        key=upload.store_key,
        store_upload=upload.store_upload,
        parts=tuple((str(etag), int(size)) for etag, size in parts),
        tail=upload.tail or b"",
    )


def _columns(state: UploadState) -> dict[str, Any]:
    return {
        "offset": state.offset,
        "hash_state": state.hash_state,
        "head": state.head,
        "store_key": state.key,
        "store_upload": state.store_upload,
        "parts_json": json.dumps([list(part) for part in state.parts]),
        "tail": state.tail,
    }


def _now() -> datetime:
    return datetime.now(UTC)


def start_upload(
    db: Session,
    staging: StagingArea,
    user: User,
    length: int,
    metadata: dict[str, str],
    limits: UploadLimits,
    *,
    now: datetime | None = None,
) -> ResumableUpload:
    """A new upload of ``length`` bytes for ``user``, its bytes still to come."""
    uploader = require_upload(user)
    if length < 0:
        raise InvalidInput(N_("The upload length must be a whole number of bytes."))
    if length > limits.max_bytes:
        raise FileTooLarge("The file is larger than allowed.", limit=limits.max_bytes)
    event_id = metadata.get("event")
    if event_id:
        _event_for(db, uploader, event_id)  # refused now rather than after the last byte
    moment = now or _now()
    unfinished = db.scalar(
        select(func.count())
        .select_from(ResumableUpload)
        .where(
            ResumableUpload.user_id == uploader.id,
            ResumableUpload.asset_id.is_(None),
            ResumableUpload.expires_at > moment,
        )
    )
    if (unfinished or 0) >= limits.max_unfinished:
        raise TooManyRequests(TOO_MANY, limit=limits.max_unfinished)
    upload_id = secrets.token_hex(16)
    state = staging.create(upload_id)
    upload = ResumableUpload(
        id=upload_id,
        user_id=uploader.id,
        length=length,
        metadata_json=json.dumps(metadata, ensure_ascii=False),
        created_at=moment,
        expires_at=moment + limits.lifetime,
        **_columns(state),
    )
    db.add(upload)
    try:
        db.commit()
    except BaseException:
        staging.remove(upload_id, state)
        raise
    return upload


def _event_for(db: Session, user: User, raw: str) -> Event:
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput(N_("The event must be given by its number."), field="event")
    event = EVENTS.get_visible(db, user, int(raw))
    require_manage(user, event)
    return event


def get_upload(
    db: Session,
    staging: StagingArea,
    user: User,
    upload_id: str,
    *,
    now: datetime | None = None,
) -> ResumableUpload:
    """``user``'s upload ``upload_id``; an expired unfinished one is removed (``UploadExpired``)."""
    upload = db.get(ResumableUpload, upload_id) if len(upload_id) == 32 else None
    if upload is None or upload.user_id != user.id:
        raise NotFound(NOT_FOUND)
    # An upload begun before its hash was saved with it cannot go on: begun again.
    legacy = upload.asset_id is None and upload.offset > 0 and upload.hash_state is None
    if upload.expires_at <= (now or _now()) or legacy:
        _remove(db, staging, upload)
        if upload.asset_id is None:
            raise UploadExpired(EXPIRED)
        raise NotFound(NOT_FOUND)
    return upload


def _remove(db: Session, staging: StagingArea, upload: ResumableUpload) -> None:
    """The row, and the bytes of an unfinished upload (a finished one's are its asset's)."""
    if upload.asset_id is None:
        staging.remove(upload.id, state_of(upload))
    db.delete(upload)
    db.commit()


def _take_lease(db: Session, upload_id: str) -> str:
    token = secrets.token_hex(16)
    moment = _now()
    taken = db.execute(
        update(ResumableUpload)
        .where(
            ResumableUpload.id == upload_id,
            or_(ResumableUpload.lease.is_(None), ResumableUpload.lease_until < moment),
        )
        .values(lease=token, lease_until=moment + LEASE)
    )
    db.commit()
    if getattr(taken, "rowcount", 0) != 1:
        raise UploadBusy()
    return token


def _under_lease(db: Session, upload_id: str, token: str, **values: Any) -> bool:
    """Update the row if this request still holds its lease; whether it did."""
    done = db.execute(
        update(ResumableUpload)
        .where(ResumableUpload.id == upload_id, ResumableUpload.lease == token)
        .values(**values)
    )
    db.commit()
    return getattr(done, "rowcount", 0) == 1


def append_chunk(
    db: Session,
    storage: Storage,
    settings: IngestSettings,
    staging: StagingArea,
    user: User,
    upload_id: str,
    stream: BinaryIO,
    offset: int,
    *,
    checksum: Checksum | None = None,
    compliance_blocks: bool = True,
    now: datetime | None = None,
) -> tuple[ResumableUpload, Asset | None]:
    """Append a chunk at ``offset``; the upload, and its asset once the last byte is in."""
    upload = get_upload(db, staging, user, upload_id, now=now)
    if upload.asset_id is not None:
        if offset == upload.length and upload.offset == upload.length:
            return upload, db.get(Asset, upload.asset_id)  # a repeated last chunk
        raise InvalidInput(N_("The upload is already finished."))
    token = _take_lease(db, upload.id)
    renewed = _now()

    def heartbeat() -> None:
        nonlocal renewed
        moment = _now()
        if moment - renewed < RENEW:
            return
        if not _under_lease(db, upload_id, token, lease_until=moment + LEASE):
            raise UploadBusy()  # held too long without a sign of life: another took it
        renewed = moment

    try:
        db.refresh(upload)  # as the last request left it, on whichever host
        state = staging.append(
            upload.id,
            state_of(upload),
            stream,
            offset=offset,
            length=upload.length,
            checksum=checksum,
            heartbeat=heartbeat,
        )
    except BaseException:
        db.rollback()
        with suppress(Exception):
            _under_lease(db, upload_id, token, lease=None, lease_until=None)
        raise
    if not _under_lease(db, upload_id, token, lease=None, lease_until=None, **_columns(state)):
        raise UploadBusy()
    db.refresh(upload)
    if upload.offset < upload.length:
        return upload, None
    return upload, _finish(db, storage, settings, staging, user, upload, compliance_blocks)


def _finish(
    db: Session,
    storage: Storage,
    settings: IngestSettings,
    staging: StagingArea,
    user: User,
    upload: ResumableUpload,
    compliance_blocks: bool,
) -> Asset:
    """The whole file through the path every upload takes; the upload then names its asset."""
    metadata: dict[str, Any] = json.loads(upload.metadata_json or "{}")
    upload_id = upload.id
    try:
        event = _event_for(db, user, metadata["event"]) if metadata.get("event") else None
        fields = AssetFields(
            title=metadata.get("title"),
            description=metadata.get("description"),
            tags=metadata.get("tags"),
            credit=metadata.get("credit"),
            caption=metadata.get("caption"),
            copyright=metadata.get("copyright"),
            agency=metadata.get("agency"),
            category=metadata.get("category"),
        )
        state = state_of(upload)
        staged = staging.finish(upload_id, state)
        asset = create_asset(
            db,
            storage,
            settings,
            user,
            None,
            metadata.get("filename") or "",
            fields,
            event=event,
            compliance_blocks=compliance_blocks,
            staged=staged,
        )
    except BaseException:
        # A refused file ends its upload (and so does a failure on the way: the
        # local file was handed over, the joined object would wait for nothing).
        db.rollback()
        with suppress(Exception):
            gone = db.get(ResumableUpload, upload_id)
            staging.remove(upload_id, state_of(gone) if gone is not None else None)
            if gone is not None:
                db.delete(gone)
                db.commit()
        raise
    upload = db.get(ResumableUpload, upload_id) or upload
    upload.asset_id = asset.id
    # What stays is the asset's; the row keeps no bytes nor any key to remove later.
    upload.store_key = upload.store_upload = upload.tail = upload.hash_state = None
    upload.parts_json = None
    db.commit()
    if staged.key is not None and asset.storage_key != staged.key:
        with suppress(BrandHubError):
            storage.delete(staged.key)  # stored under another key (a sanitised drawing)
    return asset


def cancel_upload(db: Session, staging: StagingArea, user: User, upload_id: str) -> None:
    """Remove ``user``'s upload and the bytes it has (tus termination)."""
    _remove(db, staging, get_upload(db, staging, user, upload_id))


def remove_expired(
    db: Session,
    staging: StagingArea,
    *,
    grace: timedelta = timedelta(hours=1),
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Uploads past their expiry (unfinished, or finished and kept to answer); their ids.

    Also removes the staging files no upload names any more and untouched for
    ``grace`` (a process killed between writing the file and the row).
    """
    moment = now or _now()
    rows = list(db.scalars(select(ResumableUpload).where(ResumableUpload.expires_at <= moment)))
    expired = [row.id for row in rows]
    known = set(db.scalars(select(ResumableUpload.id)))
    orphans = [
        upload_id
        for upload_id in staging.iter_ids()
        if upload_id not in known and (staging.modified(upload_id) or moment) < moment - grace
    ]
    if dry_run:
        return expired + orphans
    for row in rows:
        if row.asset_id is None:
            staging.remove(row.id, state_of(row))
    for upload_id in orphans:
        staging.remove(upload_id)
    if expired:
        db.execute(delete(ResumableUpload).where(ResumableUpload.id.in_(expired)))
        db.commit()
    return expired + orphans
