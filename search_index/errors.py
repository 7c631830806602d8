"""The search domain's exceptions; the web layer maps them to HTTP in one place.

Messages are plain English sentences meant to be shown to people (the web
layer translates them).
"""

from __future__ import annotations

import gc
import warnings

__all__ = ["IndexBusy", "IndexUnavailable", "InvalidQuery", "SearchIndexError", "unavailable"]

DAMAGED = "The search index cannot be read; it needs to be rebuilt."


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


def unavailable(exc: BaseException) -> IndexUnavailable:
    """An :class:`IndexUnavailable` that notes ``exc`` but does not keep its frames.

    A Whoosh reader that fails half-way through opening leaves files open in
    its frames; dropping the traceback here lets them close now, quietly,
    instead of warning whenever the caller lets go of the error.
    """
    error = IndexUnavailable(DAMAGED)
    error.add_note(f"{type(exc).__name__}: {exc}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        exc.__traceback__ = None
        exc.__context__ = exc.__cause__ = None
        del exc
        gc.collect()
    return error
