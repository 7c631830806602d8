"""The search domain's exceptions; the web layer maps them to HTTP in one place.

Messages are plain English sentences meant to be shown to people (the web
layer translates them).
"""

from __future__ import annotations

__all__ = ["IndexBusy", "IndexUnavailable", "InvalidQuery", "SearchIndexError"]


class SearchIndexError(Exception):
    """Base class of every error raised by :mod:`search_index`."""


class IndexUnavailable(SearchIndexError):
    """The index cannot be read or written (missing, damaged, unreadable)."""


class IndexBusy(IndexUnavailable):
    """Another process kept the index's write lock for longer than we wait."""


class InvalidQuery(SearchIndexError, ValueError):
    """A structured part of a query (sort, page, filter name) is not valid.

    Free text never raises this: odd text falls back to a plain word search.
    """
