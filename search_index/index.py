"""The search index of BrandHub's assets: one object to update it, search it and rebuild it.

How indexing works
==================

The database is the source of truth; the index is derived data that can be
thrown away and rebuilt from it at any time. The app turns each asset row
into an :class:`~search_index.documents.AssetDocument` (plain values, no ORM
object) and hands batches of them to :meth:`SearchIndex.apply`, usually
from a worker draining an outbox table so that a crash never loses a change.

On disk
-------

The index root holds *generations*, each a complete Whoosh index, and a
``CURRENT`` file naming the one in use (see :mod:`search_index.layout`).
Normal updates go into the current generation. A rebuild writes a new
generation beside it and swaps ``CURRENT`` atomically when done, so
searches never see a half-built index.

Writing
-------

:meth:`~SearchIndex.apply` opens one Whoosh writer, deletes and
upserts (``update_document`` on the unique ``id`` field) the whole batch and
commits once. Several web processes and workers may call it at the same
time: Whoosh allows one writer per index, enforced by a lock file, and a
writer that finds the lock taken fails at once by default (measured: four
processes writing 100 documents lost 75 to ``LockError``). So we wait for
the lock, up to ``lock_timeout`` seconds, retrying every 10 ms; only if it
stays taken that long does :class:`~search_index.errors.IndexBusy` reach the
caller, who keeps the change queued and retries. After getting the lock we
check that ``CURRENT`` did not move while we waited (a rebuild may have
swapped); if it did, we let go and write to the new generation instead.

Rebuilding
----------

:meth:`~SearchIndex.rebuild` creates the next generation folder, announces
itself in a ``REBUILD`` marker (written while holding the current
generation's write lock, so every ``apply`` either finished before or sees
the marker), then indexes every document and commits once. It does not go
through Whoosh's writer: :mod:`search_index.writing` writes each segment's
files itself, in Whoosh's default format byte for byte, from postings kept
in plain arrays (Whoosh's writer spent almost all of a rebuild's time on
bookkeeping per posting). A large rebuild (:data:`PARALLEL_BUILD_DOCS` or
more) writes with one process per core (:mod:`search_index.building`):
this process reads the documents and hands them over in batches, each
writer process analyses its share into a segment of its own (past its
memory budget it spills postings to sorted runs on disk and merges them at
the end), and the generation starts with that many segments. They are not
merged into one afterwards: Whoosh's merge runs in one process, and measured
on 100,000 documents it took 112 s of CPU to merge two segments, while
searches read across segments. Measured with ``bench.search`` on 100,000
documents and two writers: 148 CPU-seconds and 77 s wall with Whoosh's
multiprocessing writer, 37 CPU-seconds and 19 s wall now (load average
about 1 both times; 37 s wall with the machine shared, load 3).
Meanwhile ``apply`` keeps updating the current generation, so searches stay
fresh, and also appends each change to the new generation's journal. At the
end the rebuild takes the current generation's write lock, replays the
journal into the new generation, swaps ``CURRENT`` and removes the marker.
The previous generation stays on disk until the next rebuild, for readers
in other processes that have not noticed the swap yet.

Reading
-------

A search takes the index's lock (Whoosh readers read files with seek and
read and are not safe to share between threads), checks that its searcher
is still the latest generation (another process may have committed, or a
rebuild may have swapped ``CURRENT``) and opens a new one if not.

Whoosh finds the hits, but counting them all, faceting them and sorting
them by date one at a time in Python is what made raw Whoosh slow (about
850 ms per query with ``groupedby`` facets on 100k documents). Instead the
query tree is evaluated into a dense hit mask and score array with numpy
(:mod:`search_index.engine`), facet values are kept as per-document codes
read once per segment (:mod:`search_index.views`), and filters, visibility,
facet counts, sorting and paging are array operations
(:mod:`search_index.facets`). Whoosh still supplies the postings, the
phrase checks, stored fields for highlighting, and the vocabulary for
spelling suggestions.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

import numpy as np
from whoosh import index as whoosh_index
from whoosh.index import TOC, FileIndex, LockError, clean_files
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from .building import build_segments
from .consistency import stale_ids
from .documents import AssetDocument, Hit, SearchQuery, SearchResults
from .engine import Evaluator
from .errors import IndexBusy, IndexUnavailable, unavailable
from .facets import count_facets, facet_masks, visibility_mask
from .highlight import hit_highlights
from .layout import Layout
from .paging import page_of
from .parsing import QueryParser
from .schema import SCHEMA_VERSION, build_schema, document_fields
from .suggest import suggest
from .views import IndexView, SegmentCache

__all__ = ["PARALLEL_BUILD_DOCS", "SearchIndex"]

#: A rebuild of at least this many documents writes with one process per core.
PARALLEL_BUILD_DOCS = 20_000

_READ_ERRORS = (
    OSError,
    EOFError,
    zlib.error,
    pickle.UnpicklingError,
    struct.error,
    whoosh_index.IndexError,
)


class SearchIndex:
    """Opens (or creates) the index under ``path``; see the module docstring.

    Raises :class:`IndexUnavailable` if the index exists but cannot be read.
    Safe to share between threads; one per process is enough, and a process
    forked from one that opened it reopens its files on first use.
    """

    def __init__(
        self, path: Path | str, *, lock_timeout: float = 30.0, writer_memory_mb: int = 256
    ) -> None:
        self._setup(path, lock_timeout, writer_memory_mb)
        try:
            with self._lock:
                self._current()
                self._fresh_view()
        except IndexUnavailable:
            self.close()
            raise

    @classmethod
    def for_rebuild(
        cls, path: Path | str, *, lock_timeout: float = 30.0, writer_memory_mb: int = 256
    ) -> SearchIndex:
        """Open without reading the current index, which may be damaged, to :meth:`rebuild` it.

        Searches raise :class:`IndexUnavailable` until the rebuild swaps in
        a good generation.
        """
        idx = cls.__new__(cls)
        idx._setup(path, lock_timeout, writer_memory_mb)
        return idx

    def _setup(self, path: Path | str, lock_timeout: float, writer_memory_mb: int) -> None:
        self._layout = Layout(Path(path))
        self._lock_timeout = lock_timeout
        self._writer_memory_mb = writer_memory_mb
        self._build_processes: int | None = None
        self._schema = build_schema()
        self._parser = QueryParser(self._schema)
        self._lock = threading.RLock()
        # Whoosh's write lock keeps processes apart; threads of one process queue here.
        self._write_lock = threading.Lock()
        self._segments = SegmentCache()
        self._indexes: dict[str, FileIndex] = {}
        self._view: IndexView | None = None
        self._view_gen: str | None = None
        self._pid = os.getpid()

    # Opening

    def _current(self) -> str:
        gen = self._layout.current()
        if gen is not None:
            return gen
        with self._layout.layout_lock():
            gen = self._layout.current()
            if gen is None:
                gen = self._layout.new_generation()
                whoosh_index.create_in(str(self._layout.path(gen)), self._schema)
                self._layout.write_schema_version(gen, SCHEMA_VERSION)
                self._layout.set_current(gen)
        return gen

    def _index(self, gen: str) -> FileIndex:
        ix = self._indexes.get(gen)
        if ix is None:
            for attempt in range(20):
                try:
                    ix = whoosh_index.open_dir(str(self._layout.path(gen)), schema=self._schema)
                    break
                except FileNotFoundError as exc:
                    # Another process committed between Whoosh listing the table of
                    # contents and opening it (the old one is deleted): read again.
                    if attempt == 19:
                        raise unavailable(exc) from None
                    time.sleep(0.01)
                except Exception as exc:
                    raise unavailable(exc) from None
            self._indexes = {gen: ix}
        return ix

    def _fresh_view(self) -> IndexView:
        """The view of the latest generation (caller holds ``self._lock``)."""
        if self._pid != os.getpid():
            # Forked (gunicorn --preload): the parent's open files share their
            # read offsets with us; open our own.
            self._pid = os.getpid()
            self._view = self._view_gen = None
            self._indexes = {}
        gen = self._current()
        view = self._view
        try:
            if view is not None and self._view_gen == gen and view.searcher.up_to_date():
                return view
            with warnings.catch_warnings():
                # On a damaged segment Whoosh retries the open ten times and
                # leaves each attempt's file to the garbage collector.
                warnings.simplefilter("ignore", ResourceWarning)
                searcher = self._open_searcher(gen)
            try:
                new_view = IndexView.open(searcher, self._segments, gen)
            except BaseException:
                searcher.close()
                raise
        except IndexUnavailable:
            raise
        except Exception as exc:
            raise unavailable(exc) from None
        if view is not None:
            view.searcher.close()
        self._view, self._view_gen = new_view, gen
        return new_view

    def _open_searcher(self, gen: str) -> Searcher:
        for attempt in range(20):
            tocs = self._tocs(gen)
            try:
                return self._index(gen).searcher()
            except FileNotFoundError:
                # A concurrent commit replaced the table of contents: read the new one.
                # With no commit in between, a file is missing for good (a damaged
                # index): say so now rather than after twenty more tries.
                if attempt == 19 or self._tocs(gen) == tocs:
                    raise
                self._indexes = {}
                time.sleep(0.01)
        raise AssertionError("unreachable")

    def _tocs(self, gen: str) -> tuple[str, ...]:
        """The tables of contents in generation ``gen`` (each commit writes a new one)."""
        try:
            return tuple(sorted(p.name for p in self._layout.path(gen).glob("*.toc")))
        except OSError:
            return ()

    def _drop_view(self) -> None:
        if self._view is not None:
            try:
                self._view.searcher.close()
            except Exception:
                pass  # a damaged reader may fail to close; it is dropped either way
        self._view = self._view_gen = None
        self._indexes = {}

    def close(self) -> None:
        """Close open files; a later call on this object opens them again."""
        with self._lock:
            self._drop_view()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Writing

    def apply(self, upserts: Iterable[AssetDocument] = (), deletes: Iterable[int] = ()) -> None:
        """Add or replace ``upserts`` and remove ``deletes`` (asset ids) in one commit.

        Waits up to ``lock_timeout`` seconds for other writers; raises
        :class:`IndexBusy` if the index stays locked longer.
        """
        latest = {doc.id: doc for doc in upserts}
        docs = list(latest.values())
        gone = [i for i in dict.fromkeys(int(d) for d in deletes) if i not in latest]
        if not docs and not gone:
            return
        fields = [document_fields(doc) for doc in docs]
        with self._write_lock:
            self._apply(docs, fields, gone)

    def _apply(
        self, docs: list[AssetDocument], fields: list[dict[str, object]], gone: list[int]
    ) -> None:
        for _attempt in range(5):
            with self._lock:
                gen = self._current()
                ix = self._index(gen)
            try:
                writer = ix.writer(timeout=self._lock_timeout, delay=0.01)
            except LockError as exc:
                raise IndexBusy("The search index is busy; try again in a moment.") from exc
            if self._write(writer, gen, docs, fields, gone):
                return
        raise IndexBusy("The search index is busy; try again in a moment.")

    def _write(
        self,
        writer: SegmentWriter,
        gen: str,
        docs: list[AssetDocument],
        fields: list[dict[str, object]],
        gone: list[int],
    ) -> bool:
        committed = False
        try:
            if self._layout.current() != gen:
                return False  # a rebuild swapped generations while we waited
            for asset_id in gone:
                writer.delete_by_term("id", str(asset_id))
            for values in fields:
                writer.update_document(**values)
            marker = self._layout.marker()
            if marker is not None and marker.target != gen:
                self._layout.journal_append(marker.target, docs, gone)
            writer.commit()
            committed = True
            return True
        finally:
            if not committed:
                writer.cancel()

    def rebuild(
        self,
        docs: Iterable[AssetDocument],
        count: int | None = None,
        progress: Callable[[int], None] | None = None,
        processes: int | None = None,
    ) -> int:
        """Index ``docs`` into a new generation and swap it in; return how many were indexed.

        Searches keep using the current generation until the swap; changes
        applied meanwhile are replayed into the new one. ``docs`` should be
        read lazily (a generator over the database) so that rows changed
        after the rebuild starts are either read new or replayed.
        ``progress`` is called with the number of documents indexed so far,
        about every 1% of ``count`` (or every 500 documents). ``processes``
        writers (default: one per core, up to 4, for :data:`PARALLEL_BUILD_DOCS`
        documents or more, else one).
        """
        self._build_processes = processes
        layout = self._layout
        with layout.layout_lock():
            if layout.marker() is not None:
                raise IndexBusy("The search index is already being rebuilt.")
            old = layout.current(repair=True)
            target = layout.new_generation()
            if old is None:
                layout.write_marker(target)
            else:
                with layout.write_lock(old, self._lock_timeout):
                    layout.write_marker(target)
        try:
            indexed = self._build(target, docs, count, progress)
            self._swap(old, target)
        except BaseException:
            layout.clear_marker()
            layout.remove_generations(keep={g for g in (old,) if g})
            raise
        layout.remove_generations(keep={g for g in (old, target) if g})
        if progress is not None:
            progress(indexed)
        with self._lock:
            self._fresh_view()
        return indexed

    def _build(
        self,
        target: str,
        docs: Iterable[AssetDocument],
        count: int | None,
        progress: Callable[[int], None] | None,
    ) -> int:
        ix = whoosh_index.create_in(str(self._layout.path(target)), self._schema)
        self._layout.write_schema_version(target, SCHEMA_VERSION)
        step = max(1, count // 100) if count else 500
        indexed = 0

        def fresh() -> Iterator[AssetDocument]:
            nonlocal indexed
            seen: set[int] = set()
            for doc in docs:
                # A reader paging through a changing table may see a row twice;
                # one writer cannot replace what it added itself, so skip it.
                if doc.id in seen:
                    continue
                seen.add(doc.id)
                yield doc
                indexed += 1
                if progress is not None and indexed % step == 0:
                    progress(indexed)

        lock = ix.lock("WRITELOCK")
        if not lock.acquire():
            raise IndexBusy("The search index is already being rebuilt.")
        try:
            segments = build_segments(
                ix.storage,
                ix.indexname,
                self._schema,
                fresh(),
                document_fields,
                self._build_procs(count),
                self._writer_memory_mb * 2**20,
            )
            generation = ix.latest_generation() + 1
            TOC(self._schema, segments, generation).write(ix.storage, ix.indexname)
            clean_files(ix.storage, ix.indexname, generation, segments)
        finally:
            lock.release()
        return indexed

    def _build_procs(self, count: int | None) -> int:
        """Writer processes for a rebuild of ``count`` documents: one per core for large ones."""
        if self._build_processes is not None:
            return self._build_processes
        if count is None or count < PARALLEL_BUILD_DOCS:
            return 1
        return max(1, min(os.cpu_count() or 1, 4))

    def _swap(self, old: str | None, target: str) -> None:
        layout = self._layout
        with layout.layout_lock():
            if old is None:
                layout.set_current(target)
                layout.clear_marker()
                return
            with layout.write_lock(old, self._lock_timeout):
                self._replay(target)
                layout.set_current(target)
                layout.clear_marker()
                layout.journal_path(target).unlink(missing_ok=True)

    def _replay(self, target: str) -> None:
        # Collapse the journal to each asset's last state: one writer cannot
        # delete what it added itself before committing.
        final: dict[int, AssetDocument | None] = {}
        for upserts, deletes in self._layout.journal_read(target):
            for asset_id in deletes:
                final[asset_id] = None
            for doc in upserts:
                final[doc.id] = doc
        if not final:
            return
        ix = whoosh_index.open_dir(str(self._layout.path(target)), schema=self._schema)
        writer = ix.writer(timeout=self._lock_timeout, delay=0.01)
        try:
            for asset_id, last in final.items():
                writer.delete_by_term("id", str(asset_id))
                if last is not None:
                    writer.add_document(**document_fields(last))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    # Reading

    def search(self, query: SearchQuery) -> SearchResults:
        """Run one search; see :class:`SearchQuery` for what can be asked."""
        query.validate()
        with self._lock:
            view = self._fresh_view()
            try:
                return self._search(view, query)
            except _READ_ERRORS as exc:
                self._drop_view()
                raise unavailable(exc) from None

    def _search(self, view: IndexView, query: SearchQuery) -> SearchResults:
        tree = self._parser.parse(query.text)
        evaluator = Evaluator(view)
        match = evaluator.evaluate(tree)
        mask = match.mask & view.live
        visible = visibility_mask(view, query.agencies, query.public_only)
        if visible is not None:
            mask &= visible
        masks = facet_masks(view, query.filters)
        facets = (
            count_facets(view, mask, masks, query.filters, query.facet_limit)
            if query.facets
            else {}
        )
        for facet_mask in masks.values():
            mask &= facet_mask
        total = int(np.count_nonzero(mask))
        sort = query.sort
        if sort == "relevance" and not evaluator.terms and not evaluator.prefixes:
            sort = "newest"  # nothing to rank by: browsing shows the latest first
        docnums = page_of(view, mask, match.score, sort, query.page, query.per_page)
        asset_ids = view.asset_ids
        hits = [
            Hit(
                int(asset_ids[d]),
                float(match.score[d]),
                hit_highlights(
                    view.searcher.stored_fields(d),
                    self._schema,
                    evaluator.terms,
                    evaluator.prefixes,
                ),
            )
            for d in docnums
        ]
        text = query.text.strip()
        # Only words of documents this searcher may see (and not deleted ones).
        scope = None if visible is None else visible & view.live
        suggestion = suggest(view, text, scope) if text else None
        return SearchResults(total, query.page, query.per_page, hits, facets, suggestion)

    def doc_ids(self) -> set[int]:
        """Ids of every asset in the index (to compare with the database)."""
        with self._lock:
            view = self._fresh_view()
            return set(view.asset_ids[view.live].tolist())

    def doc_count(self) -> int:
        """Number of assets in the index."""
        with self._lock:
            return int(self._fresh_view().searcher.doc_count())

    def stale(self, docs: Iterable[AssetDocument]) -> list[int]:
        """Ids of ``docs`` the index lacks or holds with other fields (see :mod:`.consistency`)."""
        with self._lock:
            return stale_ids(self._fresh_view(), docs)

    def schema_outdated(self) -> bool:
        """Whether the index in use was built with another schema version: rebuild it.

        Documents written before a schema change lack its new fields, and
        facet values whose meaning changed stay as they were.
        """
        gen = self._layout.current(repair=True)
        return gen is not None and self._layout.schema_version(gen) != SCHEMA_VERSION

    @property
    def path(self) -> Path:
        """The index's root folder (for files that belong beside it, such as locks)."""
        return self._layout.root

    @property
    def lock_timeout(self) -> float:
        """Seconds a writer waits for the index before :class:`IndexBusy`."""
        return self._lock_timeout
