"""Search in the app: one index per process, visibility, and the inline drain.

The index is opened on first use (a damaged or missing index must not stop the
app from starting: pages fall back to the plain listing and say so). Who may
see what is turned into the index's own filters (``agencies``/``public_only``)
so totals and facet counts only ever count visible assets, and the hits are
checked again against the database when their rows are read (:func:`assets_for`:
the index may be late). (One difference
with :mod:`brandhub.operations.access`: a person with no agency finds public
assets only, not also the ones they uploaded; the index does not know uploaders.)

With ``SEARCH_DRAIN_INLINE`` (the default) the outbox is drained after every
write request, and before a search when changes are due (left by a busy index
or an embargo that ended); turn it off when a background worker drains it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from search_index import IndexUnavailable, SearchIndex, SearchQuery, SearchResults
from search_index.pg_index import PostgresSearchIndex

from . import indexing, metrics
from .db import database
from .models import Asset
from .operations.access import Viewer, search_scope, visible_filter

log = logging.getLogger(__name__)
_EXT = "brandhub.search"
#: Either backend: both have the same methods (apply, search, doc_ids, stale …).
SearchBackend = SearchIndex | PostgresSearchIndex


class SearchService:
    """Holds the process's search index, opening it lazily and again after damage.

    With the Whoosh backend, a ``SearchIndex`` on files under ``path``; with
    ``engine`` (the PostgreSQL backend), a ``PostgresSearchIndex`` on the app's
    database, written in each write's own transaction (see :mod:`brandhub.indexing`).
    """

    def __init__(
        self, path: Path, lock_timeout: float = 30.0, engine: Engine | None = None
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.engine = engine
        self._index: SearchBackend | None = None
        self._lock = threading.Lock()

    @property
    def in_database(self) -> bool:
        """Whether the index lives in the database (the PostgreSQL backend)."""
        return self.engine is not None

    def index(self) -> SearchBackend:
        with self._lock:
            if self._index is None:
                self.path.mkdir(parents=True, exist_ok=True)
                if self.engine is not None:
                    self._index = PostgresSearchIndex(
                        self.engine, self.path, lock_timeout=self.lock_timeout
                    )
                else:
                    self._index = SearchIndex(self.path, lock_timeout=self.lock_timeout)
            return self._index

    def rebuild_target(self) -> PostgresSearchIndex | None:
        """The index a rebuild writes into, when it is not the Whoosh folder at ``path``."""
        index = self.index() if self.engine is not None else None
        return index if isinstance(index, PostgresSearchIndex) else None

    def forget(self) -> None:
        """Close the index so the next use reopens it (after a rebuild or damage)."""
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None


def init_app(app: Flask) -> None:
    indexing.install()
    app.config.setdefault("SEARCH_DRAIN_INLINE", True)
    app.config.setdefault("SEARCH_LOCK_TIMEOUT", 30)
    engine = None
    if app.config.get("SEARCH_BACKEND") == "postgres":
        db = database(app)
        engine = db.engine
    svc = SearchService(
        Path(app.config["INDEX_PATH"]), float(app.config["SEARCH_LOCK_TIMEOUT"]), engine
    )
    app.extensions[_EXT] = svc
    if engine is not None:
        # Every session of this app writes search documents in its own transaction.
        database(app).sessionmaker.configure(info={indexing.IN_TRANSACTION: svc.index})
    app.after_request(_drain_after_write)
    app.jinja_env.globals["did_you_mean"] = did_you_mean


def service(app: Flask | None = None) -> SearchService:
    return (app or current_app).extensions[_EXT]


def run_search(user: Viewer, **query: Any) -> SearchResults:
    """Search as ``user``; raises IndexUnavailable/InvalidQuery for the caller to show."""
    catch_up()
    with metrics.search_timer():
        return service().index().search(SearchQuery(**query, **search_scope(user)))


#: A drain inside a request stops after this many batches; the rest waits for the next.
INLINE_BATCHES = 10


def drain(app: Flask | None = None, only_if_due: bool = False) -> int:
    """Apply queued index changes now; never raises (they stay queued on any failure).

    The change that caused it is committed already: whatever goes wrong here
    must not turn its response into an error.
    """
    app = app or current_app
    svc = service(app)
    db = database(app).sessionmaker()
    try:
        if only_if_due and not indexing.has_due(db):
            return 0
        return indexing.drain_all(
            db, svc.index(), lock_timeout=svc.lock_timeout, max_batches=INLINE_BATCHES
        )
    except IndexUnavailable as exc:
        log.warning("search index unavailable, changes stay queued: %s", exc)
        return 0
    except Exception:
        log.exception("draining the search outbox failed; changes stay queued")
        return 0
    finally:
        db.close()


def catch_up() -> None:
    """Before a search: apply changes left queued (a busy index, an embargo that ended)."""
    if current_app.config["SEARCH_DRAIN_INLINE"]:
        drain(only_if_due=True)


def _drain_after_write(response: Response) -> Response:
    if (
        request.method in ("POST", "PUT", "PATCH", "DELETE")
        and response.status_code < 400
        and current_app.config["SEARCH_DRAIN_INLINE"]
    ):
        drain()
    return response


def did_you_mean(suggestion: str, url: str) -> Markup:
    """ "Did you mean <a>suggestion</a>?" as HTML: every piece escaped, the link whole."""
    link = Markup('<a class="suggestion" href="{}">{}</a>').format(url, suggestion)
    slot = "\ue000"  # a private-use character no translation contains
    return escape(_("Did you mean %(suggestion)s?", suggestion=slot)).replace(slot, link)


def query_from_args(args: Any, default_per_page: int, max_per_page: int = 100) -> dict[str, Any]:
    """Query keyword arguments from request arguments; InvalidQuery for bad numbers."""
    from search_index import FACETS, InvalidQuery

    text = (args.get("q") or "").strip()[:500]
    filters = {
        name: [v[:100] for v in args.getlist(name) if v.strip()][:20]
        for name in FACETS
        if args.getlist(name)
    }
    filters = {k: v for k, v in filters.items() if v}
    sort = args.get("sort") or ("relevance" if text else "newest")

    def number(name: str, default: int, high: int) -> int:
        raw = args.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise InvalidQuery(f"'{name}' must be a whole number.") from None
        if not 1 <= value <= high:
            raise InvalidQuery(f"'{name}' must be between 1 and {high}.")
        return value

    return {
        "text": text,
        "filters": filters,
        "sort": sort,
        "page": number("page", 1, 10_000),
        "per_page": number("per_page", default_per_page, max_per_page),
    }


def assets_for(
    db: Session, user: Viewer, results: SearchResults
) -> tuple[SearchResults, list[Asset]]:
    """The hits' asset rows in hit order (one query), re-checked against the database.

    The index can be late (a change still queued, a worker that is down): a hit
    whose row is gone, or that ``user`` may no longer see (made private, expired,
    sent back to review), is dropped here, by the same rule as every other page
    (``operations.access.visible_filter``). The results come back with those
    hits removed and the total lowered by as many, so the count never includes
    what the page cannot show; other pages of the same search may still count
    a stale hit until the index catches up.
    """
    ids = [hit.id for hit in results.hits]
    if not ids:
        return results, []
    rows = {
        a.id: a for a in db.scalars(select(Asset).where(Asset.id.in_(ids), visible_filter(user)))
    }
    kept = [hit for hit in results.hits if hit.id in rows]
    if len(kept) < len(ids):
        results = dataclasses.replace(
            results, hits=kept, total=max(len(kept), results.total - (len(ids) - len(kept)))
        )
    return results, [rows[hit.id] for hit in kept]


def all_result_ids(user: Viewer, query: dict[str, Any], limit: int) -> tuple[list[int], int]:
    """Every hit of ``query`` (any page) that ``user`` may see, at most ``limit``; and the total.

    For "select all N results of this search": the ids in the search's order, read
    page by page without facets; the caller refuses a total above ``limit``.
    """
    from search_index import MAX_PER_PAGE

    wanted = {**query, "page": 1, "per_page": MAX_PER_PAGE, "facets": False}
    ids: list[int] = []
    total = 0
    while True:
        results = run_search(user, **wanted)
        total = results.total
        ids.extend(hit.id for hit in results.hits)
        if len(ids) >= min(total, limit) or not results.hits:
            break
        wanted["page"] += 1
    return list(dict.fromkeys(ids))[:limit], total
