"""Each document's facet codes and sort keys, kept in this process for the PostgreSQL backend.

A search for a frequent word matches tens of thousands of documents; counting
their facets, filtering them by who may see them and sorting them needs a few
numbers of each. Reading those from ``brandhub_search.documents`` means one
visit to each matching row: most of the cost of such a search at a million
documents. So each process keeps them in arrays indexed by asset id (about 65
bytes a document), like the Whoosh backend's facet caches, and keeps them in
step with the table before every search by reading only what changed:

* ``documents.changed`` holds the transaction that last wrote each row, and
  ``removed`` each document taken out with the transaction that did it;
* after reading, the copy remembers the oldest transaction still running when
  it began (``pg_snapshot_xmin``). Every change it has not seen was made by
  that transaction or a later one, so the next refresh reads the rows whose
  ``changed`` is at least that: nothing is missed, and a change seen twice is
  applied twice to the same effect;
* a rebuild starts a new ``generation`` (in ``meta``): the copy is then read
  again whole.

The copy may be a moment ahead of a search's own snapshot (another thread
refreshed it since): a document changed in between counts under its newer
values, as it will in the next search.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection

from .pg_schema import SCHEMA

__all__ = ["DocValues", "Snapshot", "doc_values_for", "forget_all"]

#: Missing code (a facet without a value).
NONE = -1


@dataclass(frozen=True)
class Snapshot:
    """The arrays a search reads (a refresh writes changes in place, or grows new ones).

    Tags vary in number: each document's codes lie in ``tag_codes`` from
    ``tag_start`` for ``tag_count``; a document written again gets its tags
    appended (the old ones stay unread until the buffer is compacted).
    """

    present: np.ndarray  # bool, by asset id
    public: np.ndarray  # bool
    created: np.ndarray  # int64
    codes: np.ndarray  # int32 [asset id, single-valued facet], NONE when missing
    tag_start: np.ndarray  # int64
    tag_count: np.ndarray  # int32
    tag_codes: np.ndarray  # int32

    def known(self, ids: np.ndarray) -> np.ndarray:
        """``ids`` of documents this copy has (the others were written after it was read)."""
        ids = ids[ids < len(self.present)]
        known: np.ndarray = ids[self.present[ids]]
        return known

    def tags_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every tag code of the documents ``ids``, and the place in ``ids`` of its own."""
        counts = self.tag_count[ids].astype(np.int64)
        ends = np.cumsum(counts)
        owners = np.repeat(np.arange(len(ids)), counts)
        within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)
        places = np.repeat(self.tag_start[ids], counts) + within
        # Within the buffer even while a refresh rewrites a document's place and count
        # (a search then may read other codes for it, as for any change under way).
        found: np.ndarray = self.tag_codes[np.minimum(places, len(self.tag_codes) - 1)]
        return found, owners


def _unpack(blob: bytes | None, dtype: str) -> np.ndarray:
    return np.frombuffer(blob or b"", dtype=dtype)


class DocValues:
    """The copy for one database (see the module docstring); safe to share between threads."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        #: The single-valued facets' code columns, in the order of ``Snapshot.codes``.
        self.columns = columns
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._xmin: str | None = None
        self._snapshot = self._empty(0, 0)
        self._tags_used = 0
        #: ``(facet, value)`` of each code read so far: a code never changes meaning.
        self.labels: dict[int, tuple[str, str]] = {}

    def _empty(self, size: int, tags: int) -> Snapshot:
        return Snapshot(
            present=np.zeros(size, dtype=bool),
            public=np.zeros(size, dtype=bool),
            created=np.zeros(size, dtype=np.int64),
            codes=np.full((size, len(self.columns)), NONE, dtype=np.int32),
            tag_start=np.zeros(size, dtype=np.int64),
            tag_count=np.zeros(size, dtype=np.int32),
            tag_codes=np.zeros(tags, dtype=np.int32),
        )

    def nbytes(self) -> int:
        """Bytes the copy's arrays take."""
        snap = self._snapshot
        return sum(
            a.nbytes
            for a in (
                snap.present,
                snap.public,
                snap.created,
                snap.codes,
                snap.tag_start,
                snap.tag_count,
                snap.tag_codes,
            )
        )

    def refresh(self, conn: Connection) -> Snapshot:
        """Bring the copy up to date with what ``conn`` can see; the arrays to read."""
        with self._lock:
            generation = conn.execute(
                text(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'generation'")
            ).scalar_one_or_none()
            # Taken before reading: every change not read below has a transaction id at
            # least this (it was running, or began later).
            xmin = str(
                conn.execute(text("SELECT pg_snapshot_xmin(pg_current_snapshot())")).scalar_one()
            )
            if generation != self._generation or self._xmin is None:
                snapshot = self._empty(0, 0)
                self._tags_used = 0
                self.labels.clear()
                changed, since = "true", {}
            else:
                snapshot = self._snapshot
                changed = "changed >= CAST(:since AS xid8)"
                since = {"since": self._xmin}
                gone = _unpack(
                    conn.execute(
                        text(
                            f"SELECT string_agg(int8send(asset_id), '') FROM {SCHEMA}.removed "
                            f"WHERE {changed}"
                        ),
                        since,
                    ).scalar_one(),
                    ">i8",
                )
                gone = gone[gone < len(snapshot.present)]
                snapshot.present[gone] = False
                snapshot.tag_count[gone] = 0
            snapshot = self._read(conn, snapshot, changed, since)
            self._snapshot = snapshot
            self._generation = generation
            self._xmin = xmin
            return snapshot

    def _read(
        self, conn: Connection, snapshot: Snapshot, changed: str, params: dict[str, Any]
    ) -> Snapshot:
        """The rows ``changed`` selects, written into the arrays (grown when needed)."""
        codes = ", ".join(f"string_agg(int4send(coalesce({c}, {NONE})), '')" for c in self.columns)
        row = conn.execute(
            text(
                "SELECT string_agg(int8send(asset_id), ''), string_agg(boolsend(public), ''), "
                f"string_agg(int8send(created), ''), {codes} "
                f"FROM {SCHEMA}.documents WHERE {changed}"
            ),
            params,
        ).one()
        ids = _unpack(row[0], ">i8").astype(np.int64)
        if not len(ids):
            return snapshot
        pairs = conn.execute(
            text(
                f"SELECT string_agg(int8send(d.asset_id), ''), string_agg(int4send(t), '') "
                f"FROM {SCHEMA}.documents d, unnest(d.c_tags) AS t WHERE {changed}"
            ),
            params,
        ).one()
        tag_ids = _unpack(pairs[0], ">i8").astype(np.int64)
        tag_codes = _unpack(pairs[1], ">i4").astype(np.int32)
        order = np.argsort(tag_ids, kind="stable")  # each document's tags together, in order
        tag_ids, tag_codes = tag_ids[order], tag_codes[order]
        size = int(ids.max()) + 1
        live = int(snapshot.tag_count.sum()) + len(tag_codes)
        if self._tags_used > 2 * live + 4096:  # mostly tags rewritten since: compact
            snapshot = self._grown(snapshot, len(snapshot.present), 0, compact=True)
        needed = self._tags_used + len(tag_codes)
        if size > len(snapshot.present) or needed > len(snapshot.tag_codes):
            # New arrays, with room for the next ids and tags; searches still reading
            # the old ones finish with them.
            snapshot = self._grown(
                snapshot,
                max(size, len(snapshot.present) * 5 // 4),
                max(needed, len(snapshot.tag_codes) * 3 // 2),
            )
        # Written in place: a search running meanwhile may see a document's new values
        # (as it would a moment later). Its values first, that it exists last.
        target = snapshot
        target.public[ids] = _unpack(row[1], "?")
        target.created[ids] = _unpack(row[2], ">i8")
        for column in range(len(self.columns)):
            target.codes[ids, column] = _unpack(row[3 + column], ">i4")
        at = self._tags_used
        target.tag_codes[at : at + len(tag_codes)] = tag_codes
        self._tags_used = at + len(tag_codes)
        target.tag_count[ids] = 0
        owners, first = np.unique(tag_ids, return_index=True)
        target.tag_start[owners] = at + first
        target.tag_count[owners] = np.diff(np.append(first, len(tag_ids)))
        target.present[ids] = True
        return target

    def _grown(self, snapshot: Snapshot, size: int, tags: int, compact: bool = False) -> Snapshot:
        """A copy of ``snapshot`` in arrays of ``size`` documents and room for ``tags``
        codes (``compact``: only the codes documents still point at, and just that room)."""
        old = len(snapshot.present)
        if compact:
            every = np.arange(old)
            kept, _owners = snapshot.tags_of(every)
            tags = max(tags, len(kept))
        grown = self._empty(size, tags)
        grown.present[:old] = snapshot.present
        grown.public[:old] = snapshot.public
        grown.created[:old] = snapshot.created
        grown.codes[:old] = snapshot.codes
        grown.tag_count[:old] = snapshot.tag_count
        if compact:
            counts = snapshot.tag_count.astype(np.int64)
            grown.tag_start[:old] = np.cumsum(counts) - counts
            grown.tag_codes[: len(kept)] = kept
            self._tags_used = len(kept)
        else:
            grown.tag_start[:old] = snapshot.tag_start
            grown.tag_codes[: self._tags_used] = snapshot.tag_codes[: self._tags_used]
        return grown


_COPIES: dict[tuple[str, tuple[str, ...]], DocValues] = {}
_COPIES_LOCK = threading.Lock()


def doc_values_for(database: str, columns: tuple[str, ...]) -> DocValues:
    """This process's copy for ``database`` (its URL): one per database, shared by threads."""
    key = (database, columns)
    with _COPIES_LOCK:
        found = _COPIES.get(key)
        if found is None:
            found = _COPIES[key] = DocValues(columns)
        return found


def forget_all() -> None:
    """Drop every copy of this process (for a database emptied or replaced by other means
    than this backend: its copies would describe what is no longer there)."""
    with _COPIES_LOCK:
        _COPIES.clear()
