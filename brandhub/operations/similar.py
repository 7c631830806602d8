"""Near duplicates: a perceptual hash of each picture, compared by Hamming distance.

Exact duplicates (the same SHA-256) are refused at upload by
``operations.assets.create_asset``. Near duplicates are the same picture
saved again: recompressed, resized, converted to another format. They get
the same 64-bit *pHash*: the picture is reduced to 32 × 32 grey pixels, its
2-D DCT taken, and each of the 8 × 8 lowest frequencies (the overall shape,
not the detail that compression and resizing change) gives one bit, set
when it is above their median. Two hashes within ``MAX_DISTANCE`` differing
bits are the same picture for a person; different pictures differ by about
half their bits.

The hash is made from the thumbnail rendition (already decoded small, with
EXIF orientation applied and transparency on white), so every kind that has
one (photos, vector logos) is covered at the cost of a few milliseconds.
A flat picture (a plain colour) has no shape to compare: its hash is stored
as "" and it is never reported as similar. Hashes are made on first need
(:func:`ensure_phash`) and for older assets by ``brandhub similar --backfill``.
Comparison runs in numpy over every stored hash, kept in each process's
memory (:class:`_HashCache`); the few within reach are then read from the
database with the visibility filter, so nobody learns of assets they may not
see.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assets.errors import StorageError
from assets.storage import Storage

from ..models import Asset
from .access import Viewer, visible_filter

log = logging.getLogger(__name__)

#: Kinds whose thumbnails are hashed.
HASHED_KINDS = frozenset({"image", "vector"})
#: Differing bits (of 64) up to which two pictures are reported as the same one.
MAX_DISTANCE = 10
_SIDE = 32
_LOW = 8
#: Below this standard deviation of grey levels a picture is flat (no hash).
_FLAT = 3.0


@lru_cache(maxsize=1)
def _dct_matrix() -> np.ndarray:
    n = np.arange(_SIDE)
    k = n.reshape(-1, 1)
    return np.cos(np.pi * (2 * n + 1) * k / (2 * _SIDE))


def phash_image(image: Image.Image) -> str:
    """The 16-hex-digit pHash of ``image``; "" for a flat picture."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(flat, rgba)
    grey = image.convert("L").resize((_SIDE, _SIDE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    if pixels.std() < _FLAT:
        return ""
    dct = _dct_matrix()
    low = (dct @ pixels @ dct.T)[:_LOW, :_LOW].flatten()
    bits = low > np.median(low[1:])  # the DC term (overall brightness) left out of the median
    return f"{int(''.join('1' if b else '0' for b in bits), 2):016x}"


def phash_bytes(data: bytes) -> str | None:
    """The pHash of an encoded picture; None if it cannot be decoded."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("L", (_SIDE * 4, _SIDE * 4))
            image.load()
            return phash_image(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def phash_of_prepared(prepared: Any) -> str | None:
    """The hash of an upload from its thumbnail rendition (None without one)."""
    thumb = prepared.renditions.get("thumb")
    if thumb is None or prepared.sniffed.kind not in HASHED_KINDS:
        return None
    return phash_bytes(thumb.data)


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def ensure_phash(db: Session, storage: Storage, asset: Asset) -> str | None:
    """The asset's hash, made from its stored thumbnail now if it has none (commits)."""
    if asset.phash is not None or asset.kind not in HASHED_KINDS:
        return asset.phash
    thumb = asset.rendition("thumb")
    if thumb is None:
        return None  # renditions still to come (a large file's job)
    try:
        with storage.open(thumb.storage_key) as stream:
            data = stream.read()
    except StorageError as exc:
        log.warning("no thumbnail to hash for asset %s: %s", asset.id, exc)
        return None
    found = phash_bytes(data)
    if found is not None:
        asset.phash = found
        db.commit()
    return found


@dataclass(frozen=True)
class Similar:
    asset: Asset
    distance: int

    def as_json(self, url: str) -> dict[str, Any]:
        """Enough to show this near duplicate and follow ``url`` to it (API and pages)."""
        return {
            "id": self.asset.id,
            "title": self.asset.title,
            "distance": self.distance,
            "url": url,
        }


class _HashCache:
    """Every stored hash of one database, as numpy arrays, for the comparisons.

    Reading 100k hashes from the database takes longer than comparing them
    (about 200 ms against 5 ms), so each process keeps them: rows added since
    are read by id on every lookup, and the whole set again after
    ``REFRESH_SECONDS`` (a hash made later for an older row, a replaced file).
    What the cache says is only a shortlist: the rows are read again and
    their fresh hashes compared before anything is shown.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids = np.empty(0, dtype=np.int64)
        self.hashes = np.empty(0, dtype=np.uint64)
        self.last_id = 0
        self.loaded = float("-inf")

    def _rows(self, db: Session, after: int = 0) -> tuple[np.ndarray, np.ndarray]:
        rows = db.execute(
            select(Asset.id, Asset.phash).where(
                Asset.id > after, Asset.phash.is_not(None), Asset.phash != ""
            )
        ).all()
        pairs = [(asset_id, int(phash, 16)) for asset_id, phash in rows if phash]
        ids = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        hashes = np.fromiter((p[1] for p in pairs), dtype=np.uint64, count=len(pairs))
        return ids, hashes

    def current(self, db: Session) -> tuple[np.ndarray, np.ndarray]:
        with self.lock:
            top = db.scalar(select(func.max(Asset.id))) or 0
            stale = time.monotonic() - self.loaded > REFRESH_SECONDS
            if stale or top < self.last_id:  # expired, or another database under this URL
                self.ids, self.hashes = self._rows(db)
                self.loaded = time.monotonic()
            elif top > self.last_id:
                ids, hashes = self._rows(db, self.last_id)
                self.ids = np.concatenate((self.ids, ids))
                self.hashes = np.concatenate((self.hashes, hashes))
            self.last_id = top
            return self.ids, self.hashes


#: Seconds after which a process reads every hash again.
REFRESH_SECONDS = 60.0
_caches: dict[str, _HashCache] = {}
_caches_guard = threading.Lock()


def _cache(db: Session) -> _HashCache:
    key = db.get_bind().engine.url.render_as_string(hide_password=True)
    with _caches_guard:
        return _caches.setdefault(key, _HashCache())


def similar_to_hash(
    db: Session,
    user: Viewer,
    phash: str | None,
    *,
    exclude: int | None = None,
    max_distance: int = MAX_DISTANCE,
    limit: int = 12,
) -> list[Similar]:
    """Assets ``user`` may see whose hash is within ``max_distance`` of ``phash``, closest first."""
    if not phash:
        return []
    ids, hashes = _cache(db).current(db)
    if ids.size == 0:
        return []
    dist = np.bitwise_count(hashes ^ np.uint64(int(phash, 16)))
    near = np.flatnonzero(dist <= max_distance)
    near = near[np.argsort(dist[near], kind="stable")][:1000]  # the closest, if ever so many
    wanted = [int(i) for i in ids[near] if int(i) != exclude]
    if not wanted:
        return []
    rows = db.scalars(select(Asset).where(Asset.id.in_(wanted), visible_filter(user)))
    found = [Similar(a, distance(a.phash, phash)) for a in rows if a.phash and a.id != exclude]
    found = [s for s in found if s.distance <= max_distance]
    return sorted(found, key=lambda s: (s.distance, s.asset.id))[:limit]


def similar_assets(
    db: Session, storage: Storage, user: Viewer, asset: Asset, limit: int = 12
) -> list[Similar]:
    """Near duplicates of ``asset`` that ``user`` may see (its hash made if missing)."""
    return similar_to_hash(
        db, user, ensure_phash(db, storage, asset), exclude=asset.id, limit=limit
    )


def backfill(db: Session, storage: Storage, batch: int = 200) -> int:
    """Hash every hashable asset that has no hash yet; how many were hashed."""
    done, last = 0, 0
    while True:
        assets = db.scalars(
            select(Asset)
            .where(Asset.phash.is_(None), Asset.kind.in_(HASHED_KINDS), Asset.id > last)
            .order_by(Asset.id)
            .limit(batch)
        ).all()
        if not assets:
            return done
        for asset in assets:
            last = asset.id
            if ensure_phash(db, storage, asset) is not None:
                done += 1
