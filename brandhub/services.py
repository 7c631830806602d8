"""Wiring of the domain services (storage, ingest settings) into the app.

Views reach them through ``storage()`` and ``ingest_settings()`` so that no view
builds a backend itself.
"""

from __future__ import annotations

from flask import Flask, current_app

from assets.settings import IngestSettings
from assets.storage import Storage, create_storage

from . import config as cfg


def init_app(app: Flask) -> None:
    app.extensions["brandhub.storage"] = create_storage(cfg.storage_settings(app.config))
    app.extensions["brandhub.ingest"] = cfg.ingest_settings(app.config)


def storage() -> Storage:
    return current_app.extensions["brandhub.storage"]


def ingest_settings() -> IngestSettings:
    return current_app.extensions["brandhub.ingest"]
