"""Server-side time of the library search page and ``/api/v1/search`` on a few thousand assets.

Creates a throwaway instance, inserts N assets as database rows from the
realistic Spanish corpus of ``bench/corpus.py`` (40 agencies, 300 tags, the
kind/year/status mix of a communication office), lets the outbox drain them
into the index through the app's own path (timed), then times full requests
through the WSGI stack with Flask's test client: the page with facets and
highlighted snippets, as an administrator (every agency) and as an editor of
one agency (visibility filters), and the JSON API. Prints p50/p95/max; it does
not assert anything.

    .venv/bin/python bench/search_page.py [--assets 3000] [--runs 60]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.corpus import _AGENCY_NAMES, generate, slug  # noqa: E402
from brandhub import create_app, indexing  # noqa: E402
from brandhub.auth.passwords import hash_password  # noqa: E402
from brandhub.auth.tokens import create_token  # noqa: E402
from brandhub.db import database, upgrade  # noqa: E402
from brandhub.models import Agency, Asset, Tag, User  # noqa: E402
from brandhub.search import service  # noqa: E402
from tests.factories import session  # noqa: E402

PASSWORD = "bench-password"


def seed(app, n: int) -> dict[str, str]:
    """Insert ``n`` assets; returns API tokens for an admin and an agency editor."""
    db = session(app)
    agencies = {slug(name): Agency(slug=slug(name), name=name) for name in _AGENCY_NAMES}
    admin = User(email="admin@example.org", role="admin", password_hash=hash_password(PASSWORD))
    first = next(iter(agencies.values()))
    editor = User(
        email="editor@example.org",
        role="editor",
        agency=first,
        password_hash=hash_password(PASSWORD),
    )
    db.add_all([*agencies.values(), admin, editor])
    tags: dict[str, Tag] = {}
    for doc in generate(n):
        asset = Asset(
            kind=doc.kind,
            title=doc.title,
            description=doc.description,
            credit=doc.credit,
            caption=doc.caption,
            original_filename=doc.filename,
            mime="image/jpeg",
            ext="jpg",
            size=1000 + doc.id,
            sha256=f"{doc.id:064x}",
            storage_key=f"k/{doc.id}",
            orientation=doc.orientation,
            captured_at=doc.captured_at,
            created_at=doc.created_at,
            metadata_json={"keywords": list(doc.keywords)},
            status=doc.status,
            compliance=doc.compliance,
            public=doc.public,
            agency=agencies[doc.agency],
            uploaded_by=admin,
            tags=[tags.setdefault(t, Tag(name=t)) for t in doc.tags],
        )
        db.add(asset)
        if doc.id % 1000 == 0:
            db.flush()
    db.commit()
    tokens = {"admin": create_token(db, admin), "editor": create_token(db, editor)}
    db.commit()
    db.close()
    return tokens


def timed(get, runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        r = get()
        samples.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, r.status_code
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples), p95, samples[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "JOBS_BACKEND": "immediate",
            }
        )
        upgrade(app)
        start = time.perf_counter()
        tokens = seed(app, args.assets)
        print(
            f"{args.assets} assets inserted with their outbox rows in "
            f"{time.perf_counter() - start:.1f} s"
        )
        db = session(app)
        start = time.perf_counter()
        done = indexing.drain_all(db, service(app).index())
        took = time.perf_counter() - start
        print(
            f"outbox drained into the index: {done} changes in {took:.1f} s ({done / took:.0f}/s)"
        )
        common = db.scalars(select(Tag.name).limit(1)).first() or "salud"
        counts = Counter(
            w for t in db.scalars(select(Asset.title)) for w in t.lower().split() if len(w) >= 5
        )
        ranked = [w for w, _ in counts.most_common()]
        word, rare = ranked[0], ranked[len(ranked) // 20]
        db.close()
        typo = word[:2] + word[3] + word[2] + word[4:]
        pages = {
            "browse, newest, facets": "/",
            f"frequent word '{word}' ({counts[word]} titles)": f"/?q={word}",
            f"rarer word '{rare}' ({counts[rare]} titles)": f"/?q={rare}",
            f"'{word}' + tag + kind": f"/?q={word}&tag={common}&kind=image",
            f"'{word}', by title, page 3": f"/?q={word}&sort=title&page=3",
            f"misspelled '{typo}'": f"/?q={typo}",
            "no match": "/?q=zzzzqqq",
        }
        for role in ("admin", "editor"):
            client = app.test_client()
            client.post("/login", data={"email": f"{role}@example.org", "password": PASSWORD})
            print(f"\nsearch page as {role} ({args.runs} runs; ms p50 / p95 / max)")
            for label, url in pages.items():
                p50, p95, top = timed(lambda u=url, c=client: c.get(u), args.runs)
                print(f"  {label:44s} {p50:7.1f} {p95:7.1f} {top:7.1f}")
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            for label, url in (
                ("API browse", "/api/v1/search"),
                (f"API text '{word}'", f"/api/v1/search?q={word}"),
            ):
                p50, p95, top = timed(
                    lambda u=url, c=client, h=headers: c.get(u, headers=h), args.runs
                )
                print(f"  {label:44s} {p50:7.1f} {p95:7.1f} {top:7.1f}")
        runner = app.test_cli_runner()
        start = time.perf_counter()
        r = runner.invoke(args=["reindex"])
        print(f"\nbrandhub reindex: {time.perf_counter() - start:.1f} s ({r.output.strip()[-40:]})")
        service(app).forget()
        database(app).dispose()


if __name__ == "__main__":
    main()
