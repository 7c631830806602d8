"""Where BrandHub keeps the bytes of originals and renditions.

``Storage`` is the interface (``base``); ``LocalStorage`` keeps files in a
folder, ``S3Storage`` in any S3-compatible bucket. The application builds a
``StorageSettings`` from its configuration and calls ``create_storage``; keys
are checked by ``validate_key``. Backends raise only ``assets.errors``
exceptions (``StorageError``, ``ObjectNotFound``, ``RangeNotSatisfiable``).
"""

from __future__ import annotations

from .base import Storage, StoredObject, validate_key
from .local import LocalStorage
from .registry import BACKENDS, StorageSettings, create_storage, register_backend
from .s3 import S3Storage

__all__ = [
    "BACKENDS",
    "LocalStorage",
    "S3Storage",
    "Storage",
    "StorageSettings",
    "StoredObject",
    "create_storage",
    "register_backend",
    "validate_key",
]
