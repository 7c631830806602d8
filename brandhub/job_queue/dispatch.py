"""Queue work only after the transaction that asks for it commits.

Two session listeners note, flush by flush, the ``Job`` rows a transaction
adds and whether it touched anything a search document shows (an asset, or a
row registered with ``indexing.register_related``); when the transaction
commits, the app's queue gets the jobs and one drain. A rolled-back
transaction queues nothing; a commit outside any app context (a script with a
bare session) queues nothing either, and the minute sweep catches up.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy.orm import Session, SessionTransaction

from .. import indexing
from ..db import listen_on_sessions
from ..models import Asset, Job
from .queue import current_queue

_JOBS = "brandhub.jobs.new"
_INDEX = "brandhub.jobs.index_changed"


def _touches_index(session: Session) -> bool:
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Asset) or type(obj) in indexing.RELATED:
            return True
    return False


def _after_flush(session: Session, _context: Any) -> None:
    jobs = [obj for obj in session.new if isinstance(obj, Job)]
    if jobs:
        session.info.setdefault(_JOBS, []).extend(jobs)
    if not session.info.get(_INDEX) and _touches_index(session):
        session.info[_INDEX] = True


def _after_commit(session: Session) -> None:
    jobs = session.info.pop(_JOBS, None) or []
    index_changed = session.info.pop(_INDEX, False)
    if not jobs and not index_changed:
        return
    queue = current_queue()
    if queue is not None:
        queue.after_commit(session, [job.id for job in jobs], index_changed)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # A savepoint ending changes nothing: its flushes commit or roll back with the
    # whole transaction. The whole transaction ending without a commit drops the notes.
    if transaction.parent is None:
        session.info.pop(_JOBS, None)
        session.info.pop(_INDEX, None)


def install() -> None:
    """Listen on every SQLAlchemy session (idempotent)."""
    listen_on_sessions(
        {
            "after_flush": _after_flush,
            "after_commit": _after_commit,
            "after_transaction_end": _after_transaction_end,
        }
    )
