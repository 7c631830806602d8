"""Pieces for the app-side compliance tests, drawn by Pillow from the shipped example logos.

``pieces()`` gives, for the provincial brand's main logo, files whose report is
known: the official logo (complies), the same flattened on white (a warning:
no transparency), stretched 1.9× wide and recoloured (errors).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from sqlalchemy import select

from brandhub.models import Asset, BrandVersion, ComplianceReport
from guidelines import SHIPPED_BRANDS, load_brands_dir
from guidelines.examples import write_logos
from tests.factories import session
from tests.guidelines.helpers import photo

BRAND = "gobierno-provincial"  # public_checks = true
PRIVATE = "municipalidad"  # public_checks = false
CHECK_URL = "/api/v1/compliance/check"


def _png(im: Image.Image) -> bytes:
    buffer = io.BytesIO()
    im.save(buffer, "PNG")
    return buffer.getvalue()


@cache
def pieces() -> dict[str, bytes]:
    brand = load_brands_dir(SHIPPED_BRANDS)[BRAND]
    with tempfile.TemporaryDirectory() as folder:
        files = write_logos(brand, Path(folder))
        with Image.open(files["principal"]["png"]) as drawn:
            official = drawn.convert("RGBA")
        svg = files["principal"]["svg"].read_bytes()
    flat = Image.new("RGB", official.size, "white")
    flat.paste(official, mask=official.split()[3])
    pixels = np.array(official)
    blue = (pixels[..., 3] > 0) & (pixels[..., 2] > 100) & (pixels[..., 0] < 80)
    pixels[blue] = [200, 30, 30, 255]
    buffer = io.BytesIO()
    photo(3000, 2000).save(buffer, "JPEG", quality=90)
    return {
        "official": _png(official),
        "official_svg": svg,
        "flat": _png(flat),
        "stretched": _png(official.resize((int(official.width * 1.9), official.height))),
        "recoloured": _png(Image.fromarray(pixels, "RGBA")),
        "photo": buffer.getvalue(),
    }


def form(data: bytes, filename: str, brand: str = BRAND, category: str = "logo") -> dict[str, Any]:
    return {"file": (io.BytesIO(data), filename), "brand": brand, "category": category}


def versions(app: Any, slug: str) -> list[BrandVersion]:
    with session(app) as db:
        rows = db.scalars(
            select(BrandVersion).where(BrandVersion.slug == slug).order_by(BrandVersion.id)
        ).all()
        for row in rows:
            db.expunge(row)
        return list(rows)


def reports(app: Any) -> list[tuple[int | None, str, str, str]]:
    """(asset id, status, brand version label, fingerprint) of every stored report."""
    with session(app) as db:
        return [
            (r.asset_id, r.status, r.brand_version.version, r.brand_version.fingerprint)
            for r in db.scalars(select(ComplianceReport).order_by(ComplianceReport.id))
        ]


def asset_row(app: Any, asset_id: int) -> tuple[str, str | None]:
    with session(app) as db:
        asset = db.get(Asset, asset_id)
        assert asset is not None
        return asset.compliance, asset.category


def stored_keys(app: Any) -> list[str]:
    """Stored objects other than the brands' official logo files."""
    store = app.extensions["brandhub.storage"]
    return sorted(k for k in store.iter_keys("") if not k.startswith("brands/"))


def check_desk(app: Any) -> Callable[..., Any]:
    """A function that sends the official logo to the check desk (the API's by default).

    The brands are loaded first; ``send(url, **request)`` passes ``request`` to
    the test client's ``post`` (``environ_base`` for the address, ``headers``
    for a proxy's or a token).
    """
    app.test_cli_runner().invoke(args=["brands", "load"])
    client = app.test_client()

    def send(url: str = CHECK_URL, **request: Any) -> Any:
        return client.post(url, data=form(pieces()["official"], "x.png"), **request)

    return send
