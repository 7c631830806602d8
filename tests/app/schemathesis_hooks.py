"""Schemathesis hooks for the conformance run: how to send a tus chunk.

``application/offset+octet-stream`` (the body of a tus PATCH, and of a
creation with upload) is raw bytes; schemathesis only knows how to send the
media types it ships serializers for. Loaded through ``SCHEMATHESIS_HOOKS``
by tests/app/test_openapi_conformance.py.
"""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.serializer("application/offset+octet-stream")
def tus_chunk(ctx: Any, value: Any) -> bytes:
    """The generated value as the chunk's bytes."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")
