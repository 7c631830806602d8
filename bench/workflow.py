"""Benchmark: near-duplicate lookups, the download figures and the perceptual hash.

Builds a throwaway instance (SQLite by default, or ``--database-url``) with
``--assets`` rows carrying random 64-bit hashes over 40 agencies and
``--downloads`` download rows over the last 13 months, inserted directly (no
files: these figures are about the queries). Then it times, with the median
and the 90th percentile of ``--runs`` runs:

- a near-duplicate lookup for an asset: the first in a process (which reads
  every hash into memory), then as an admin and as an agency editor (the
  visibility filter applies to the shortlist);
- the admin page's monthly figures (12 months × every agency, one grouped
  query per series);
- the hash of one upload from its 400 px WebP thumbnail.

It prints figures and asserts nothing.

    .venv/bin/python bench/workflow.py [--assets 100000] [--downloads 500000] [--runs 9]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from brandhub import create_app  # noqa: E402
from brandhub.db import database, upgrade  # noqa: E402
from brandhub.models import Agency, Asset, DownloadEvent, User  # noqa: E402
from brandhub.operations.similar import phash_bytes, similar_to_hash  # noqa: E402
from brandhub.operations.statistics import monthly  # noqa: E402
from tests.factories import encode, scene, session  # noqa: E402

AGENCIES = 40


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))]


def fill(db, assets: int, downloads: int) -> None:
    rng = random.Random(7)
    db.execute(
        insert(Agency),
        [{"slug": f"org-{i}", "name": f"Organismo {i}"} for i in range(AGENCIES)],
    )
    now = datetime.now(UTC)
    batch = []
    for n in range(assets):
        batch.append(
            {
                "kind": "image",
                "title": f"Foto {n}",
                "description": "",
                "credit": "",
                "creator": "",
                "copyright": "",
                "caption": "",
                "original_filename": f"{n}.jpg",
                "mime": "image/jpeg",
                "ext": "jpg",
                "size": 1000,
                "sha256": f"{n:064x}",
                "storage_key": f"originals/{n}",
                "metadata": {},
                "status": "approved",
                "public": n % 3 == 0,
                "agency_id": 1 + n % AGENCIES,
                "phash": f"{rng.getrandbits(64):016x}",
                "licence": "",
                "restrictions": "",
                "created_at": now - timedelta(days=rng.randrange(395)),
                "updated_at": now,
            }
        )
        if len(batch) == 5000:
            db.execute(insert(Asset), batch)
            batch = []
    if batch:
        db.execute(insert(Asset), batch)
    rows = []
    for _n in range(downloads):
        rows.append(
            {
                "asset_id": None,
                "agency_id": 1 + rng.randrange(AGENCIES),
                "channel": "app",
                "what": "original",
                "created_at": now - timedelta(minutes=rng.randrange(570000)),
            }
        )
        if len(rows) == 20000:
            db.execute(insert(DownloadEvent), rows)
            rows = []
    if rows:
        db.execute(insert(DownloadEvent), rows)
    db.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--downloads", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        config = {
            "INSTANCE_PATH": folder,
            "SECRET_KEY": "bench",
            "JOBS_BACKEND": "immediate",
            "SEARCH_DRAIN_INLINE": False,
        }
        if args.database_url:
            config["DATABASE_URL"] = args.database_url
        app = create_app(config)
        upgrade(app)
        db = session(app)
        start = time.perf_counter()
        fill(db, args.assets, args.downloads)
        print(
            f"corpus: {args.assets:,} assets, {args.downloads:,} downloads, "
            f"{AGENCIES} agencies, made in {time.perf_counter() - start:.1f} s"
        )
        admin = User(id=0, email="a@x", role="admin", password_hash="")
        editor = User(id=0, email="e@x", role="editor", agency_id=1, password_hash="")
        probe = db.get(Asset, 1)
        assert probe is not None and probe.phash
        with app.app_context():
            cold, _ = timed(lambda: similar_to_hash(db, admin, probe.phash, exclude=1), 1)
            print(f"near duplicates, first lookup in a process (reads every hash): {cold:.0f} ms")
            for who, user in (("admin", admin), ("agency editor", editor)):
                p50, p90 = timed(
                    lambda u=user: similar_to_hash(db, u, probe.phash, exclude=1), args.runs
                )
                print(f"near duplicates, as {who}: p50 {p50:.1f} ms, p90 {p90:.1f} ms")
            zone = ZoneInfo("America/Argentina/Buenos_Aires")
            p50, p90 = timed(lambda: monthly(db, zone, 12), args.runs)
            print(
                f"monthly figures, 12 months × {AGENCIES} agencies: "
                f"p50 {p50:.0f} ms, p90 {p90:.0f} ms"
            )
        image = scene(1, (6000, 4000))
        image.thumbnail((400, 400))
        thumb = encode(image, "WEBP")
        p50, p90 = timed(lambda: phash_bytes(thumb), max(args.runs, 50))
        print(
            f"pHash of a 400 px WebP thumbnail: p50 {p50:.1f} ms, p90 {p90:.1f} ms "
            f"({len(io.BytesIO(thumb).getvalue()):,} bytes)"
        )
        db.close()
        database(app).dispose()


if __name__ == "__main__":
    main()
