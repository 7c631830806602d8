"""Server-side render time of the library grid (60 assets) and an asset page.

Creates a throwaway instance, inserts N assets with their renditions (rows
only: the grid never reads the bytes), signs in through the real login form and
times full requests through the WSGI stack with Flask's test client. Prints
p50/p95/max; it does not assert anything.

    .venv/bin/python bench/pages.py [--assets 500] [--per-page 60] [--runs 200]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from brandhub import create_app  # noqa: E402
from brandhub.auth.passwords import hash_password  # noqa: E402
from brandhub.db import database, upgrade  # noqa: E402
from brandhub.models import Agency, Asset, Rendition, Tag, User  # noqa: E402
from tests.factories import session  # noqa: E402


def seed(app, n: int) -> None:
    db = session(app)
    agency = Agency(slug="prensa", name="Dirección de Prensa")
    user = User(
        email="bench@example.org",
        role="admin",
        agency=agency,
        password_hash=hash_password("bench-password"),
    )
    tags = [Tag(name=name) for name in ("acto", "escuela", "salud", "obra", "prensa")]
    db.add_all([agency, user, *tags])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(n):
        sha = f"{i:064x}"
        asset = Asset(
            kind="image" if i % 7 else "video",
            title=f"Inauguración de la escuela número {i}",
            description="Acto oficial con autoridades provinciales.",
            credit="Prensa Provincial",
            original_filename=f"foto-{i}.jpg",
            mime="image/jpeg",
            ext="jpg",
            size=4_500_000 + i,
            sha256=sha,
            storage_key=f"originals/{sha[:2]}/{sha[2:4]}/{sha}",
            width=6000,
            height=4000,
            duration=12.0 if i % 7 == 0 else None,
            orientation="horizontal",
            metadata_json={"exif": {"make": "Cámara", "model": "X"}},
            agency=agency,
            uploaded_by=user,
            status="approved" if i % 3 else "draft",
            created_at=start + timedelta(minutes=i),
            tags=tags[: 1 + i % 4],
        )
        for name, size in (("thumb", 320), ("preview", 1600)):
            asset.renditions.append(
                Rendition(
                    name=name,
                    storage_key=f"renditions/{sha}/{name}.webp",
                    mime="image/webp",
                    width=size,
                    height=size * 2 // 3,
                    size=20_000,
                )
            )
        db.add(asset)
    db.commit()
    db.close()


def timed(client, url: str, runs: int) -> list[float]:
    for _ in range(5):
        assert client.get(url).status_code == 200
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        r.get_data()
        out.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=500)
    parser.add_argument("--per-page", type=int, default=60)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "WTF_CSRF_ENABLED": False,
                "PER_PAGE": args.per_page,
                "JOBS_BACKEND": "immediate",
            }
        )
        upgrade(app)
        seed(app, args.assets)
        # Their thumbnails are rows without files: the similar-images panel says so each time.
        logging.getLogger("brandhub.operations.similar").setLevel(logging.ERROR)
        # The rows went in without requests: index them as `brandhub reindex` does.
        done = app.test_cli_runner().invoke(args=["reindex"])
        assert done.exit_code == 0, done.output
        client = app.test_client()
        r = client.post("/login", data={"email": "bench@example.org", "password": "bench-password"})
        assert r.status_code == 302, r.status_code
        rows = [
            (f"library grid ({args.per_page} assets)", "/"),
            (f"library page 3 ({args.per_page} assets)", "/?page=3"),
            ("asset page", "/assets/42"),
        ]
        print(
            f"{'page':40} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   ({args.runs} runs,"
            f" {args.assets} assets in the database)"
        )
        for _label, url in rows[:2]:  # a page that shows nothing would time nothing
            cards = client.get(url).get_data(as_text=True).count('<li class="card')
            assert cards == args.per_page, f"{url} shows {cards} cards"
        for label, url in rows:
            times = sorted(timed(client, url, args.runs))
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{label:40} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
        database(app).dispose()


if __name__ == "__main__":
    main()
