"""Choosing a storage backend from settings, by name.

``create_storage`` looks the backend's name up in ``BACKENDS``; a new backend
registers a factory with ``register_backend`` and needs no change here.
``StorageSettings`` is the plain value the application builds from its
configuration; it never holds a Flask object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .base import Storage
from .local import LocalStorage
from .s3 import S3Storage


@dataclass(frozen=True)
class StorageSettings:
    backend: str = "local"
    local_root: Path | None = None
    s3_bucket: str | None = None
    s3_prefix: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = field(default=None, repr=False)
    s3_addressing_style: str | None = None
    s3_checksums: str = "crc32"
    #: Client limits (S3Storage's defaults when None): a readiness probe wants short ones.
    s3_connect_timeout: float | None = None
    s3_read_timeout: float | None = None
    s3_max_attempts: int | None = None


BackendFactory = Callable[[StorageSettings], Storage]
BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``factory`` the backend chosen by ``StorageSettings(backend=name)``."""
    BACKENDS[name] = factory


def create_storage(settings: StorageSettings) -> Storage:
    """The configured backend; ValueError naming the choices for an unknown one."""
    factory = BACKENDS.get(settings.backend)
    if factory is None:
        choices = ", ".join(sorted(BACKENDS))
        raise ValueError(f"Unknown storage backend {settings.backend!r}; choose one of: {choices}.")
    return factory(settings)


def _local(settings: StorageSettings) -> Storage:
    if settings.local_root is None:
        raise ValueError("The local storage backend needs a folder (local_root).")
    return LocalStorage(settings.local_root)


def _s3(settings: StorageSettings) -> Storage:
    if not settings.s3_bucket:
        raise ValueError("The s3 storage backend needs a bucket name (s3_bucket).")
    limits: dict[str, Any] = {
        name: value
        for name, value in (
            ("connect_timeout", settings.s3_connect_timeout),
            ("read_timeout", settings.s3_read_timeout),
            ("max_attempts", settings.s3_max_attempts),
        )
        if value is not None
    }
    return S3Storage(
        settings.s3_bucket,
        settings.s3_prefix,
        endpoint_url=settings.s3_endpoint_url or None,
        region=settings.s3_region or None,
        access_key=settings.s3_access_key or None,
        secret_key=settings.s3_secret_key or None,
        addressing_style=settings.s3_addressing_style or None,
        checksums=settings.s3_checksums or "crc32",
        **limits,
    )


register_backend("local", _local)
register_backend("s3", _s3)
