"""Rows of other models that documents show queue their assets (collections, events).

A collection-like model of the test's own (its own declarative base, so the
app's schema stays as migrated) stands for the archive's: renaming it, adding
or removing a member and deleting it each queue exactly the assets concerned.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, ForeignKey, Integer, String, Table, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from brandhub import indexing
from brandhub.db import database
from brandhub.models import Asset, IndexChange
from tests.factories import Api, add_token, add_user, upload


class _Base(DeclarativeBase):
    pass


_members = Table(
    "test_album_members",
    _Base.metadata,
    Column("album_id", ForeignKey("test_albums.id", ondelete="CASCADE"), primary_key=True),
    Column("asset_id", ForeignKey(Asset.__table__.c.id, ondelete="CASCADE"), primary_key=True),
)


class Album(_Base):
    __tablename__ = "test_albums"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    assets: Mapped[list[Asset]] = relationship(Asset, secondary=_members)


@pytest.fixture
def albums(app) -> Iterator[None]:
    engine = database(app).engine
    _Base.metadata.create_all(engine)
    indexing.register_related(Album)
    yield
    indexing.RELATED.pop(Album, None)
    _Base.metadata.drop_all(engine)


def _queued(db) -> list[int]:
    ids = sorted(set(db.scalars(select(IndexChange.asset_id))))  # a flush each, maybe
    db.execute(IndexChange.__table__.delete())
    db.commit()
    return ids


@pytest.mark.search_backend("whoosh")  # about the Whoosh index
def test_collection_changes_queue_their_assets(app, db, albums):
    api = Api(app.test_client(), add_token(app, add_user(app, "editor")))
    a, b, c = (upload(api, n, title=f"Foto {n}")["id"] for n in range(3))
    album = Album(name="Inauguraciones", assets=[db.get(Asset, a), db.get(Asset, b)])
    db.add(album)
    db.commit()
    assert _queued(db) == [a, b]
    album.name = "Inauguraciones 2026"
    db.commit()
    assert _queued(db) == [a, b]
    db.expire_all()  # membership not loaded: the links are read from the database
    album = db.scalar(select(Album))
    album.assets.remove(db.get(Asset, a))
    album.assets.append(db.get(Asset, c))
    db.commit()
    assert _queued(db) == [a, b, c]  # the one taken out too (b: the album changed)
    db.expire_all()
    db.delete(db.scalar(select(Album)))
    db.commit()
    assert _queued(db) == [b, c]


def test_an_unrelated_change_to_an_album_queues_nothing(app, db, albums):
    db.add(Album(name="Vacío"))
    db.commit()
    assert _queued(db) == []
