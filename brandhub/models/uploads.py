"""Resumable (tus) uploads that have not become an asset yet: who, how long, how far."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .users import User


class ResumableUpload(Base):
    """One upload through /api/v1/uploads, from its creation to its asset.

    ``id`` is the unguessable name in the upload's URL; ``length`` what the
    client declared, ``offset`` how many bytes have arrived (the staging
    area's file is the truth, this the last value a request saw);
    ``metadata_json`` the decoded ``Upload-Metadata`` (filename and the
    asset's fields). An upload not finished by ``expires_at`` is refused and
    removed; a finished one names its asset (``asset_id``) until it expires
    too, so a client whose last answer was lost can still ask where it went.

    The staging state (``assets.resumable.UploadState``) lives here too, so a
    chunk may land on any web process or host sharing the database and the
    store: the running SHA-256 (``hash_state``), the first bytes (``head``),
    and on S3 the object's key, the multipart upload's id, its parts' ETags
    and sizes (``parts_json``) and the bytes after the last part (``tail``,
    less than one part; once the parts are joined, the file's last 64 KiB until
    the asset is made). ``lease`` and ``lease_until`` let one request at a
    time write to the upload, across hosts.
    """

    __tablename__ = "resumable_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    metadata_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    asset_id: Mapped[int | None] = mapped_column(Integer)
    hash_state: Mapped[bytes | None] = mapped_column(LargeBinary)
    head: Mapped[bytes | None] = mapped_column(LargeBinary)
    store_key: Mapped[str | None] = mapped_column(String(300))
    store_upload: Mapped[str | None] = mapped_column(String(1024))
    parts_json: Mapped[str | None] = mapped_column(Text)
    tail: Mapped[bytes | None] = mapped_column(LargeBinary)
    lease: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
