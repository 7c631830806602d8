"""``brandhub reindex`` and ``brandhub check-index``: the index is derived data.

``reindex`` rebuilds the whole index from the database (:func:`indexing.rebuild`:
built aside, then swapped in) with a progress bar.

``check-index`` compares the index's asset ids with the database's, and the
fields of a sample of documents (or all of them) with what the database says
now; ``--repair`` queues the differences and drains them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from search_index import IndexUnavailable

from .. import indexing
from ..db import get_session
from ..models import Asset
from ..search import service


@contextmanager
def _progress_bar(count: int) -> Iterator[Callable[[int], None]]:
    with click.progressbar(length=count, label=_("Indexing"), show_eta=True, show_pos=True) as bar:
        yield lambda n: bar.update(max(0, min(n, count) - bar.pos))


def reindex(batch: int = 500) -> None:
    """Rebuild the search index, showing its progress, and say how many assets it holds."""
    svc = service()
    try:
        written = indexing.rebuild(
            get_session(),
            svc.path,
            svc.lock_timeout,
            batch=batch,
            progress=_progress_bar,
            index=svc.rebuild_target(),
        )
    except indexing.OutboxBusy as exc:
        raise click.ClickException(_("The search index is busy; try again in a moment.")) from exc
    svc.forget()
    click.echo(_("%(count)s assets indexed.", count=written))


def rebuild_outdated_index() -> None:
    """Rebuild a search index built with an older schema (new fields, changed facets)."""
    try:
        outdated = service().index().schema_outdated()
    except IndexUnavailable:
        return  # damaged: the library says so and ``brandhub reindex`` repairs it
    if outdated:
        click.echo(_("The search index was built by an older version; rebuilding it."))
        reindex()


@click.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Rows read per database query.")
@with_appcontext
def reindex_command(batch: int) -> None:
    """Rebuild the search index from the database (built aside, then swapped in)."""
    reindex(batch)


@click.command("check-index")
@click.option(
    "--sample",
    default=200,
    show_default=True,
    help="Compare the fields of this many documents with the database.",
)
@click.option("--all", "check_all", is_flag=True, help="Compare the fields of every document.")
@click.option("--repair", is_flag=True, help="Queue and apply the missing changes.")
@with_appcontext
def check_index_command(sample: int, check_all: bool, repair: bool) -> None:
    """Compare the search index with the database and report what disagrees."""
    db = get_session()
    svc = service()
    index = svc.index()
    if index.schema_outdated():
        click.echo(_("The search index was built by an older version and needs a rebuild."))
        if not repair:
            raise SystemExit(1)
        reindex()
        index = svc.index()
    # Changes still queued are expected differences: apply them first.
    indexing.drain_all(db, index, lock_timeout=svc.lock_timeout)
    in_db = set(db.scalars(select(Asset.id)))
    in_index = index.doc_ids()
    missing, extra = sorted(in_db - in_index), sorted(in_index - in_db)
    present = sorted(in_db & in_index)
    chosen = present if check_all else sorted(random.sample(present, min(sample, len(present))))
    stale: list[int] = []
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        rows = db.scalars(select(Asset).where(Asset.id.in_(part)))
        stale += index.stale(indexing.document_for(a) for a in rows)
        db.expunge_all()
    click.echo(
        _(
            "Database: %(db)s assets; index: %(index)s documents; missing: %(missing)s;"
            " extra: %(extra)s; out of date: %(stale)s of %(checked)s compared;"
            " queued changes: %(pending)s (%(scheduled)s scheduled)",
            db=len(in_db),
            index=len(in_index),
            missing=len(missing),
            extra=len(extra),
            stale=len(stale),
            checked=len(chosen),
            pending=indexing.pending(db),
            scheduled=indexing.scheduled(db),
        )
    )
    for label, ids in ((_("Missing"), missing), (_("Extra"), extra), (_("Out of date"), stale)):
        if ids:
            more = _(" and %(count)s more", count=len(ids) - 20) if len(ids) > 20 else ""
            click.echo(f"{label}: {', '.join(map(str, ids[:20]))}{more}")
    wrong = [*missing, *extra, *stale]
    if repair and wrong:
        indexing.enqueue(db, wrong)
        db.commit()
        done = indexing.drain_all(db, index, lock_timeout=svc.lock_timeout)
        click.echo(_("Repaired: %(count)s changes applied.", count=done))
    elif wrong:
        raise SystemExit(1)
