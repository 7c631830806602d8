"""What the tests make: people, tokens, API clients, pictures, uploads and rows.

Every test folder draws on this one module; a folder's ``support.py`` keeps only
what that folder alone needs. The fixtures of tests/conftest.py (``make_user``,
``make_token``, ``api_for``, ``db_session``) wrap these functions for the ``app``
fixture; call the functions themselves for an app made by ``app_factory`` or
outside a test (the benchmarks).

- ``app_config(instance, **extra)``: the configuration of a test app.
- ``add_user(app, role, agency)``, ``add_token(app, user)``, ``Api(client, token)``:
  a person, a bearer token, a JSON client for /api/v1.
- ``photo(n)``: a small JPEG, distinct for each ``n`` (a capture time if asked);
  ``scene(seed)`` / ``scene_photo(seed)``: a picture with shapes on a gradient,
  for the near-duplicate tests, which need something like a real photograph.
- ``upload(api, n, …)``: a picture through the API; its JSON. ``upload_page(client,
  data, filename)``: a file through the upload page's form.
- ``session(app)``: a database session, closed by its ``with`` block;
  ``change``, ``approve`` and ``read`` set and read an asset's row directly.
- ``stored_asset(app, db, data, …)``, ``insert_raw(app, user, count, size)``: assets
  stored without the upload path.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from brandhub.auth.passwords import hash_password
from brandhub.auth.tokens import create_token
from brandhub.db import database
from brandhub.models import Agency, Asset, User
from tests.assets.media_factory import make_jpeg

PASSWORD = "correct horse battery staple"

_numbers = itertools.count(1)


def app_config(instance: Path, **extra: Any) -> dict[str, Any]:
    """The configuration of a test app whose instance folder is ``instance``."""
    return {
        "INSTANCE_PATH": str(instance),
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "JOBS_BACKEND": "immediate",  # background tasks run at once, in the test
        "TEXT_EXTRACTION": False,  # OCR only where a test asks for it (tests/app/texts)
        **extra,
    }


def session(app: Flask) -> Session:
    """A new session on ``app``'s database: ``with session(app) as db: …`` closes it."""
    return database(app).sessionmaker()


def add_user(
    app: Flask, role: str = "editor", agency: str | None = "salud", email: str | None = None
) -> User:
    """Create a person (and the agency if new) directly in the app's database."""
    n = next(_numbers)
    with session(app) as db:
        agency_row = None
        if agency:
            agency_row = db.query(Agency).filter_by(slug=agency).one_or_none()
            if agency_row is None:
                agency_row = Agency(slug=agency, name=f"Agencia {agency.title()}")
                db.add(agency_row)
        user = User(
            email=email or f"{role}{n}@example.org",
            name=f"{role.title()} {n}",
            role=role,
            agency=agency_row,
            password_hash=hash_password(PASSWORD),
        )
        db.add(user)
        db.commit()
        db.refresh(user)
        db.expunge(user)
        return user


def add_token(app: Flask, user: User) -> str:
    """A bearer token of ``user``."""
    with session(app) as db:
        owner = db.get(User, user.id)
        assert owner is not None
        token = create_token(db, owner)
        db.commit()
        return token


class Api:
    """A thin JSON client for /api/v1 with a bearer token."""

    def __init__(self, client: FlaskClient, token: str | None, user: User | None = None) -> None:
        self.client, self.token, self.user = client, token, user

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(
            "/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw
        )

    def post(self, path: str, **kw: Any) -> TestResponse:
        return self.client.post("/api/v1" + path, headers=self._headers(), **kw)

    def put(self, path: str, **kw: Any) -> TestResponse:
        return self.client.put("/api/v1" + path, headers=self._headers(), **kw)

    def delete(self, path: str, **kw: Any) -> TestResponse:
        return self.client.delete("/api/v1" + path, headers=self._headers(), **kw)

    def patch(self, path: str, **kw: Any) -> TestResponse:
        return self.client.patch("/api/v1" + path, headers=self._headers(), **kw)

    def new_version(
        self, asset_id: int, data: bytes, *, filename: str = "nueva.jpg", comment: str = ""
    ) -> TestResponse:
        """Replace an asset's file with ``data`` (a new version)."""
        path = f"/assets/{asset_id}/versions"
        return self.upload(data, filename, path, comment=comment)

    def upload(
        self, data: bytes, filename: str = "foto.jpg", path: str = "/assets", **fields: Any
    ) -> TestResponse:
        """Post a file (``data`` named ``filename``) and ``fields`` as a form to ``path``."""
        # Encoded in memory: Werkzeug's test client would spool a large body to a
        # temporary file that it never closes (a ResourceWarning, an error here).
        boundary, body = encode_multipart(
            {"file": FileStorage(io.BytesIO(data), filename), **fields}
        )
        return self.client.post(
            "/api/v1" + path,
            data=body,
            headers=self._headers(),
            content_type=f"multipart/form-data; boundary={boundary}",
        )


def photo(n: int, *, taken: str | None = None, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG, distinct for each ``n``, taken at ``taken`` ("2026:05:25 10:30:00")."""
    exif = {"datetime_original": taken} if taken else None
    return make_jpeg(size[0] + n % 7, size[1], color=(n * 37 % 256, n * 11 % 256, 90), exif=exif)


def scene(seed: int, size: tuple[int, int] = (900, 600)) -> Image.Image:
    """A picture with shapes on a gradient, distinct for each ``seed`` (like a photo, not flat)."""
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([x * 255 / w, y * 255 / h, (x + y) * 127 / (w + h)], -1)
    image = Image.fromarray(base.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        cx, cy, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(30, 160))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: Any) -> bytes:
    """``image`` saved in ``fmt`` with Pillow's ``options``."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def scene_photo(seed: int, **options: Any) -> bytes:
    """``scene(seed)`` as a JPEG (quality 90 unless ``options`` say otherwise)."""
    return encode(scene(seed), "JPEG", quality=options.pop("quality", 90), **options)


def upload(
    api: Api,
    n: int,
    filename: str | None = None,
    *,
    data: bytes | None = None,
    taken: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Upload ``data`` (``photo(n, taken=taken)`` unless given) through the API; its JSON."""
    body = photo(n, taken=taken) if data is None else data
    r = api.upload(body, filename or f"foto-{n}.jpg", **fields)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def upload_page(
    client: FlaskClient,
    data: bytes,
    filename: str,
    *,
    as_json: bool = False,
    follow_redirects: bool = False,
    **fields: str,
) -> TestResponse:
    """Post ``data`` through the upload page's form (the drop zone's JSON with ``as_json``)."""
    return client.post(
        "/upload",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"} if as_json else {},
        follow_redirects=follow_redirects,
    )


def change(app: Flask, asset_id: int, **values: Any) -> None:
    """Change an asset's row directly (status, public, dates… set by other paths)."""
    with session(app) as db:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        for name, value in values.items():
            setattr(asset, name, value)
        db.commit()


def approve(app: Flask, asset_id: int, public: bool = False, **values: Any) -> None:
    """Approve an asset directly (the workflow itself is tested in tests/app/review)."""
    change(app, asset_id, status="approved", public=public, **values)


def read(app: Flask, asset_id: int) -> Asset:
    """An asset's row, detached, with its tags and event loaded."""
    with session(app) as db:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        _ = asset.tag_names, asset.event  # load before the session closes
        db.expunge(asset)
        return asset


def stored_asset(
    app: Flask, db: Session, data: bytes, title: str, filename: str, **values: Any
) -> Asset:
    """A JPEG asset row whose original ``data`` is stored directly, added to ``db``.

    No upload path: nothing reads the bytes. ``values`` are further columns
    (``agency``, ``uploaded_by_id``, ``status``…).
    """
    digest = hashlib.sha256(data).hexdigest()
    key = f"originals/{digest[:2]}/{digest[2:4]}/{digest}"
    app.extensions["brandhub.storage"].put(key, io.BytesIO(data))
    asset = Asset(
        kind="image",
        title=title,
        original_filename=filename,
        mime="image/jpeg",
        ext="jpg",
        size=len(data),
        sha256=digest,
        storage_key=key,
        **values,
    )
    db.add(asset)
    return asset


def insert_raw(
    app: Flask, user: User, count: int, size: int, make: Callable[[int], bytes] | None = None
) -> list[int]:
    """``count`` assets of ``size`` distinct bytes each (or ``make(i)``), stored directly.

    Faster than the upload path by far: for tests about moving bytes (ZIPs), not
    about reading them.
    """
    ids = []
    with session(app) as db:
        agency = db.scalar(select(Agency).where(Agency.id == user.agency_id))
        for i in range(count):
            block = hashlib.sha256(str(i).encode()).digest()
            data = make(i) if make else (block * (size // len(block) + 1))[:size]
            asset = stored_asset(
                app,
                db,
                data,
                f"Foto {i % 10}",
                f"foto-{i}.jpg",
                agency=agency,
                uploaded_by_id=user.id,
            )
            db.flush()
            ids.append(asset.id)
        db.commit()
    return ids
