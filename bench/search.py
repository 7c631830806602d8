"""Search benchmark: the Whoosh and the PostgreSQL backends side by side, with every facet.

Run from the repository root::

    .venv/bin/python -m bench.search --sizes 100000,1000000 \\
        --pg-url 'postgresql+psycopg://brandhub@/postgres?host=/tmp/pg'

For each size it takes that many documents of the cached synthetic corpus
(real Spanish word frequencies, :mod:`bench.corpus`; generated once into
``bench/.cache/`` and read back after), builds each backend's index (or reuses
the one cached from an earlier run: ``bench/.cache/search-N`` for Whoosh, the
database ``bench_search_N`` for PostgreSQL; ``--rebuild`` builds them again),
then runs a fixed set of queries (a frequent, a mid-frequency and a rare word,
two-word queries, accent-less spellings, a prefix, field queries, an empty
browse) with every facet on, and prints per backend: indexing rate, rebuild
time, index size, open time, the first query (which builds Whoosh's facet
arrays), the memory those arrays take, and p50/p95/p99 latency; for
PostgreSQL also each query's matching alone by the GIN index (the floor of
its general path, see :func:`time_pg_matching`; searches of words take the
path of ``search_index.pg_fast`` instead), the size of its ``terms`` table
and the memory of its per-process copy of the facet codes. With
``--raw`` it also times raw Whoosh (``groupedby`` facets) as a baseline.
The machine's load average is printed with the figures: on a shared machine
it says how far to trust them. It prints figures; it asserts nothing.

``--pg-url`` names a maintenance database on a server where the role may create
databases and the ``unaccent`` and ``pg_trgm`` extensions; without it the
PostgreSQL backend is left out.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import Vocabulary, cached, tag_pool, vocabulary
from search_index import AssetDocument, SearchIndex, SearchQuery
from search_index.analysis import fold
from search_index.layout import Layout

CACHE = Path(__file__).resolve().parent / ".cache"
CORPUS_SIZE = 1_000_000


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def corpus(n: int, vocab: Vocabulary) -> Iterator[AssetDocument]:
    """The first ``n`` documents of the cached corpus (the same as ``generate(n)``)."""
    size = CORPUS_SIZE if n <= CORPUS_SIZE else n
    return itertools.islice(cached(size, CACHE, vocab), n)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# Whoosh


def build_whoosh(n: int, vocab: Vocabulary, force: bool, procs: int | None) -> dict[str, Any]:
    path = CACHE / f"search-{n}"
    meta = path / "bench.json"
    if meta.exists() and not force:
        return {"path": path, **json.loads(meta.read_text())}
    path.mkdir(parents=True, exist_ok=True)
    idx = SearchIndex.for_rebuild(path, writer_memory_mb=512)
    started = time.perf_counter()
    at_start = load()
    cpu_started = cpu_seconds()
    count = idx.rebuild(corpus(n, vocab), count=n, processes=procs)
    seconds = time.perf_counter() - started
    idx.close()
    info = {
        "docs": count,
        "rebuild_s": seconds,
        "cpu_s": round(cpu_seconds() - cpu_started, 1),
        "docs_per_s": count / seconds,
        "processes": procs or "auto",
        "load": f"{at_start} -> {load()}",
    }
    meta.write_text(json.dumps(info))
    return {"path": path, **info}


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the rebuild's writers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, tuple | list):
        return sum(_nbytes(v) for v in value)
    arrays = [getattr(value, a, None) for a in ("codes", "pair_docs", "pair_codes")]
    return sum(int(a.nbytes) for a in arrays if isinstance(a, np.ndarray))


def cache_bytes(idx: SearchIndex) -> int:
    """Bytes of numpy arrays the index keeps: per-segment caches (facets, columns, long
    posting lists) and the open view's."""
    total = 0
    for data in idx._segments._data.values():
        total += sum(_nbytes(v) for v in data._items.values()) + data._postings_bytes
    if idx._view is not None:
        total += sum(_nbytes(v) for v in idx._view._items.values())
    return total


def rss_mb() -> float:
    """This process's anonymous resident memory in MB (Linux; 0 elsewhere).

    Whoosh maps the index files into memory: the pages of them it has read
    count as resident too, but they are the page cache, not this process's.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def time_whoosh(path: Path, texts: list[str], repeat: int) -> dict[str, Any]:
    rss_before = rss_mb()
    opened = time.perf_counter()
    idx = SearchIndex(path)
    open_s = time.perf_counter() - opened
    rss_open = rss_mb()
    first = time.perf_counter()
    idx.search(SearchQuery(text=texts[0]))  # builds the per-segment facet arrays
    first_s = time.perf_counter() - first
    rss_first = rss_mb()
    # Each query once before timing: the first search for a word decodes its
    # long posting lists, later ones reuse them.
    cold = [time_one(lambda t=t: idx.search(SearchQuery(text=t, per_page=24))) for t in texts]
    samples, per_query = time_runs(
        lambda t: idx.search(SearchQuery(text=t, per_page=24)).total, texts, repeat
    )
    cpu_samples = list(CPU_SAMPLES)
    memory = cache_bytes(idx)
    segments = len(idx._view.leaves) if idx._view is not None else 0
    idx.close()
    return {
        "samples": samples,
        "per_query": per_query,
        "open_s": open_s,
        "first_s": first_s,
        "cache_mb": memory / 2**20,
        "rss_mb": (rss_before, rss_open, rss_first, rss_mb()),
        "cold_ms": cold,
        "segments": segments,
        "cpu": cpu_samples,
    }


def time_one(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def time_raw_whoosh(path: Path, texts: list[str], repeat: int) -> dict[str, Any]:
    from whoosh import index as whoosh_index
    from whoosh import query as wq
    from whoosh import sorting

    from search_index.parsing import QueryParser
    from search_index.schema import build_schema

    layout = Layout(path)
    gen = layout.current()
    assert gen is not None
    schema = build_schema()
    ix = whoosh_index.open_dir(str(layout.path(gen)), schema=schema)
    parser = QueryParser(schema)
    facets = {
        name: sorting.FieldFacet(name, allow_overlap=(name == "tag"))
        for name in ("kind", "agency", "year", "tag", "orientation", "compliance", "status")
    }
    with ix.searcher() as searcher:

        def run(text: str) -> int:
            q = parser.parse(text)
            if isinstance(q, wq.Every):
                q = wq.Every()
            results = searcher.search(q, limit=24, groupedby=facets)
            for name in facets:
                results.groups(name)
            return len(results)

        samples, per_query = time_runs(run, texts, repeat)
    return {"samples": samples, "per_query": per_query}


# PostgreSQL


def pg_engine(url: str, n: int, create: bool) -> Any:
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"bench_search_{n}"
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
        if create and exists:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if create or not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(make_url(url).set(database=name), pool_size=1, max_overflow=0)
    return engine, create or not exists


def build_pg(url: str, n: int, vocab: Vocabulary, force: bool) -> dict[str, Any]:
    from sqlalchemy import text

    from search_index.pg_index import PostgresSearchIndex, install
    from search_index.pg_schema import SCHEMA

    engine, fresh = pg_engine(url, n, force)
    info: dict[str, Any] = {"engine": engine}
    if fresh:
        with engine.begin() as conn:
            install(conn)
        idx = PostgresSearchIndex(engine, CACHE)
        at_start = load()
        started = time.perf_counter()
        count = idx.rebuild(corpus(n, vocab), count=n)
        seconds = time.perf_counter() - started
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM ANALYZE {SCHEMA}.documents"))
            conn.execute(text(f"VACUUM ANALYZE {SCHEMA}.terms"))
        meta = {
            "docs": count,
            "rebuild_s": seconds,
            "docs_per_s": count / seconds,
            "load": f"{at_start} -> {load()}",
        }
        with engine.begin() as conn:
            conn.execute(
                text(f"INSERT INTO {SCHEMA}.meta VALUES ('bench', :v)"), {"v": json.dumps(meta)}
            )
    with engine.begin() as conn:
        meta = json.loads(
            conn.execute(text(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'bench'")).scalar_one()
        )
        sizes = conn.execute(
            text(
                f"SELECT pg_total_relation_size('{SCHEMA}.documents'), "
                f"pg_relation_size('{SCHEMA}.documents_vector'), "
                f"pg_total_relation_size('{SCHEMA}.words'), "
                f"pg_total_relation_size('{SCHEMA}.terms')"
            )
        ).one()
    info.update(meta)
    info["size_bytes"] = int(sizes[0]) + int(sizes[2]) + int(sizes[3])
    info["gin_bytes"] = int(sizes[1])
    info["terms_bytes"] = int(sizes[3])
    return info


def time_pg(engine: Any, texts: list[str], repeat: int) -> dict[str, Any]:
    from sqlalchemy import text

    from search_index.pg_index import PostgresSearchIndex

    idx = PostgresSearchIndex(engine, CACHE)
    first = time.perf_counter()
    idx.search(SearchQuery(text=texts[0]))
    first_s = time.perf_counter() - first
    with engine.connect() as conn:  # the pool's one connection: every search uses it
        server = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    samples, per_query = time_runs(
        lambda t: idx.search(SearchQuery(text=t, per_page=24)).total,
        texts,
        repeat,
        cpu=lambda: schedstat() + schedstat(server),
    )
    kept = idx._doc_values().nbytes()
    return {
        "samples": samples,
        "per_query": per_query,
        "open_s": 0.0,
        "first_s": first_s,
        "cache_mb": kept / 2**20,
        "cpu": list(CPU_SAMPLES),
        "match_ms": time_pg_matching(idx, engine, texts),
    }


def time_pg_matching(idx: Any, engine: Any, texts: list[str], repeat: int = 5) -> dict[str, float]:
    """Per query, the median ms of finding the matching rows alone (their count).

    A GIN index gives the rows that hold the words, but PostgreSQL still visits
    each of those rows in the table (to check that it is visible to this
    transaction): one page read per hit, before any rank, facet or page is
    computed. This is the floor of the backend's general path for that query;
    searches of words (``search_index.pg_fast``) read the ``terms`` index instead.
    """
    from sqlalchemy import text as sql_text

    from search_index.pg_index import _SEARCH_SETTINGS
    from search_index.pg_query import SqlBuilder, parse
    from search_index.pg_schema import SCHEMA

    found: dict[str, float] = {}
    with engine.connect() as conn:
        conn.execute(sql_text(_SEARCH_SETTINGS))  # as a search runs (room for the bitmap)
        for query_text in texts:
            groups = parse(query_text)
            if not groups:
                continue
            sql = SqlBuilder()
            idx._expand_prefixes(conn, sql, groups)
            where, _rank_query = sql.where(groups)
            statement = sql_text(f"SELECT count(*) FROM {SCHEMA}.documents d WHERE {where}")
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                conn.execute(statement, sql.params).scalar_one()
                runs.append(time.perf_counter() - started)
            found[query_text] = statistics.median(runs) * 1000
    return found


# Queries and timing


def queries(vocab: Vocabulary) -> list[str]:
    """The fixed query set, picked by rank among content words."""
    content = vocab.content_words()
    accented = [w for w in content if fold(w) != w]
    frequent, mid, rare = content[10], content[600], content[6000]
    mid2 = content[900]
    return [
        frequent,
        mid,
        rare,
        f"{frequent} {mid}",
        f"{mid} {mid2}",
        fold(accented[5]),
        f"{fold(accented[40])} {fold(accented[120])}",
        f"{fold(mid)[:4]}*",
        f"tag:{tag_pool(vocab)[20]}",
        "credito:perez",
        "",
    ]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    a = np.array(samples) * 1000
    return (float(np.percentile(a, 50)), float(np.percentile(a, 95)), float(np.percentile(a, 99)))


def schedstat(pid: int | str = "self") -> float:
    """Seconds process ``pid`` has run on a CPU (Linux ``schedstat``; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/schedstat") as fh:
            return int(fh.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def time_runs(
    fn: Callable[[str], int],
    texts: list[str],
    repeat: int,
    cpu: Callable[[], float] | None = None,
) -> tuple[list[float], dict[str, tuple[int, float]]]:
    """Wall-clock samples and per-query medians; CPU seconds per query go to ``CPU_SAMPLES``.

    On a shared machine the wall clock also counts the time a query waits for a
    core; the CPU time (this process, plus the database server's process for
    PostgreSQL) is what the query costs, whatever the load.
    """
    samples: list[float] = []
    per_query: dict[str, list[float]] = {t: [] for t in texts}
    totals: dict[str, int] = {}
    cpu = cpu or schedstat
    CPU_SAMPLES.clear()
    for _ in range(repeat):
        for text in texts:
            started, cpu_started = time.perf_counter(), cpu()
            totals[text] = fn(text)
            elapsed = time.perf_counter() - started
            CPU_SAMPLES.append(cpu() - cpu_started)
            samples.append(elapsed)
            per_query[text].append(elapsed)
    return samples, {t: (totals[t], statistics.median(v) * 1000) for t, v in per_query.items()}


CPU_SAMPLES: list[float] = []


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--backends", default="whoosh,postgres")
    ap.add_argument("--pg-url", default=os.environ.get("BRANDHUB_BENCH_PG_URL"))
    ap.add_argument("--repeat", type=int, default=20, help="runs of each query")
    ap.add_argument("--raw", action="store_true", help="also time raw Whoosh groupedby")
    ap.add_argument("--baseline-repeat", type=int, default=3, help="runs of each query (raw)")
    ap.add_argument("--processes", type=int, default=None, help="Whoosh rebuild writers")
    ap.add_argument("--rebuild", action="store_true", help="ignore cached indexes")
    args = ap.parse_args()
    backends = args.backends.split(",")
    if "postgres" in backends and not args.pg_url:
        print("no --pg-url (or BRANDHUB_BENCH_PG_URL): the PostgreSQL backend is left out")
        backends.remove("postgres")
    vocab = vocabulary()
    texts = queries(vocab)
    print("queries:", ", ".join(repr(t) for t in texts))
    rows: list[tuple[int, str, dict[str, Any], dict[str, Any]]] = []
    for n in (int(s) for s in args.sizes.split(",")):
        timed: dict[str, dict[str, Any]] = {}
        for backend in backends:
            print(f"N={n} {backend}: building or loading the index ({load()})", flush=True)
            if backend == "whoosh":
                built = build_whoosh(n, vocab, args.rebuild, args.processes)
                built["size_bytes"] = folder_size(built["path"])
                print(f"N={n} {backend}: timing queries ({load()})", flush=True)
                timed[backend] = time_whoosh(built["path"], texts, args.repeat)
                if args.raw:
                    raw = time_raw_whoosh(built["path"], texts, args.baseline_repeat)
                    raw.update(open_s=0.0, first_s=0.0, load=load())
                    timed["raw"] = raw
                    rows.append((n, "raw", built, raw))
            else:
                built = build_pg(args.pg_url, n, vocab, args.rebuild)
                print(f"N={n} {backend}: timing queries ({load()})", flush=True)
                timed[backend] = time_pg(built.pop("engine"), texts, args.repeat)
            timed[backend]["load"] = load()
            rows.append((n, backend, built, timed[backend]))
        names = list(timed)
        matching = timed.get("postgres", {}).get("match_ms", {})
        print(f"\nN={n} per query (median ms; hits)")
        print(
            f"  {'query':36} "
            + " ".join(f"{b:>18}" for b in names)
            + ("  postgres matching alone" if matching else "")
        )
        for text in texts:
            cells = []
            for b in names:
                total, ms = timed[b]["per_query"][text]
                cells.append(f"{ms:>9.1f} {total:>8}")
            if matching:
                cells.append(f"{matching[text]:>24.1f}" if text in matching else f"{'-':>24}")
            print(f"  {text or '(empty)':36} " + " ".join(cells))
    print("\nAll facets on (category, kind, agency, year, tag, orientation, compliance, status).")
    print(
        f"{'N':>8} | {'backend':<8} | {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} | "
        f"{'docs/s':>7} {'rebuild s':>9} {'size MB':>8} | {'open ms':>7} {'1st ms':>7} "
        f"{'cache MB':>8} | load while timing / while building"
    )
    for n, backend, built, t in rows:
        p = percentiles(t["samples"])
        cache = f"{t['cache_mb']:.0f}" if "cache_mb" in t else "-"
        print(
            f"{n:>8} | {backend:<8} | {p[0]:>7.1f} {p[1]:>7.1f} {p[2]:>7.1f} | "
            f"{built['docs_per_s']:>7.0f} {built['rebuild_s']:>9.1f} "
            f"{built['size_bytes'] / 2**20:>8.0f} | {t['open_s'] * 1000:>7.0f} "
            f"{t['first_s'] * 1000:>7.0f} {cache:>8} | {t['load']} / {built.get('load', '-')}"
        )
        if "cpu" in t:
            c = percentiles(t["cpu"])
            print(f"{'':>8} | {'CPU':<8} | {c[0]:>7.1f} {c[1]:>7.1f} {c[2]:>7.1f} | ms of CPU")
        if backend == "whoosh":
            print(
                f"{'':>8} | {'':<8} | segments: {t['segments']}, writers: {built['processes']}, "
                f"build CPU s: {built.get('cpu_s', '-')}, anonymous RSS MB before open / "
                "after open / after the first search / after timing: "
                + " / ".join(f"{m:.0f}" for m in t["rss_mb"])
            )
            cold = sorted(t["cold_ms"])
            print(
                f"{'':>8} | {'':<8} | each query's first run (ms): "
                f"median {statistics.median(cold):.1f}, slowest {cold[-1]:.1f}"
            )
        if backend == "postgres":
            print(
                f"{'':>8} | {'':<8} | GIN index: {built['gin_bytes'] / 2**20:.0f} MB, "
                f"terms (table and index): {built['terms_bytes'] / 2**20:.0f} MB, "
                f"slowest search: {max(t['samples']) * 1000:.1f} ms"
            )
    if args.raw:
        print("raw: Whoosh's own groupedby facets on the same index (a baseline).")


if __name__ == "__main__":
    main()
