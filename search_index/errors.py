"""The search domain's exceptions, on the root of the tree in :mod:`core.errors`.

Each error keeps two texts: ``message``, the plain English sentence a person is
shown (the web layer translates it), and ``str(error)``, the precise reason, for
the logs and the command line (and, for a query, the API's ``detail``).
"""

from __future__ import annotations

import gc
import warnings

from core.errors import N_, BrandHubError

__all__ = ["IndexBusy", "IndexUnavailable", "InvalidQuery", "SearchIndexError", "unavailable"]

DAMAGED = "The search index cannot be read; it needs to be rebuilt."


class SearchIndexError(BrandHubError):
    """The search index failed."""

    # The base of every error raised by this package.

    def __init__(self, reason: str, message: str, **details: object) -> None:
        super().__init__(message, **details)
        self.args = (reason,)


class IndexUnavailable(SearchIndexError):
    """The index cannot be read or written (missing, damaged, unreadable)."""

    code = "search_unavailable"
    transient = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason, N_("Search is not available right now; try again later."))


class IndexBusy(IndexUnavailable):
    """Another process kept the index's write lock for longer than we wait."""

    def __init__(self, reason: str) -> None:
        SearchIndexError.__init__(
            self, reason, N_("The search index is busy; try again in a moment.")
        )


class InvalidQuery(SearchIndexError, ValueError):
    """A structured part of a query (sort, page, filter name) is not valid."""

    # Free text never raises this: odd text falls back to a plain word search.

    code = "bad_request"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, N_("The search is not valid."), detail=reason)


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
