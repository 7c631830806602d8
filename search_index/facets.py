"""Filters, visibility and facet counts as numpy masks over an :class:`IndexView`.

Filters and visibility are masks ANDed into the hit mask before anything is
counted, so totals and facet counts only ever include documents the caller
may see.

Facet counts follow the usual multi-select rule: the counts of a facet are
computed with every filter applied *except that facet's own*, so after
ticking "video" the kind facet still shows how many images there are
(ticking one more value widens the results, OR within a facet) while the
other facets narrow to videos (AND across facets).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .documents import FACETS
from .schema import facet_value
from .views import FacetColumn, IndexView

__all__ = ["count_facets", "facet_masks", "visibility_mask"]


def _value_mask(view: IndexView, column: FacetColumn, values: Sequence[str]) -> np.ndarray:
    index = column.code_of()
    # One slot more than there are values: code -1 ("no value") reads it.
    wanted = np.zeros(len(column.values) + 1, dtype=bool)
    for value in values:
        code = index.get(value)
        if code is not None:
            wanted[code] = True
    if column.codes is not None:
        matches: np.ndarray = wanted[column.codes]
        return matches
    assert column.pair_docs is not None and column.pair_codes is not None
    mask = np.zeros(view.doccount, dtype=bool)
    mask[column.pair_docs[wanted[column.pair_codes]]] = True
    return mask


def facet_masks(view: IndexView, filters: Mapping[str, Sequence[str]]) -> dict[str, np.ndarray]:
    """One mask per filtered facet: documents having any of the picked values."""
    masks = {}
    for facet in FACETS:
        picked = filters.get(facet)
        if picked:
            values = [facet_value(facet, v) for v in picked]
            masks[facet] = _value_mask(view, view.facet(facet), values)
    return masks


def visibility_mask(
    view: IndexView, agencies: frozenset[str] | None, public_only: bool
) -> np.ndarray | None:
    """Documents the caller may see, or ``None`` when there is no restriction."""
    if agencies is None and not public_only:
        return None
    public = _value_mask(view, view.facet("public"), ["1"])
    if public_only or not agencies:
        return public
    either: np.ndarray = public | _value_mask(view, view.facet("agency"), sorted(agencies))
    return either


def _ordered(
    facet: str, values: list[str], counts: np.ndarray, limit: int, selected: Sequence[str]
) -> dict[str, int]:
    nonzero = np.flatnonzero(counts)
    if facet == "year":
        # Newest first; "undated" (not a number) after every year.
        order = sorted(
            nonzero.tolist(), key=lambda i: (values[i].isdigit(), values[i]), reverse=True
        )
    else:
        order = sorted(nonzero.tolist(), key=lambda i: (-int(counts[i]), values[i]))
    out = {values[i]: int(counts[i]) for i in order[:limit]}
    index = {v: i for i, v in enumerate(values)}
    for value in selected:
        if value not in out:
            code = index.get(value)
            out[value] = int(counts[code]) if code is not None else 0
    return out


def _counts(view: IndexView, facet: str, docs: np.ndarray) -> np.ndarray:
    """How many of the documents numbered ``docs`` hold each value of ``facet``."""
    column = view.facet(facet)
    size = len(column.values)
    if column.codes is not None:
        return np.bincount(column.codes[docs] + 1, minlength=size + 1)[1:]
    starts, codes = view.pairs_by_doc(facet)
    begin = starts[docs]
    lengths = starts[docs + 1] - begin
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(size, dtype=np.int64)
    # Pair positions of each document, one after the other: its start plus
    # 0, 1, … (each run of the arange rebased to where the document's run begins).
    shift = np.repeat(begin - (np.cumsum(lengths) - lengths), lengths)
    return np.bincount(codes[shift + np.arange(total)], minlength=size)


def _counter(view: IndexView, hits: np.ndarray) -> Callable[[str], np.ndarray]:
    """Facet counts over ``hits``, reading whichever is fewer: the hits or the others.

    When most documents are hits (browsing everything, a very common word),
    the counts are the facet's totals minus the counts of the documents that
    are not hits.
    """
    if 2 * int(np.count_nonzero(hits)) <= len(hits):
        chosen = np.flatnonzero(hits)
        return lambda facet: _counts(view, facet, chosen)
    others = np.flatnonzero(~hits)
    return lambda facet: view.facet_totals(facet) - _counts(view, facet, others)


def count_facets(
    view: IndexView,
    base: np.ndarray,
    masks: Mapping[str, np.ndarray],
    filters: Mapping[str, Sequence[str]],
    limit: int,
) -> dict[str, dict[str, int]]:
    """Count every facet's values over ``base`` (text match and visibility) and the filters.

    Picked filter values always appear in their facet, even with a count of 0,
    so a page can show them ticked.
    """
    everything = base.copy()
    for mask in masks.values():
        everything &= mask
    count_everything = _counter(view, everything)
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        if facet in masks:
            hits = base.copy()
            for other, mask in masks.items():
                if other != facet:
                    hits &= mask
            counts = _counter(view, hits)(facet)
        else:
            counts = count_everything(facet)
        column = view.facet(facet)
        selected = [facet_value(facet, v) for v in filters.get(facet, ())]
        out[facet] = _ordered(facet, column.values, counts, limit, selected)
    return out
