"""Downloads in the size and format a channel needs, cached in the store.

A derived file is made once per (asset bytes, spec, credits) and kept under
``derived/<sha256>/…``: the next request for the same preset is a plain read.
Concurrent first requests may both render; the store's atomic put makes the
last write win with identical bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

from assets.credits import embed_credits
from assets.errors import UnsupportedMediaType
from assets.renditions import parse_spec, render
from assets.renditions.spec import FORMATS
from assets.settings import IngestSettings
from assets.sniff import HEAD_BYTES, sniff
from assets.storage import Storage

from ..models import Asset

RESIZABLE = {"image", "vector", "document"}


@dataclass(frozen=True)
class Derived:
    key: str
    size: int
    mime: str
    ext: str


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-zA-Z0-9]+", "-", plain).strip("-").lower()[:60] or "archivo"


def download_name(asset: Asset, label: str, ext: str) -> str:
    return f"{_slug(asset.title)}-{label}.{ext}"


def derived(storage: Storage, settings: IngestSettings, asset: Asset, spec_text: str) -> Derived:
    """The stored derived file for ``spec_text`` (made now if missing)."""
    if asset.kind not in RESIZABLE:
        raise UnsupportedMediaType(
            "Sizes and formats apply to images, vector graphics and documents; "
            "download the original instead."
        )
    spec = parse_spec(spec_text)
    credits = (asset.creator or "", asset.credit or "", asset.copyright or "")
    digest = hashlib.sha256("\x00".join((spec.canonical, *credits)).encode()).hexdigest()[:24]
    _pillow, mime, ext = FORMATS[spec.format or "webp"]
    key = f"derived/{asset.sha256}/{digest}.{ext}"
    if storage.exists(key):
        return Derived(key, storage.size(key), mime, ext)
    with storage.get_local_path(asset.storage_key) as path:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        rendered = render(path, sniff(head, asset.original_filename), spec, settings)
    data = embed_credits(
        rendered.data, rendered.mime, creator=credits[0], credit=credits[1], rights=credits[2]
    )
    size = storage.put(key, io.BytesIO(data), content_type=rendered.mime)
    return Derived(key, size, rendered.mime, rendered.ext)
