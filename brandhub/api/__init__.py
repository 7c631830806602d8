"""The JSON API under /api/v1: bearer-token auth, JSON errors, an OpenAPI document.

How the parts fit: ``blueprint.py`` holds the blueprint and the checks every
request passes (the token, one value per parameter); ``errors.py`` the
``ApiError`` of a malformed request; ``requests.py`` the readers of numbers,
bodies and ids, ``serialize.py`` the JSON shapes several operations answer
with. Each route module (assets, bulk, compliance, downloads, events, jobs,
rights, search, sharing, similar, statistics, status, uploads, versions,
document)
registers its views on the blueprint and imports no other route module; the
``openapi`` package describes them, one module per area.
"""

from __future__ import annotations

from flask import Flask

# Each route module registers its views on bp when imported.
from . import (  # noqa: F401
    assets,
    bulk,
    compliance,
    document,
    downloads,
    events,
    jobs,
    publication,
    rights,
    search,
    sharing,
    similar,
    statistics,
    status,
    uploads,
    versions,
)
from .blueprint import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    """Register the API, with every route module's views, on ``app``."""
    app.register_blueprint(bp)
