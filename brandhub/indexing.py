"""Keeping the search index in step with the database, through an outbox.

Queueing
--------

Every flush that inserts, changes or deletes an asset also inserts an
``IndexChange`` row in the same transaction (SQLAlchemy ``before_flush`` and
``after_flush`` listeners on every session), so no code path can forget to
index and a rolled back change leaves nothing queued. Rows of other models
that an asset's document shows (its tags' names, its agency's slug, the name
of its event, the collections it belongs to) are registered with
:func:`register_related`; a change to one queues every asset linked to it,
before and after the change (an asset taken out of a collection is queued
too). Changes that cannot alter a document (a new rendition, ``updated_at``)
queue nothing. Statements that bypass the ORM (``session.execute(update(...))``)
are not seen: code that uses them calls :func:`enqueue` itself.

In the database's own transaction (the PostgreSQL backend)
---------------------------------------------------------

When the search index is tables in the same PostgreSQL database
(``BRANDHUB_SEARCH_BACKEND=postgres``), the app's sessions carry the index in
``session.info[IN_TRANSACTION]``. Then the flush listeners note the changed
asset ids instead of queueing them, and just before the transaction commits
(``before_commit``) their documents are built from the rows as they are and
written with the same connection: the row and its document commit or roll back
together, and a search right after the commit sees the change. Only the
changes that wait for a moment (an embargo that ends) still go through the
outbox and a drain.

Draining
--------

:func:`drain_outbox` is the one index writer's loop body, a plain function
so that a request hook, a background task, the command line and tests can
all call it. It takes the due changes oldest first, collapses them per asset,
builds documents from the rows as they are *now* (a missing row means
delete), applies them in one index commit and only then deletes the outbox
rows it handled: delivery is at least once, and applying a change twice is
harmless. Drains in several threads or processes take turns on a lock file
beside the index, held from reading the outbox to deleting its rows. Without
it a drain that read an asset before another drain could apply its older copy
after the newer one, and delete the change that would have fixed it.

If the lock or the index stays busy longer than ``lock_timeout`` seconds the
changes simply stay queued for the next drain; nothing is lost and the
request that caused them still succeeds.

Rebuilding
----------

:func:`rebuild` builds a whole new index from the database beside the one in
use and swaps it in; ``brandhub reindex`` and the reindex job both call it.

Visibility that changes with time
---------------------------------

An asset under embargo becomes public when the embargo ends, and a
publication with an expiry date stops being public when it expires, without
any row changing. When such an asset is saved, a second change is queued with
``not_before`` set to that moment; drains leave it alone until then, and the
document built at that moment says the new truth. Between that moment and the
next drain the index can be a little late (a drain runs after every write and
before searches when changes are due); ``brandhub check-index`` finds and
``--repair`` fixes anything that slipped through.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, insert, inspect, or_, select
from sqlalchemy.orm import Session, with_parent

from search_index import AssetDocument, IndexBusy, IndexUnavailable, SearchIndex
from search_index.pg_index import PostgresSearchIndex

from . import file_text
from .categories import asset_category
from .db import listen_on_sessions
from .models import Agency, Asset, Collection, Event, IndexChange, Tag, utcnow

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows; one process there
    fcntl = None  # type: ignore[assignment]  # no such module there: None says so

log = logging.getLogger(__name__)

#: Asset attributes that no document shows: changing only these queues nothing.
IGNORED_ATTRIBUTES = frozenset(
    {"renditions", "updated_at", "uploaded_by", "uploaded_by_id", "storage_key", "copyright"}
)
#: Asset columns holding the moments its public visibility changes by itself.
TIMED_ATTRIBUTES = ("embargo_until", "expires_at")
LOCK_FILE = "OUTBOX.lock"
#: ``session.info`` key of a callable giving an index written inside the session's
#: transaction (the PostgreSQL backend; see "In the database's own transaction").
IN_TRANSACTION = "brandhub.search_in_transaction"
_NOW = "brandhub.search_now"

AssetIds = Callable[[Connection, Any], Iterable[int]]
#: Model -> function giving the ids of the assets whose documents show that row.
RELATED: dict[type, AssetIds] = {}


def register_related(model: type, asset_ids: AssetIds | None = None) -> None:
    """Queue the assets linked to a ``model`` row whenever that row changes.

    ``asset_ids(connection, obj)`` gives their ids; by default, every asset
    the row reaches through its relationships to :class:`Asset` (an event's
    assets, a collection's members). It runs just before the flush and just
    after it, so links that the change removes and adds both count.
    """
    RELATED[model] = asset_ids or _linked_assets


def _linked_assets(connection: Connection, obj: Any) -> set[int]:
    state = inspect(obj)
    stored = state.persistent or state.deleted
    ids: set[int] = set()
    for rel in state.mapper.relationships:  # obj -> assets (event.assets, item.asset)
        if rel.mapper.class_ is not Asset:
            continue
        history = state.attrs[rel.key].history
        ids.update(a.id for a in (*history.added, *history.deleted) if a.id is not None)
        if stored:
            attr = getattr(type(obj), rel.key)
            ids.update(connection.scalars(select(Asset.id).where(with_parent(obj, attr))))
    if stored:
        for rel in inspect(Asset).relationships:  # asset -> obj (asset.event, asset.collections)
            if rel.mapper.class_ is type(obj) and rel.key not in IGNORED_ATTRIBUTES:
                attr = getattr(Asset, rel.key)
                clause = attr.contains(obj) if rel.uselist else attr == obj
                ids.update(connection.scalars(select(Asset.id).where(clause)))
    return ids


def _renamed(column: str, query: Callable[[Any], Any]) -> AssetIds:
    """Assets of a row whose ``column`` changed (a renamed tag, an agency's new slug)."""

    def asset_ids(connection: Connection, obj: Any) -> Iterable[int]:
        state = inspect(obj)
        if state.persistent and state.attrs[column].history.has_changes():
            return connection.scalars(query(obj))
        return ()

    return asset_ids


register_related(
    Tag, _renamed("name", lambda tag: select(Asset.id).where(Asset.tags.any(Tag.id == tag.id)))
)
register_related(
    Agency, _renamed("slug", lambda agency: select(Asset.id).where(Asset.agency_id == agency.id))
)


def _register_sets() -> None:
    """Events and collections name what their assets show: a change to one reindexes its assets."""
    for model in (Event, Collection):
        if model not in RELATED:
            register_related(model)


# Queueing


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _asset_changed(obj: Asset) -> bool:
    state = inspect(obj)
    return any(
        attr.history.has_changes() for attr in state.attrs if attr.key not in IGNORED_ATTRIBUTES
    )


def _related_ids(session: Session, objects: Iterable[Any]) -> set[int]:
    ids: set[int] = set()
    for obj in objects:
        asset_ids = RELATED.get(type(obj))
        if asset_ids is not None and (
            obj in session.new or obj in session.deleted or session.is_modified(obj)
        ):
            ids.update(asset_ids(session.connection(), obj))
    return ids


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Links as they are before the flush: a row leaving a collection still counts.
    related = [o for o in (*session.dirty, *session.deleted) if type(o) in RELATED]
    if related:
        session.info.setdefault("index_related", set()).update(_related_ids(session, related))


def _after_flush(session: Session, _context: Any) -> None:
    now = utcnow()
    changes: dict[int, str] = {}
    timed: list[tuple[int, datetime]] = []
    for obj in (*session.new, *session.dirty):
        if (
            isinstance(obj, Asset)
            and obj.id is not None
            and (obj in session.new or _asset_changed(obj))
        ):
            changes[obj.id] = "upsert"
            for name in TIMED_ATTRIBUTES:
                when = _aware(getattr(obj, name, None))
                if when is not None and when > now:
                    timed.append((obj.id, when))
    for obj in session.deleted:
        if isinstance(obj, Asset) and obj.id is not None:
            changes[obj.id] = "delete"
    related = session.info.pop("index_related", set())
    related |= _related_ids(
        session, [o for o in (*session.new, *session.dirty) if type(o) in RELATED]
    )
    for asset_id in related:
        changes.setdefault(asset_id, "upsert")
    immediate = [
        {"asset_id": i, "op": op, "created_at": now, "not_before": None}
        for i, op in changes.items()
    ]
    if session.info.get(IN_TRANSACTION) is not None:
        session.info.setdefault(_NOW, set()).update(changes)
        immediate = []
    rows = immediate + [
        {"asset_id": i, "op": "upsert", "created_at": now, "not_before": t} for i, t in timed
    ]
    if rows:
        session.connection().execute(insert(IndexChange), rows)


def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop("index_related", None)
    session.info.pop(_NOW, None)


def _before_commit(session: Session) -> None:
    """Write the documents of the assets this transaction changed, in it (PostgreSQL backend)."""
    index_of = session.info.get(IN_TRANSACTION)
    if index_of is None:
        return
    while True:
        session.flush()  # its listeners note what it changed
        ids = session.info.pop(_NOW, None)
        if not ids:
            return
        connection = session.connection()
        # Read the rows afresh, on the same connection (so inside this transaction): the
        # session's own objects may hold relationships loaded before this flush (a
        # text row added by id leaves ``asset.piece_text`` as it was), and the caller's
        # objects are left as they are.
        with Session(bind=connection, autoflush=False) as fresh:
            assets = {a.id: a for a in fresh.scalars(select(Asset).where(Asset.id.in_(ids)))}
            now = utcnow()
            upserts = [document_for(assets[i], now) for i in sorted(ids) if i in assets]
        index_of().apply(
            upserts=upserts, deletes=sorted(set(ids) - set(assets)), connection=connection
        )


def install() -> None:
    """Listen on every SQLAlchemy session (idempotent)."""
    _register_sets()
    listen_on_sessions(
        {
            "before_flush": _before_flush,
            "after_flush": _after_flush,
            "after_soft_rollback": _after_rollback,
            "before_commit": _before_commit,
        }
    )


def enqueue(db: Session, asset_ids: Iterable[int]) -> None:
    """Queue ``asset_ids`` for reindexing in ``db``'s transaction (for Core statements)."""
    if db.info.get(IN_TRANSACTION) is not None:
        db.info.setdefault(_NOW, set()).update(asset_ids)
        return
    now = utcnow()
    rows = [{"asset_id": i, "op": "upsert", "created_at": now} for i in asset_ids]
    if rows:
        db.execute(insert(IndexChange), rows)


# Documents


def is_public(asset: Asset, now: datetime | None = None) -> bool:
    """Whether anyone may see ``asset`` now: public, approved, not embargoed nor expired."""
    if not (asset.public and asset.status == "approved"):
        return False
    now = now or utcnow()
    embargo = _aware(getattr(asset, "embargo_until", None))
    expires = _aware(getattr(asset, "expires_at", None))
    return not (embargo is not None and embargo > now) and not (
        expires is not None and expires <= now
    )


def _shown_with(asset: Asset, container: Any, public: bool) -> bool:
    """Whether everyone who finds ``asset`` may see ``container`` (an event or a collection).

    A container's title is searchable text of the asset, so it goes into the
    asset's document only when it tells nobody anything new: the container is
    public, or the asset is not public and both belong to the same agency (then
    the asset's readers are that agency's people, who see the container too).
    Otherwise another agency's private collection "Despidos masivos" would make
    a public photo findable, and highlighted, by "despidos".
    """
    if getattr(container, "public", False):
        return True
    agency = getattr(container, "agency_id", None)
    return not public and agency is not None and agency == asset.agency_id


def _title(container: Any) -> str:
    return str(getattr(container, "name", None) or getattr(container, "title", None) or "")


def _event_name(asset: Asset, public: bool = False) -> str:
    found = getattr(asset, "event", None)
    return _title(found) if found is not None and _shown_with(asset, found, public) else ""


def _collection_names(asset: Asset, public: bool = False) -> tuple[str, ...]:
    found = getattr(asset, "collections", None) or ()
    return tuple(_title(c) for c in found if _shown_with(asset, c, public))


def document_for(asset: Asset, now: datetime | None = None) -> AssetDocument:
    """The search document of an asset as its row says now."""
    metadata = file_text.with_columns(asset.metadata_json, asset)
    # The year it was taken as the camera's clock read it (a photo of a New Year's
    # Eve party is of the old year wherever the server is); an undated asset is
    # "undated", never its upload year.
    when = asset.captured_local or asset.captured_at
    public = is_public(asset, now)
    return AssetDocument(
        id=asset.id,
        title=asset.title,
        description=asset.description or "",
        tags=tuple(asset.tag_names),
        credit=asset.credit or "",
        creator=asset.creator or "",
        caption=asset.caption or "",
        keywords=file_text.file_keywords(metadata)[:50],
        event=_event_name(asset, public),
        collections=tuple(n for n in _collection_names(asset, public) if n),
        filename=asset.original_filename or "",
        camera=file_text.camera(metadata),
        lens=file_text.lens(metadata),
        embedded=file_text.embedded_texts(
            metadata, (asset.title, asset.description or "", asset.caption or "")
        ),
        text=_piece_text(asset),
        kind=asset.kind,
        category=asset_category(asset),
        agency=asset.agency.slug if asset.agency else "",
        year=when.year if when else None,
        orientation=asset.orientation,
        compliance=getattr(asset, "compliance", None) or "unchecked",
        status=asset.status,
        public=public,
        created_at=asset.created_at,
        captured_at=asset.captured_at,
    )


def _piece_text(asset: Asset) -> str:
    """The words read from the asset's current file (``operations/piece_text.py``)."""
    row = getattr(asset, "piece_text", None)
    if row is None or row.sha256 != asset.sha256:
        return ""
    return str(row.text or "")


def iter_documents(db: Session, batch: int = 500) -> Iterator[AssetDocument]:
    """Every asset's document, read lazily in batches of ``batch`` rows (for rebuilds)."""
    last = 0
    while True:
        chunk = db.scalars(
            select(Asset).where(Asset.id > last).order_by(Asset.id).limit(batch)
        ).all()
        if not chunk:
            return
        now = utcnow()
        for asset in chunk:
            yield document_for(asset, now)
        last = chunk[-1].id
        db.expunge_all()


# Draining


@contextmanager
def drain_lock(index_path: Path, timeout: float) -> Iterator[bool]:
    """Take turns with every other drain on this index; yields whether we got the turn."""
    index_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is None:  # pragma: no cover
            yield True
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.005)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _due(now: datetime) -> Any:
    return or_(IndexChange.not_before.is_(None), IndexChange.not_before <= now)


def drain_outbox(
    db: Session,
    index: SearchIndex | PostgresSearchIndex,
    batch: int = 500,
    lock_timeout: float | None = None,
) -> int:
    """Apply up to ``batch`` due changes to the index; return how many outbox rows it handled.

    ``db`` should be a session of its own: the drain commits it. Returns 0,
    leaving the changes queued, when the index or the drain lock stays busy
    for ``lock_timeout`` seconds (by default, as long as the index waits for
    its own lock) or the index cannot be written.
    """
    if lock_timeout is None:
        lock_timeout = index.lock_timeout
    with drain_lock(index.path, lock_timeout) as ours:
        if not ours:
            log.warning(
                "another drain kept the search outbox for %ss; changes stay queued", lock_timeout
            )
            return 0
        # Read everything after taking the turn, so this drain sees every change
        # that the previous one saw, and never writes an older copy after it.
        db.commit()
        db.expire_all()
        now = utcnow()
        rows = db.execute(
            select(IndexChange.id, IndexChange.asset_id)
            .where(_due(now))
            .order_by(IndexChange.id)
            .limit(batch)
        ).all()
        if not rows:
            db.commit()
            return 0
        ids = {asset_id for _, asset_id in rows}
        assets = {
            a.id: a
            for a in db.scalars(
                select(Asset).where(Asset.id.in_(ids)).execution_options(populate_existing=True)
            )
        }
        upserts = [document_for(assets[i], now) for i in sorted(ids) if i in assets]
        deletes = sorted(ids - set(assets))
        try:
            index.apply(upserts=upserts, deletes=deletes)
        except IndexUnavailable as exc:
            db.rollback()
            log.warning("search index not updated, %d changes stay queued: %s", len(rows), exc)
            return 0
        handled = [change_id for change_id, _ in rows]
        db.execute(delete(IndexChange).where(IndexChange.id.in_(handled)))
        db.commit()
        return len(rows)


def drain_all(
    db: Session,
    index: SearchIndex | PostgresSearchIndex,
    batch: int = 500,
    lock_timeout: float | None = None,
    max_batches: int | None = None,
) -> int:
    """Drain batch after batch until a batch comes back short (or ``max_batches``)."""
    total = rounds = 0
    while max_batches is None or rounds < max_batches:
        done = drain_outbox(db, index, batch, lock_timeout)
        total += done
        rounds += 1
        if done < batch:
            break
    return total


def pending(db: Session, now: datetime | None = None) -> int:
    """Number of queued changes that are due."""
    query = select(func.count()).select_from(IndexChange).where(_due(now or utcnow()))
    return db.scalar(query) or 0


def scheduled(db: Session, now: datetime | None = None) -> int:
    """Number of changes queued for later (embargoes and expiries to come)."""
    query = (
        select(func.count())
        .select_from(IndexChange)
        .where(IndexChange.not_before > (now or utcnow()))
    )
    return db.scalar(query) or 0


def has_due(db: Session) -> bool:
    """Whether any change waits to be drained (one cheap query)."""
    return db.scalar(select(IndexChange.id).where(_due(utcnow())).limit(1)) is not None


def due_ids(db: Session) -> list[int]:
    """Ids of the due outbox rows (a rebuild reads every asset after taking them)."""
    return list(db.scalars(select(IndexChange.id).where(_due(utcnow()))))


def forget(db: Session, change_ids: list[int], chunk: int = 1000) -> None:
    """Delete the outbox rows ``change_ids`` (handled by a rebuild) and commit."""
    for start in range(0, len(change_ids), chunk):
        part = change_ids[start : start + chunk]
        db.execute(delete(IndexChange).where(IndexChange.id.in_(part)))
    db.commit()


# Rebuilding

#: Given how many assets a rebuild indexes, a context whose value is told how many are done.
Progress = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]


class OutboxBusy(IndexBusy):
    """A drain kept the search outbox longer than a rebuild waits to start."""


def rebuild(
    db: Session,
    index_path: Path,
    lock_timeout: float,
    *,
    batch: int = 500,
    progress: Progress | None = None,
    index: PostgresSearchIndex | None = None,
) -> int:
    """Build a whole new index from the database and swap it in; how many assets it indexed.

    ``index``, when given, is the PostgreSQL index to rebuild instead of the
    Whoosh folder at ``index_path`` (its documents are replaced in one
    transaction; searches read the old ones until it commits).

    The new index is built beside the one in use (see :mod:`search_index.index`),
    so searches keep answering from the old one meanwhile and changes made
    during the rebuild are replayed into the new one. The outbox rows that were
    due when it started are then deleted: the rebuild read every asset after
    they were committed. ``batch`` rows are read per query. The caller closes
    the index it holds open (``SearchService.forget``) to see the new one.
    Raises :class:`OutboxBusy` when a drain keeps the outbox for ``lock_timeout``.
    """
    # Taken between drains: every change these rows stand for is committed, and
    # any drain after this reads rows at least as new as the rebuild will.
    with drain_lock(index_path, lock_timeout) as ours:
        if not ours:
            raise OutboxBusy("The search index is busy; try again in a moment.")
        handled = due_ids(db)
        db.commit()
    count = db.scalar(select(func.count()).select_from(Asset)) or 0
    target = index or SearchIndex.for_rebuild(index_path, lock_timeout=lock_timeout)
    try:
        with progress(count) if progress else nullcontext() as step:
            written = target.rebuild(iter_documents(db, batch), count=count, progress=step)
    finally:
        target.close()
    forget(db, handled)
    return written
