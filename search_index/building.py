"""Building a new index's segments from a stream of documents, in one process or several.

A rebuild reads its documents once, in one process (they come from one
database cursor). :func:`build_segments` hands them over in batches to
``processes`` worker processes through one bounded queue, so a worker that
is free takes the next batch and a slow one never holds the others up;
each worker turns the documents into field values (``prepare``) and feeds
them to a :class:`~search_index.writing.SegmentBuilder`, and when the
documents end it writes its segment and sends it back. The reading process
only pickles whole documents (no field values, which repeat every word in
the ``spell`` field), so it stays far from being the bottleneck (measured:
1.6 of 41 CPU-seconds for 100,000 documents, reading them included). With one
process the builder runs in the caller's process, without any queue.

A worker holds its segment's postings in memory; past ``memory_bytes`` (about
75,000 documents of the benchmark's corpus in 256 MB, the default) it writes
them to a sorted run on disk and goes on, and its segment merges the runs at
the end. So a rebuild ends with one segment per worker at any size: with one
per 75,000 documents instead, 1,000,000 documents ended in 8 segments (at
512 MB) and the benchmark's p95 rose from about 47 to 57 ms.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage, Storage

from .writing import SegmentBuilder

__all__ = ["build_segments"]

#: Documents per batch handed to a worker.
BATCH = 250
_POLL = 0.5  # seconds between checks that the workers are still alive


def build_segments(
    storage: FileStorage,
    indexname: str,
    schema: Schema,
    docs: Iterable[Any],
    prepare: Callable[[Any], dict[str, Any]],
    processes: int,
    memory_bytes: int,
) -> list[W3Segment]:
    """Write ``docs`` into new segments of the index in ``storage``; return the segments.

    ``prepare`` (a module-level function, so that it pickles) turns a
    document into the keyword arguments of Whoosh's ``add_document``. The
    caller writes the table of contents that names the segments.
    """
    try:
        if processes <= 1:
            return _build(storage, indexname, schema, _chunks(docs), prepare, memory_bytes)
        return _build_in_workers(storage, indexname, schema, docs, prepare, processes, memory_bytes)
    finally:
        # The per-document writers' scratch files (each worker's have random names).
        storage.temp_storage(f"{indexname}.tmp").destroy()


def _build(
    storage: Storage,
    indexname: str,
    schema: Schema,
    batches: Iterator[list[Any]],
    prepare: Callable[[Any], dict[str, Any]],
    memory_bytes: int,
) -> list[W3Segment]:
    segments: list[W3Segment] = []
    builder: SegmentBuilder | None = None
    for batch in batches:
        if builder is None:
            builder = SegmentBuilder(storage, indexname, schema)
        for doc in batch:
            builder.add(**prepare(doc))
        if builder.estimated_bytes() > memory_bytes:
            builder.spill()
    if builder is not None and builder.doc_count:
        segments.append(builder.finish())
    return segments


def _chunks(docs: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _batches(jobs: Any) -> Iterator[list[Any]]:
    while (batch := jobs.get()) is not None:
        yield batch


def _work(
    folder: str,
    indexname: str,
    schema: Schema,
    prepare: Callable[[Any], dict[str, Any]],
    memory_bytes: int,
    jobs: Any,
    results: Any,
) -> None:
    try:
        segments = _build(
            FileStorage(folder), indexname, schema, _batches(jobs), prepare, memory_bytes
        )
    except BaseException:
        results.put(("failed", traceback.format_exc()))
        raise
    results.put(("done", segments))


def _build_in_workers(
    storage: FileStorage,
    indexname: str,
    schema: Schema,
    docs: Iterable[Any],
    prepare: Callable[[Any], dict[str, Any]],
    processes: int,
    memory_bytes: int,
) -> list[W3Segment]:
    ctx = multiprocessing.get_context()
    jobs = ctx.Queue(processes * 4)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=_work,
            args=(storage.folder, indexname, schema, prepare, memory_bytes, jobs, results),
            daemon=True,
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        for batch in _chunks(docs):
            _put(jobs, batch, workers, results)
        for _ in workers:
            _put(jobs, None, workers, results)
        segments: list[W3Segment] = []
        for _ in workers:
            status, value = _get(results, workers)
            if status != "done":
                raise RuntimeError(f"An index writer process failed:\n{value}")
            segments.extend(value)
        for worker in workers:
            worker.join()
        return segments
    except BaseException:
        # Batches still buffered for workers that are gone would keep this
        # process from exiting (the queue's thread waits to hand them over).
        jobs.cancel_join_thread()
        raise
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        jobs.close()
        results.close()


def _check(workers: list[Any], results: Any) -> None:
    for worker in workers:
        if worker.exitcode not in (None, 0):
            try:
                status, value = results.get(timeout=1.0)
            except queue.Empty:
                status, value = "", None
            if status == "failed":
                raise RuntimeError(f"An index writer process failed:\n{value}")
            raise RuntimeError(f"An index writer process ended with code {worker.exitcode}.")


def _put(jobs: Any, item: list[Any] | None, workers: list[Any], results: Any) -> None:
    while True:
        try:
            jobs.put(item, timeout=_POLL)
            return
        except queue.Full:
            _check(workers, results)


def _get(results: Any, workers: list[Any]) -> tuple[str, Any]:
    while True:
        try:
            outcome: tuple[str, Any] = results.get(timeout=_POLL)
            return outcome
        except queue.Empty:
            _check(workers, results)
