"""BrandHub's search domain: Spanish full-text search over assets, with facets, on Whoosh.

No Flask here: the app builds :class:`AssetDocument` values from its
database rows and calls :class:`SearchIndex`; everything Whoosh stays inside
this package. See :mod:`search_index.index` for how indexing works.

    >>> from search_index import SearchIndex, SearchQuery
    >>> idx = SearchIndex(instance_path / "search")           # doctest: +SKIP
    >>> idx.apply(upserts=[doc], deletes=[42])                 # doctest: +SKIP
    >>> idx.search(SearchQuery(text="vacunacion", filters={"kind": ["image"]}))  # doctest: +SKIP
"""

from __future__ import annotations

from .documents import (
    CATEGORIES,
    COMPLIANCE,
    FACETS,
    HAS_TEXT,
    KINDS,
    MAX_PER_PAGE,
    ORIENTATIONS,
    SORTS,
    STATUSES,
    UNDATED,
    AssetDocument,
    Hit,
    SearchQuery,
    SearchResults,
)
from .errors import IndexBusy, IndexUnavailable, InvalidQuery, SearchIndexError
from .index import SearchIndex
from .schema import SCHEMA_VERSION

__all__ = [
    "CATEGORIES",
    "HAS_TEXT",
    "COMPLIANCE",
    "FACETS",
    "KINDS",
    "MAX_PER_PAGE",
    "ORIENTATIONS",
    "SCHEMA_VERSION",
    "SORTS",
    "STATUSES",
    "UNDATED",
    "AssetDocument",
    "Hit",
    "IndexBusy",
    "IndexUnavailable",
    "InvalidQuery",
    "SearchIndex",
    "SearchIndexError",
    "SearchQuery",
    "SearchResults",
]
