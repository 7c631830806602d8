"""Helpers shared by the archive tests: photos with a capture time, rows changed directly."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select

from brandhub.db import database
from brandhub.models import Agency, Asset, User
from tests.assets.media_factory import make_jpeg


def photo(n: int, *, taken: str | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG, distinct for each ``n``, taken at ``taken`` ("2026:05:25 10:30:00")."""
    exif = {"datetime_original": taken} if taken else None
    return make_jpeg(size[0] + n % 7, size[1], color=(n * 37 % 256, n * 11 % 256, 90), exif=exif)


def upload(api: Any, n: int, **fields: Any) -> dict[str, Any]:
    r = api.upload(photo(n, taken=fields.pop("taken", None)), f"foto-{n}.jpg", **fields)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def change(app: Flask, asset_id: int, **values: Any) -> None:
    """Change an asset's row (status and public belong to the workflow, not to us)."""
    db = database(app).sessionmaker()
    try:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        for name, value in values.items():
            setattr(asset, name, value)
        db.commit()
    finally:
        db.close()


def read(app: Flask, asset_id: int) -> Asset:
    db = database(app).sessionmaker()
    try:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        _ = asset.tag_names, asset.event  # load before the session closes
        db.expunge(asset)
        return asset
    finally:
        db.close()


def insert_raw(
    app: Flask, user: User, count: int, size: int, make: Callable[[int], bytes] | None = None
) -> list[int]:
    """``count`` assets of ``size`` distinct bytes each (or ``make(i)``), stored directly.

    Faster than the upload path by far: for tests about moving bytes (ZIPs), not
    about reading them.
    """
    store = app.extensions["brandhub.storage"]
    db = database(app).sessionmaker()
    ids = []
    try:
        agency = db.scalar(select(Agency).where(Agency.id == user.agency_id))
        for i in range(count):
            block = hashlib.sha256(str(i).encode()).digest()
            data = make(i) if make else (block * (size // len(block) + 1))[:size]
            digest = hashlib.sha256(data).hexdigest()
            key = f"originals/{digest[:2]}/{digest[2:4]}/{digest}"
            store.put(key, io.BytesIO(data))
            asset = Asset(
                kind="image", title=f"Foto {i % 10}", original_filename=f"foto-{i}.jpg",
                mime="image/jpeg", ext="jpg", size=len(data), sha256=digest, storage_key=key,
                agency=agency, uploaded_by_id=user.id,
            )  # fmt: skip
            db.add(asset)
            db.flush()
            ids.append(asset.id)
        db.commit()
    finally:
        db.close()
    return ids
