"""Search benchmark: indexing rate and query latency with all facets, against raw Whoosh.

Run from the repository root::

    .venv/bin/python -m bench.search --sizes 10000,100000

For each size it builds (or reuses, from ``bench/.cache/``) an index of a
synthetic corpus with real Spanish word frequencies (:mod:`bench.corpus`),
then runs a fixed set of queries (a frequent, a mid-frequency and a rare
word, two-word queries, accent-less spellings, field queries, an empty
browse) with every facet on, through :class:`search_index.SearchIndex` and
through raw Whoosh (``searcher.search(..., groupedby=...)`` with the same
facets and the same parsed query), and prints the figures side by side. It
prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import Vocabulary, generate, tag_pool, vocabulary
from search_index import SearchIndex, SearchQuery
from search_index.analysis import fold
from search_index.layout import Layout

CACHE = Path(__file__).resolve().parent / ".cache"


def build(n: int, vocab: Vocabulary, force: bool) -> tuple[Path, float | None]:
    """Return the index path for ``n`` documents and its indexing rate (docs/s)."""
    path = CACHE / f"search-{n}"
    meta = path / "bench.json"
    if meta.exists() and not force:
        return path, json.loads(meta.read_text())["docs_per_s"]
    path.mkdir(parents=True, exist_ok=True)
    idx = SearchIndex(path)
    started = time.perf_counter()
    last = [started]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 15:
            print(f"  indexed {done}/{n} ({done / (now - started):.0f} docs/s)", flush=True)
            last[0] = now

    count = idx.rebuild(generate(n, vocab=vocab), count=n, progress=progress)
    rate = count / (time.perf_counter() - started)
    idx.close()
    meta.write_text(json.dumps({"docs_per_s": rate, "docs": count}))
    return path, rate


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
        f"tag:{tag_pool(vocab)[20]}",
        "credito:perez",
        "",
    ]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    a = np.array(samples) * 1000
    return (float(np.percentile(a, 50)), float(np.percentile(a, 95)), float(np.percentile(a, 99)))


def time_runs(
    fn: Callable[[str], int], texts: list[str], repeat: int
) -> tuple[list[float], dict[str, tuple[int, float]]]:
    samples: list[float] = []
    per_query: dict[str, list[float]] = {t: [] for t in texts}
    totals: dict[str, int] = {}
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            totals[text] = fn(text)
            elapsed = time.perf_counter() - started
            samples.append(elapsed)
            per_query[text].append(elapsed)
    return samples, {t: (totals[t], statistics.median(v) * 1000) for t, v in per_query.items()}


def ours(path: Path, texts: list[str], repeat: int) -> dict[str, object]:
    opened = time.perf_counter()
    idx = SearchIndex(path)
    open_s = time.perf_counter() - opened
    first = time.perf_counter()
    idx.search(SearchQuery(text=texts[0]))  # builds the per-segment facet arrays
    first_s = time.perf_counter() - first
    samples, per_query = time_runs(
        lambda t: idx.search(SearchQuery(text=t, per_page=24)).total, texts, repeat
    )
    idx.close()
    return {"samples": samples, "per_query": per_query, "open_s": open_s, "first_s": first_s}


def raw_whoosh(path: Path, texts: list[str], repeat: int) -> dict[str, object]:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=20, help="runs of each query (ours)")
    ap.add_argument("--baseline-repeat", type=int, default=5, help="runs of each query (raw)")
    ap.add_argument("--rebuild", action="store_true", help="ignore cached indexes")
    args = ap.parse_args()
    vocab = vocabulary()
    texts = queries(vocab)
    print("queries:", ", ".join(repr(t) for t in texts))
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"N={n}: building or loading the index", flush=True)
        path, rate = build(n, vocab, args.rebuild)
        print(f"N={n}: timing queries", flush=True)
        mine = ours(path, texts, args.repeat)
        raw = raw_whoosh(path, texts, args.baseline_repeat)
        rows.append((n, rate, mine, raw))
        print(f"\nN={n} per query (median ms; hits)")
        print(f"  {'query':40} {'hits':>7} {'ours':>8} {'raw':>8}")
        for text in texts:
            total, mine_ms = mine["per_query"][text]  # type: ignore[index]
            raw_total, raw_ms = raw["per_query"][text]  # type: ignore[index]
            flag = "" if total == raw_total else f"  (raw counts {raw_total})"
            print(f"  {text or '(empty)':40} {total:>7} {mine_ms:>8.1f} {raw_ms:>8.1f}{flag}")
    print("\nAll facets on (kind, agency, year, tag, orientation, compliance, status), 24 hits.")
    print(
        f"{'N':>8} | {'index docs/s':>12} | {'engine':<22} | {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} | {'open ms':>7} {'1st query ms':>12}"
    )
    for n, rate, mine, raw in rows:
        p = percentiles(mine["samples"])  # type: ignore[arg-type]
        q = percentiles(raw["samples"])  # type: ignore[arg-type]
        rate_s = f"{rate:.0f}" if rate else "-"
        print(
            f"{n:>8} | {rate_s:>12} | {'SearchIndex (numpy)':<22} | {p[0]:>7.1f} {p[1]:>7.1f} "
            f"{p[2]:>7.1f} | {mine['open_s'] * 1000:>7.0f} {mine['first_s'] * 1000:>12.0f}"
        )
        print(
            f"{'':>8} | {'':>12} | {'raw Whoosh groupedby':<22} | {q[0]:>7.1f} {q[1]:>7.1f} "
            f"{q[2]:>7.1f} |"
        )


if __name__ == "__main__":
    main()
