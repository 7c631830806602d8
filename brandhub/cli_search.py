"""``brandhub reindex`` and ``brandhub check-index``: the index is derived data."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from search_index import SearchIndex

from . import indexing
from .db import get_session
from .models import Asset, IndexChange
from .search import service


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database (built aside, then swapped in)."""
    db = get_session()
    count = db.scalar(select(func.count()).select_from(Asset)) or 0
    # Changes queued before the rebuild are in it; later ones are replayed by the index.
    queued = db.scalar(select(func.max(IndexChange.id)))
    index = SearchIndex.for_rebuild(service().path)
    try:
        with click.progressbar(
            length=count, label=_("Indexing"), show_eta=True, show_pos=True
        ) as bar:
            written = index.rebuild(
                indexing.iter_documents(db), count=count, progress=lambda n: bar.update(n - bar.pos)
            )
    finally:
        index.close()
    if queued is not None:
        db.execute(delete(IndexChange).where(IndexChange.id <= queued))
        db.commit()
    service().forget()
    click.echo(_("%(count)s assets indexed.", count=written))


@click.command("check-index")
@click.option("--repair", is_flag=True, help="Queue and apply the missing changes.")
@with_appcontext
def check_index_command(repair: bool) -> None:
    """Compare the search index with the database and report what disagrees."""
    db = get_session()
    in_db = set(db.scalars(select(Asset.id)))
    in_index = service().index().doc_ids()
    missing, extra = sorted(in_db - in_index), sorted(in_index - in_db)
    pending = indexing.pending(db)
    click.echo(
        _(
            "Database: %(db)s assets; index: %(index)s documents; missing: %(missing)s;"
            " extra: %(extra)s; queued changes: %(pending)s",
            db=len(in_db),
            index=len(in_index),
            missing=len(missing),
            extra=len(extra),
            pending=pending,
        )
    )
    if missing[:20]:
        click.echo(_("Missing: %(ids)s", ids=", ".join(map(str, missing[:20]))))
    if extra[:20]:
        click.echo(_("Extra: %(ids)s", ids=", ".join(map(str, extra[:20]))))
    if repair and (missing or extra):
        indexing.enqueue(db, [*missing, *extra])
        db.commit()
        done = indexing.drain_all(db, service().index())
        click.echo(_("Repaired: %(count)s changes applied.", count=done))
    elif missing or extra:
        raise SystemExit(1)
    current_app.logger.debug("check-index done")
