"""Keeping the index in step: apply, several writers, rebuild and swap, damaged folders."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from search_index import (
    AssetDocument,
    IndexBusy,
    IndexUnavailable,
    SearchIndex,
    SearchQuery,
)
from search_index.layout import Layout

from .conftest import ARCHIVE, find, ids

NewIndex = Callable[..., SearchIndex]


def test_new_index_is_empty(new_index: NewIndex) -> None:
    idx = new_index()
    assert idx.doc_count() == 0
    assert idx.doc_ids() == set()
    results = find(idx, "salud")
    assert results.total == 0 and results.hits == [] and results.suggestion is None
    assert all(counts == {} for counts in results.facets.values())


def test_apply_upserts_and_deletes(new_index: NewIndex) -> None:
    idx = new_index()
    idx.apply(ARCHIVE)
    assert idx.doc_ids() == {d.id for d in ARCHIVE}
    assert idx.doc_count() == len(ARCHIVE)

    renamed = replace(ARCHIVE[1], title="Jornada de salud bucal", tags=("dental",))
    idx.apply(upserts=[renamed], deletes=[3, 4, 999])
    assert idx.doc_ids() == {1, 2, 5, 6, 7, 8}
    assert ids(find(idx, "bucal")) == [2]
    assert ids(find(idx, "campaña")) == [7]  # the old title is gone
    assert find(idx, "logo").total == 0
    facets = find(idx).facets
    assert facets["tag"].get("dental") == 1 and "vacunación" not in facets["tag"]
    assert "vector" not in facets["kind"]


def test_apply_keeps_the_last_of_repeated_ids(new_index: NewIndex) -> None:
    idx = new_index()
    first = ARCHIVE[0]
    idx.apply([first, replace(first, title="Primera versión"), replace(first, title="Final")])
    assert idx.doc_count() == 1
    assert ids(find(idx, "final")) == [1]
    idx.apply(upserts=[replace(first, title="Otra")], deletes=[1])  # upsert wins
    assert ids(find(idx, "otra")) == [1]
    idx.apply()  # nothing to do


def test_other_instances_see_commits(new_index: NewIndex, tmp_path: Path) -> None:
    reader = new_index("shared")
    writer = new_index("shared")
    assert find(reader, "hospital").total == 0
    writer.apply(ARCHIVE)
    assert ids(find(reader, "hospital")) == [5]
    writer.apply(deletes=[5])
    assert find(reader, "hospital").total == 0
    assert reader.doc_count() == len(ARCHIVE) - 1


def _snapshot(idx: SearchIndex) -> list[object]:
    out: list[object] = []
    for text in ("", "salud", "inauguracion", "campana", "-foto", "credit:perez", "vacunaci*"):
        for sort in ("newest", "title"):
            r = idx.search(SearchQuery(text=text, sort=sort))
            out.append((text, sort, r.total, ids(r), r.facets))
        r = idx.search(SearchQuery(text=text))
        out.append((text, sorted(ids(r)), r.suggestion))
    return out


def test_rebuild_gives_the_same_results(new_index: NewIndex) -> None:
    incremental = new_index("incremental")
    for doc in ARCHIVE:  # one commit each, with an update and a delete on the way
        incremental.apply([replace(doc, title="borrador")])
        incremental.apply([doc])
    incremental.apply([AssetDocument(99, "temporal")])
    incremental.apply(deletes=[99])

    rebuilt = new_index("rebuilt")
    rebuilt.apply([AssetDocument(50, "contenido viejo que desaparece")])
    progress: list[int] = []
    twice = [*ARCHIVE[:3], ARCHIVE[1], *ARCHIVE[3:]]  # a row read twice is indexed once
    assert rebuilt.rebuild(iter(twice), count=len(ARCHIVE), progress=progress.append) == 8
    assert progress[-1] == 8 and progress == sorted(progress)
    assert rebuilt.doc_ids() == incremental.doc_ids() == {d.id for d in ARCHIVE}
    assert _snapshot(rebuilt) == _snapshot(incremental)


def test_rebuild_swaps_while_readers_keep_serving(new_index: NewIndex) -> None:
    reader = new_index("live")
    reader.apply(ARCHIVE[:4])
    builder = new_index("live")
    other_writer = new_index("live")
    seen_during: dict[int, set[int]] = {}

    def progress(done: int) -> None:
        if builder._layout.marker() is None:
            return  # the last call comes after the swap
        # Mid-rebuild: the reader still serves the old generation...
        seen_during[done] = reader.doc_ids()
        assert ids(find(reader, "logo")) == [3]
        # ...and a change applied now must survive the swap.
        if done == 2:
            other_writer.apply(upserts=[replace(ARCHIVE[6], title="Árbol encendido")], deletes=[1])

    new_docs = iter(ARCHIVE[2:])
    assert builder.rebuild(new_docs, count=6, progress=progress) == 6
    assert seen_during[1] == {1, 2, 3, 4}
    assert seen_during[5] == {2, 3, 4, 7}  # the live generation took the change too
    # After the swap every instance sees the new generation plus the replayed change.
    for idx in (reader, builder, other_writer):
        assert idx.doc_ids() == {3, 4, 5, 6, 7, 8}
        assert ids(find(idx, "encendido")) == [7]
    layout = Layout(reader._layout.root)
    assert layout.marker() is None
    assert not list(layout.root.glob("*.journal"))
    assert len(layout.generations()) == 2  # the new one and the previous one


def test_failed_rebuild_leaves_the_index_as_it_was(new_index: NewIndex) -> None:
    idx = new_index()
    idx.apply(ARCHIVE)

    def broken() -> Iterator[AssetDocument]:
        yield ARCHIVE[0]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        idx.rebuild(broken())
    assert idx.doc_ids() == {d.id for d in ARCHIVE}
    layout = idx._layout
    assert layout.marker() is None
    assert layout.generations() == [layout.current()]
    idx.apply([AssetDocument(77, "después")])  # not journaled anywhere, just written
    assert ids(find(idx, "despues")) == [77]


def test_only_one_rebuild_at_a_time(new_index: NewIndex) -> None:
    idx = new_index()
    other = new_index()
    calls: list[int] = []

    def progress(done: int) -> None:
        if not calls:
            calls.append(done)
            with pytest.raises(IndexBusy):
                other.rebuild(iter(ARCHIVE))

    idx.rebuild(iter(ARCHIVE), count=4, progress=progress)
    assert calls


def test_marker_of_a_dead_process_is_ignored(new_index: NewIndex) -> None:
    idx = new_index()
    layout = idx._layout
    layout.write_marker("gen-9999")
    marker = layout.root / "REBUILD"
    marker.write_text(marker.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    idx.apply(ARCHIVE[:1])
    assert layout.marker() is None
    assert not layout.journal_path("gen-9999").exists()
    assert idx.rebuild(iter(ARCHIVE)) == len(ARCHIVE)


def test_apply_waits_for_the_write_lock(new_index: NewIndex) -> None:
    idx = new_index(lock_timeout=10)
    layout = idx._layout
    gen = layout.current()
    assert gen is not None
    released = threading.Event()

    def hold() -> None:
        with layout.write_lock(gen, timeout=1):
            time.sleep(0.3)
        released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.05)
    idx.apply(ARCHIVE[:1])  # blocks until the holder lets go, then writes
    assert released.is_set()
    holder.join()
    assert idx.doc_ids() == {1}


def test_apply_gives_up_with_index_busy(new_index: NewIndex) -> None:
    idx = new_index(lock_timeout=0.2)
    gen = idx._layout.current()
    assert gen is not None
    with idx._layout.write_lock(gen, timeout=1), pytest.raises(IndexBusy):
        idx.apply(ARCHIVE[:1])
    idx.apply(ARCHIVE[:1])
    assert idx.doc_ids() == {1}


def _write_share(path: str, worker: int, per_worker: int) -> None:
    idx = SearchIndex(Path(path))
    try:
        for start in range(0, per_worker, 5):
            batch = [
                AssetDocument(
                    worker * 1000 + i, f"documento {worker} número {i}", agency=f"agencia-{worker}"
                )
                for i in range(start, start + 5)
            ]
            idx.apply(batch)
    finally:
        idx.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared"
    SearchIndex(path).close()
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write_share, args=(str(path), w, 25)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(60)
        assert p.exitcode == 0
    with SearchIndex(path) as idx:
        assert idx.doc_count() == 100
        assert idx.doc_ids() == {w * 1000 + i for w in range(4) for i in range(25)}
        assert find(idx, "documento").facets["agency"] == {f"agencia-{w}": 25 for w in range(4)}


def _damage_toc(root: Path) -> None:
    gen = Layout(root).current()
    assert gen is not None
    for toc in (root / gen).glob("*.toc"):
        toc.write_bytes(b"\x00garbage" * 10)


def _damage_segments(root: Path) -> None:
    gen = Layout(root).current()
    assert gen is not None
    for seg in (root / gen).glob("*.seg"):
        seg.write_bytes(os.urandom(seg.stat().st_size))


def _remove_segments(root: Path) -> None:
    gen = Layout(root).current()
    assert gen is not None
    for seg in (root / gen).glob("*.seg"):
        seg.unlink()


def _damage_pointer(root: Path) -> None:
    (root / "CURRENT").write_text("../../etc\n")


def _remove_generation(root: Path) -> None:
    gen = Layout(root).current()
    assert gen is not None
    for child in (root / gen).iterdir():
        child.unlink()
    (root / gen).rmdir()


@pytest.fixture(
    params=[_damage_toc, _damage_segments, _remove_segments, _damage_pointer, _remove_generation],
    ids=lambda damage: damage.__name__.lstrip("_"),
)
def damaged_root(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The folder of an index of the archive, damaged in one of the ways above."""
    root = tmp_path / "index"
    with SearchIndex(root) as idx:
        idx.apply(ARCHIVE)
    damage: Callable[[Path], None] = request.param
    damage(root)
    return root


def test_damaged_index_is_unavailable(damaged_root: Path) -> None:
    with pytest.raises(IndexUnavailable) as info:
        with SearchIndex(damaged_root) as idx:
            idx.search(SearchQuery(text="salud"))
            idx.search(SearchQuery(text="salud", sort="title"))
    assert "rebuilt" in str(info.value) or "damaged" in str(info.value)


def test_damaged_index_can_be_rebuilt(damaged_root: Path) -> None:
    with SearchIndex.for_rebuild(damaged_root) as idx:
        with pytest.raises(IndexUnavailable):
            idx.search(SearchQuery())
        assert idx.rebuild(iter(ARCHIVE[:3])) == 3
        assert idx.doc_ids() == {1, 2, 3}
    with SearchIndex(damaged_root) as idx:
        assert ids(find(idx, "logo")) == [3]


def test_unreadable_root_is_unavailable(tmp_path: Path) -> None:
    root = tmp_path / "file-not-folder"
    root.write_text("not an index")
    with pytest.raises(IndexUnavailable):
        SearchIndex(root)


def test_threads_search_while_another_applies(new_index: NewIndex) -> None:
    idx = new_index()
    idx.apply(ARCHIVE)
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for i in range(30):
                results = find(
                    idx,
                    ("salud", "inauguracion", "", "logo")[i % 4],
                    sort=("relevance", "title", "newest")[i % 3],
                )
                assert results.total >= 1
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    def write() -> None:
        try:
            for i in range(10):
                idx.apply([AssetDocument(100 + i, f"nota de salud {i}")])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    threads.append(threading.Thread(target=write))
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert idx.doc_count() == len(ARCHIVE) + 10
    assert find(idx, "nota").total == 10


def _search_many(idx: SearchIndex, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    inherited = idx._view
    totals = [find(idx, text).total for text in ("salud", "logo", "inauguracion") * 30]
    queue.put((totals, idx._view is not inherited))


def test_forked_process_reopens_its_files(new_index: NewIndex) -> None:
    idx = new_index()
    idx.apply(ARCHIVE)
    expected = [find(idx, text).total for text in ("salud", "logo", "inauguracion") * 30]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_search_many, args=(idx, queue))
    child.start()
    # Both read at the same time; shared file offsets would garble the reads.
    mine = [find(idx, text).total for text in ("salud", "logo", "inauguracion") * 30]
    theirs, reopened = queue.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0
    assert reopened
    assert mine == theirs == expected


def test_a_parallel_rebuild_finds_the_same(new_index: NewIndex) -> None:
    single, parallel = new_index("single"), new_index("parallel")
    single.rebuild(iter(ARCHIVE), count=len(ARCHIVE), processes=1)
    assert parallel.rebuild(iter(ARCHIVE), count=len(ARCHIVE), processes=2) == len(ARCHIVE)
    for text in ("", "escuela", "salud -video", "credit:perez", "vacunaci*"):
        a = single.search(SearchQuery(text=text, sort="title"))
        b = parallel.search(SearchQuery(text=text, sort="title"))
        assert [h.id for h in a.hits] == [h.id for h in b.hits]
        assert a.facets == b.facets
        assert a.total == b.total
    assert parallel.doc_ids() == {d.id for d in ARCHIVE}
