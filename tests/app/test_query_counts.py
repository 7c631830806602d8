"""A page of assets costs the same number of SQL statements whatever its size.

Every asset's JSON has its unfinished media job (``processing``); a list reads
those of the whole page in one query, not one per asset (N+1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from brandhub.db import database
from brandhub.models import Asset, Job
from tests.factories import add_token, add_user, session


def add_large_assets(app: Flask, count: int) -> None:
    """``count`` assets, each with a media job still queued (every file counts as large)."""
    with session(app) as db:
        for n in range(count):
            asset = Asset(
                kind="image",
                title=f"Foto {n}",
                original_filename=f"foto{n}.jpg",
                mime="image/jpeg",
                ext="jpg",
                size=1000 + n,
                sha256=f"{n:064x}",
                storage_key=f"originals/{n}.jpg",
            )
            db.add(asset)
            db.flush()
            db.add(Job(kind="media", asset_id=asset.id, state="queued"))
        db.commit()


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def listed(app_factory: Callable[..., Flask], count: int) -> tuple[int, list[dict[str, Any]]]:
    """How many statements ``GET /assets`` runs for a page of ``count`` assets, and the page."""
    app = app_factory(MEDIA_BACKGROUND_MB=0)
    token = add_token(app, add_user(app, "admin"))
    add_large_assets(app, count)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/assets", headers=headers)  # the first request warms caches up
    with statements(app) as seen:
        response = client.get("/api/v1/assets?per_page=20", headers=headers)
    assert response.status_code == 200
    return len(seen), response.get_json()["results"]


def test_a_page_of_20_assets_costs_what_a_page_of_one_does(app_factory):
    one, [single] = listed(app_factory, 1)
    twenty, page = listed(app_factory, 20)
    assert len(page) == 20
    assert single["processing"]["state"] == "queued"
    assert all(body["processing"]["state"] == "queued" for body in page)
    assert twenty == one, f"{twenty} statements for 20 assets, {one} for one"
