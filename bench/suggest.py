"""Spelling suggestions restricted to what the searcher may see: what the restriction costs.

Run from the repository root::

    .venv/bin/python -m bench.suggest --sizes 3000,10000

For each size it builds (or reuses, from ``bench/.cache/``, shared with
:mod:`bench.search`) an index of the synthetic corpus (40 agencies, real
Spanish word frequencies), misspells content words of several frequencies
(one letter dropped) and times, per query, the search of the misspelled
text as an administrator (no restriction: Whoosh's own document
frequencies), as one agency's user (its agency plus public documents) and
as an anonymous visitor (public documents only), with the time of a
correctly spelled query of the same restriction beside it: the difference
is what the suggestion costs. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import vocabulary
from bench.search import build
from search_index import SearchIndex, SearchQuery

SCOPES = {
    "admin (all)": {"agencies": None, "public_only": False},
    "one agency": {"agencies": frozenset({"secretaria-de-salud"}), "public_only": False},
    "anonymous": {"agencies": frozenset(), "public_only": True},
}


def misspell(word: str) -> str:
    middle = len(word) // 2
    return word[:middle] + word[middle + 1 :]


def median_ms(idx: SearchIndex, text: str, scope: dict[str, object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        idx.search(SearchQuery(text=text, per_page=24, **scope))  # type: ignore[arg-type]
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--force", action="store_true", help="rebuild cached indexes")
    args = parser.parse_args()
    vocab = vocabulary()
    content = [w for w in vocab.content_words() if len(w) >= 7]
    words = [content[i] for i in (5, 50, 300, 1500, 4000)]
    for n in (int(s) for s in args.sizes.split(",")):
        path, _rate = build(n, vocab, args.force)
        idx = SearchIndex(path)
        idx.search(SearchQuery(text=words[0]))  # builds the per-segment arrays
        print(f"\n{n} documents: median of {args.repeat} runs, ms (suggestion given)")
        print(f"{'query':<16}" + "".join(f"{name:>26}" for name in SCOPES))
        for word in words:
            wrong = misspell(word)
            cells = []
            for scope in SCOPES.values():
                plain = median_ms(idx, word, scope, args.repeat)
                typo = median_ms(idx, wrong, scope, args.repeat)
                got = idx.search(SearchQuery(text=wrong, **scope)).suggestion  # type: ignore[arg-type]
                cells.append(f"{typo:7.1f} (plain {plain:5.1f}) {got or '-':>9.9}")
            print(f"{wrong:<16}" + "".join(f"{c:>26}" for c in cells))
        idx.close()


if __name__ == "__main__":
    main()
