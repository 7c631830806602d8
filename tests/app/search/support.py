"""Helpers of the search tests: result titles, the outbox drained, index and database compared."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from brandhub import indexing
from brandhub.models import Asset
from brandhub.search import service
from tests.factories import session


def titles(body: dict[str, Any]) -> list[str]:
    return [r["title"] for r in body["results"]]


def drain(app: Flask) -> int:
    with session(app) as db:
        return indexing.drain_all(db, service(app).index())


def stale(app: Flask) -> tuple[set[int], list[int]]:
    """(ids in the database but not in the index or the other way round, stale ids)."""
    with session(app) as db:
        index = service(app).index()
        rows = db.scalars(select(Asset)).all()
        in_db = {a.id for a in rows}
        return in_db ^ index.doc_ids(), index.stale(indexing.document_for(a) for a in rows)
