"""Background jobs as people see them: what is being done, how it went, why it failed.

The queue itself (huey) holds only "run task T with job id N"; this table is
what the pages and the API show. A job row is written in the same transaction
as the thing it works on (an asset committed without its preview has its
``media`` job committed with it), and dispatched to the queue only after that
commit, so there is never a queued task for a row that does not exist nor a
row whose work was never queued.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .assets import Asset
from .base import Base, UTCDateTime, utcnow
from .users import User

JOB_KINDS = ("media", "import", "reindex", "text")
JOB_STATES = ("queued", "running", "done", "failed")
#: States in which the work is still to come.
PENDING_STATES = ("queued", "running")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_kind_subject_id", "kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The asset a media job works on: the job goes when the asset goes.
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), index=True
    )
    # What other kinds work on (an import's id); None when nothing in particular.
    subject_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    # Why the last attempt failed: an English message (translated when shown).
    error: Mapped[str | None] = mapped_column(Text)
    # Task arguments and progress ({"done": n, "total": m}) as the task reports them.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    asset: Mapped[Asset | None] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def pending(self) -> bool:
        return self.state in PENDING_STATES
