"""Sorting and paging a hit mask: only the first ``page * per_page`` hits are ever ordered.

Dates and scores are global arrays, so the first k hits come from a
``numpy.partition`` and a sort of those few; ties break by the next key and
then by document number, the same way on every page. Titles are ranked per
segment; each segment offers its first k and those few are merged.
"""

from __future__ import annotations

import numpy as np

from .views import IndexView

__all__ = ["page_of"]


def page_of(
    view: IndexView, mask: np.ndarray, score: np.ndarray, sort: str, page: int, per_page: int
) -> list[int]:
    """Global document numbers of one page of the hits in ``mask``, in ``sort`` order.

    Ties break by newest first for "relevance", then by asset id (the higher
    first for "relevance" and "newest": dates have one-second resolution, and
    within a second the later asset comes first). Asset ids, not document
    numbers, so that the order survives updates and rebuilds.
    """
    start, k = (page - 1) * per_page, page * per_page
    hits = np.flatnonzero(mask)
    if start >= len(hits):
        return []
    if sort == "title":
        return _title_order(view, hits, k)[start:]
    created = view.numeric("created")[hits]
    ids = view.asset_ids[hits]
    if sort == "relevance":
        keys = [-score[hits], -created, -ids]
    elif sort == "newest":
        keys = [-created, -ids]
    else:
        keys = [created, ids]
    ids_in_order: list[int] = _top_k(hits, keys, k)[start:].tolist()
    return ids_in_order


def _top_k(hits: np.ndarray, keys: list[np.ndarray], k: int) -> np.ndarray:
    """The ``k`` first of ``hits`` ordered by ``keys`` (ascending, first key first), then docnum.

    ``hits`` must be ascending. Hits tied with the k-th on the first key are
    ordered by the next keys the same way, so a query whose hits all score
    the same (a filter-only query) costs a partition, not a full sort.
    """
    if not keys:
        return hits[:k]
    if len(hits) <= k:
        return hits[np.lexsort((hits, *reversed(keys)))]
    primary = keys[0]
    kth = np.partition(primary, k - 1)[k - 1]
    better = primary < kth
    tied = primary == kth
    head = _top_k(hits[better], [key[better] for key in keys], k)
    rest = _top_k(hits[tied], [key[tied] for key in keys[1:]], k - len(head))
    return np.concatenate([head, rest])


def _title_order(view: IndexView, hits: np.ndarray, k: int) -> list[int]:
    ids = view.asset_ids
    candidates: list[tuple[bytes, int, int]] = []
    for leaf in view.leaves:
        lo, hi = leaf.offset, leaf.offset + leaf.data.doccount
        local = hits[(hits >= lo) & (hits < hi)] - lo
        if not len(local):
            continue
        rank, keys = leaf.data.title_order(leaf.reader)
        if len(local) > k:
            local = local[np.argpartition(rank[local], k - 1)[:k]]
        candidates.extend((bytes(keys[d]), int(ids[d + lo]), int(d) + lo) for d in local)
    candidates.sort()
    return [docnum for _, _, docnum in candidates[:k]]
