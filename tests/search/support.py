"""Helpers shared by the search tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from brandhub import indexing
from brandhub.db import database
from brandhub.models import Asset
from brandhub.search import service
from tests.assets.media_factory import make_jpeg


def titles(body: dict[str, Any]) -> list[str]:
    return [r["title"] for r in body["results"]]


def upload(api: Any, n: int, **fields: Any) -> dict[str, Any]:
    """Upload a small JPEG (distinct bytes for each ``n``) with ``fields``."""
    r = api.upload(make_jpeg(30 + n, 20 + n), f"f{n}.jpg", **fields)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def change(app: Flask, asset_id: int, **values: Any) -> None:
    """Change an asset's row through the ORM, as any operation would."""
    db = database(app).sessionmaker()
    try:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        for name, value in values.items():
            setattr(asset, name, value)
        db.commit()
    finally:
        db.close()


def drain(app: Flask) -> int:
    db = database(app).sessionmaker()
    try:
        return indexing.drain_all(db, service(app).index())
    finally:
        db.close()


def stale(app: Flask) -> tuple[set[int], list[int]]:
    """(ids in the database but not in the index or the other way round, stale ids)."""
    db = database(app).sessionmaker()
    try:
        index = service(app).index()
        rows = db.scalars(select(Asset)).all()
        in_db = {a.id for a in rows}
        return in_db ^ index.doc_ids(), index.stale(indexing.document_for(a) for a in rows)
    finally:
        db.close()
