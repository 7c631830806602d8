"""Comparing what the index holds with the documents it should hold.

The index is derived data, so the app checks it against the database from
time to time (``brandhub check-index``): every id, and for some or all
assets every field. :func:`stale_ids` answers the second question: given
the documents as the database says they are now, which ones the index has
missing or different. Fields are compared in their indexed form (the output
of :func:`~search_index.schema.document_fields`): stored text, facet codes,
the public flag and the dates, so a document that only differs in a way
the index cannot see (the order of tags, say) is not reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .documents import AssetDocument
from .schema import FACET_FIELDS, MISSING_TIME, TEXT_FIELDS, document_fields
from .views import MULTI_VALUED, IndexView

__all__ = ["indexed_fields", "stale_ids"]

_COMPARED = (*TEXT_FIELDS, *FACET_FIELDS, "public", "created", "captured")


def indexed_fields(view: IndexView, asset_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For each of ``asset_ids`` the index holds: its fields in indexed form."""
    wanted = np.fromiter({int(i) for i in asset_ids}, dtype=np.int64)
    ids = view.asset_ids
    docnums = np.flatnonzero(view.live & np.isin(ids, wanted))
    if not len(docnums):
        return {}
    out: dict[int, dict[str, Any]] = {}
    for d in docnums.tolist():
        fields = {k: v for k, v in view.searcher.stored_fields(d).items() if k in TEXT_FIELDS}
        out[int(ids[d])] = fields
    for facet in (*FACET_FIELDS, "public"):
        column = view.facet(facet)
        if facet in MULTI_VALUED:
            assert column.pair_docs is not None and column.pair_codes is not None
            picked = np.isin(column.pair_docs, docnums)
            for d, code in zip(
                column.pair_docs[picked].tolist(), column.pair_codes[picked].tolist(), strict=True
            ):
                out[int(ids[d])].setdefault(facet, []).append(column.values[code])
            continue
        assert column.codes is not None
        for d in docnums.tolist():
            code = int(column.codes[d])
            if code >= 0:
                out[int(ids[d])][facet] = column.values[code]
    for name in ("created", "captured"):
        values = view.numeric(name)
        for d in docnums.tolist():
            if int(values[d]) != MISSING_TIME:
                out[int(ids[d])][name] = int(values[d])
    return out


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    out = {k: fields[k] for k in _COMPARED if k in fields}
    tags = out.get("tag")
    if isinstance(tags, str):
        tags = tags.split(",")
    if tags is not None:
        out["tag"] = sorted(tags)
    return out


def stale_ids(view: IndexView, docs: Iterable[AssetDocument]) -> list[int]:
    """Ids of ``docs`` that the index lacks or holds with different fields."""
    expected = {doc.id: _comparable(document_fields(doc)) for doc in docs}
    held = indexed_fields(view, expected)
    return sorted(
        i for i, fields in expected.items() if i not in held or _comparable(held[i]) != fields
    )
