"""Sorting and paging a hit mask: only the first ``page * per_page`` hits are ever ordered.

Dates and scores are global arrays, so the first k hits come from one
``numpy.partition`` (keeping every hit tied with the k-th, so ties break the
same way on every page) and a sort of those few. Titles are ranked per
segment; each segment offers its first k and those few are merged.
"""

from __future__ import annotations

import numpy as np

from .views import IndexView

__all__ = ["page_of"]


def page_of(view: IndexView, mask: np.ndarray, score: np.ndarray, sort: str, page: int,
            per_page: int) -> list[int]:
    """Global document numbers of one page of the hits in ``mask``, in ``sort`` order.

    Ties break by newest first for "relevance", then by document number.
    """
    start, k = (page - 1) * per_page, page * per_page
    hits = np.flatnonzero(mask)
    if start >= len(hits):
        return []
    if sort == "title":
        return _title_order(view, hits, k)[start:]
    created = view.numeric("created")[hits]
    if sort == "relevance":
        keys = [-score[hits], -created]
    elif sort == "newest":
        keys = [-created]
    else:
        keys = [created]
    return _top_k(hits, keys, k)[start:].tolist()


def _top_k(hits: np.ndarray, keys: list[np.ndarray], k: int) -> np.ndarray:
    """The ``k`` first of ``hits`` ordered by ``keys`` (ascending, first key first), then docnum."""
    primary = keys[0]
    if len(hits) > k:
        kth = np.partition(primary, k - 1)[k - 1]
        keep = primary <= kth
        hits = hits[keep]
        keys = [key[keep] for key in keys]
    order = np.lexsort((hits, *reversed(keys)))
    return hits[order][:k]


def _title_order(view: IndexView, hits: np.ndarray, k: int) -> list[int]:
    candidates: list[tuple[bytes, int]] = []
    for leaf in view.leaves:
        lo, hi = leaf.offset, leaf.offset + leaf.data.doccount
        local = hits[(hits >= lo) & (hits < hi)] - lo
        if not len(local):
            continue
        rank, keys = leaf.data.title_order(leaf.reader)
        if len(local) > k:
            local = local[np.argpartition(rank[local], k - 1)[:k]]
        candidates.extend((bytes(keys[d]), int(d) + lo) for d in local)
    candidates.sort()
    return [docnum for _, docnum in candidates[:k]]
