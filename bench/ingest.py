"""Benchmark: ingesting 24-megapixel photos, against the floor of what any ingest must do.

Generates N photos once under ``bench/.cache/ingest/`` (git-ignored): 6000 × 4000
JPEGs drawn to look like photos (smooth colour fields, grain, sharp edges;
5-8 MB at quality 90) with camera EXIF (make, model, exposure, GPS, date) and an
IPTC block (creator, credit, copyright, caption, keywords, city), each distinct.

Then, side by side in one run:

- the floor: Pillow opens each file, decodes it at the scale the preview needs
  (JPEG draft), writes the 1600 px preview and the 320 px thumbnail as BrandHub
  does (WebP), and hashes the bytes (SHA-256); nothing is stored;
- BrandHub: ``create_asset`` for each file, through the whole path of a file
  (spool and hash, sniff, metadata, renditions, store, row, commit) and the
  search index drain after the commit (immediate jobs: the index is written
  before the next file starts), on the local store and on an S3 server (moto,
  in a child process);

per file (median ms), the ratio to the floor, photos per minute with 1 and 2
worker processes, and where BrandHub's time goes (per step; ``--profile`` adds
the top of a cProfile run). It prints figures and asserts nothing.

    .venv/bin/python bench/ingest.py [--photos 24] [--processes 1,2] [--no-s3] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import multiprocessing
import os
import queue
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageCms, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.assets.media_factory import iptc_block, make_exif, splice_app13  # noqa: E402
from tests.factories import session  # noqa: E402
from tests.plugins.s3 import AWS_ENV, moto_server  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "ingest"
PREVIEW, THUMB = 1600, 320

# Corpus


def camera_picture(seed: int) -> Image.Image:
    """A 24-megapixel picture (6000 × 4000): colour fields, sensor grain, sharp rings."""
    rng = np.random.default_rng(seed)
    width, height = 6000, 4000
    fields = rng.integers(0, 256, (height // 200 + 2, width // 200 + 2, 3), dtype=np.uint8)
    im = Image.fromarray(fields, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    grain = rng.normal(0, 6, (height // 4, width // 4, 1)).repeat(4, 0).repeat(4, 1)
    im = Image.fromarray(np.clip(np.asarray(im) + grain, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(400):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(20, 600))
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.ellipse((x - r, y - r, x + r, y + r), outline=color, width=int(rng.integers(2, 12)))
    return im


def photo(seed: int, path: Path) -> Path:
    """A distinct 6000 × 4000 JPEG with EXIF and IPTC, made once."""
    if path.exists():
        return path
    im = camera_picture(seed)
    exif = make_exif(
        {
            "make": "Canon",
            "model": "EOS R6",
            "datetime_original": f"2026:03:{1 + seed % 28:02d} 10:{seed % 60:02d}:00",
            "exposure_time": (1, 250),
            "f_number": 5.6,
            "iso": 400,
            "focal_length": 50.0,
            "gps": (-34.6037 + seed / 1000, -58.3816),
        }
    )
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif, icc_profile=srgb)
    iptc = {
        "creator": "Fotografía Oficial",
        "credit": "Secretaría de Comunicación",
        "copyright": "Gobierno Provincial de Ejemplo",
        "caption": f"Acto de inauguración número {seed} en la plaza central",
        "keywords": ["acto", "inauguración", "plaza"],
        "city": "Ciudad de Ejemplo",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(splice_app13(buf.getvalue(), iptc_block(iptc)))
    return path


def warm_up_photo(worker: int = 0) -> Path:
    """One more photo per worker, ingested before timing starts (not counted).

    Each worker has its own: the same bytes twice would be a duplicate, refused
    before the metadata and renditions the warm-up is for.
    """
    return photo(999 - worker, CACHE / f"photo-warm-up-{worker}.jpg")


def corpus(count: int) -> list[Path]:
    paths = []
    for n in range(count):
        target = CACHE / f"photo-{n:03d}.jpg"
        if not target.exists():
            print(f"  generating {target.name} …", end="\r", flush=True)
        paths.append(photo(1000 + n, target))
    return paths


# The floor


def floor_one(path: Path) -> float:
    start = time.perf_counter()
    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", (PREVIEW, PREVIEW))
        im = im.convert("RGB")
        im.thumbnail((PREVIEW, PREVIEW), Image.Resampling.BICUBIC)
        im.save(io.BytesIO(), "WEBP", quality=80, method=2)
        im.thumbnail((THUMB, THUMB), Image.Resampling.BICUBIC)
        im.save(io.BytesIO(), "WEBP", quality=80, method=2)
    return time.perf_counter() - start


# BrandHub


def make_instance(folder: Path, s3: str | None, brand: bool) -> dict[str, Any]:
    """A fresh instance (migrated database, first user); returns the app config."""
    from brandhub import create_app
    from brandhub.auth.passwords import hash_password
    from brandhub.db import database, upgrade
    from brandhub.models import Agency, User

    config: dict[str, Any] = {
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": "bench",
        "JOBS_BACKEND": "immediate",
    }
    if s3:  # a bucket of its own: bytes already stored would not be written again
        config.update(
            STORAGE="s3",
            S3_BUCKET=f"b-{folder.parent.name[-8:]}-{folder.name}".lower(),
            S3_ENDPOINT_URL=s3,
        )
    app = create_app(config)
    upgrade(app)
    with app.app_context():
        store = app.extensions["brandhub.storage"]
        if hasattr(store, "ensure_bucket"):
            store.ensure_bucket()
    db = session(app)
    agency = Agency(slug="prensa", name="Prensa")
    if brand:
        from brandhub.operations.brands import load_brands

        with app.app_context():
            versions = load_brands(db, app.extensions["brandhub.storage"])
        agency.brand_slug = versions[0][0] if versions else None
    db.add(agency)
    db.add(
        User(
            email="bench@example.org",
            name="Bench",
            role="admin",
            agency=agency,
            password_hash=hash_password("bench-password"),
        )
    )
    db.commit()
    db.close()
    database(app).dispose()
    return config


STEPS: dict[str, list[float]] = defaultdict(list)


def _timed(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            STEPS[label].append(time.perf_counter() - start)

    setattr(owner, name, wrapper)


def instrument() -> None:
    """Time each step of the path of a file (the functions are wrapped where called)."""
    import assets.ingest as ingest
    import brandhub.jobs.drain as drain
    import brandhub.operations.assets as operations

    _timed(ingest, "_spool", "spool + SHA-256")
    _timed(ingest, "sniff", "sniff")
    _timed(ingest, "extract", "metadata")
    _timed(ingest, "render_many", "renditions")
    _timed(operations, "check_upload", "brand checks")
    _timed(operations, "store", "store")
    _timed(drain, "drain_now", "index drain")


def ingest_files(
    config: dict[str, Any],
    paths: list[Path],
    ready: Any = None,
    go: Any = None,
    warm_up: int | None = None,
) -> list[float]:
    """Ingest ``paths`` one by one through ``create_asset``; per-file seconds."""
    from sqlalchemy import select

    from brandhub import create_app
    from brandhub.db import database, get_session
    from brandhub.models import User
    from brandhub.operations.assets import AssetFields, create_asset

    app = create_app(config)
    times = []
    with app.app_context():
        user = get_session().scalar(select(User))
        store, settings = app.extensions["brandhub.storage"], app.extensions["brandhub.ingest"]

        def add(fh: Any, name: str) -> None:
            db = get_session()
            create_asset(
                db, store, settings, db.merge(user), fh, name, AssetFields(agency="prensa")
            )

        if warm_up is not None:  # imports, codecs, first connections: not what is measured
            with app.app_context(), warm_up_photo(warm_up).open("rb") as fh:
                add(fh, "warm-up.jpg")
        if ready is not None:
            ready.set()
            go.wait()
        for path in paths:
            start = time.perf_counter()
            with app.app_context(), path.open("rb") as fh:  # one app context per file
                add(fh, path.name)
            times.append(time.perf_counter() - start)
    database(app).dispose()
    return times


def _child(
    kind: str, worker: int, config: dict[str, Any], paths: list[Path], ready: Any, go: Any, out: Any
) -> None:
    if kind == "floor":
        floor_one(warm_up_photo(worker))
        ready.set()
        go.wait()
        out.put([floor_one(p) for p in paths])
    else:
        out.put(ingest_files(config, paths, ready, go, warm_up=worker))


def throughput(kind: str, config: dict[str, Any], paths: list[Path], processes: int) -> float:
    """Photos per minute with ``processes`` processes sharing the files."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    go = ctx.Event()
    readies, procs = [], []
    for k in range(processes):
        ready = ctx.Event()
        share = paths[k::processes]
        proc = ctx.Process(target=_child, args=(kind, k, config, share, ready, go, out))
        proc.start()
        readies.append(ready)
        procs.append(proc)
    for ready in readies:
        ready.wait(120)
    start = time.perf_counter()
    go.set()
    results = 0
    while results < len(procs):
        try:
            out.get(timeout=5)
            results += 1
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in procs):
                failed = f"a {kind} worker process failed (its traceback is above)"
                raise SystemExit(failed) from None
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join(30)
    return len(paths) * 60 / wall


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=24)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--no-s3", action="store_true")
    parser.add_argument("--no-brand", action="store_true", help="skip the brand-checks row")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]

    print(f"Corpus: {args.photos} photos under {CACHE.relative_to(ROOT)}")
    paths = corpus(args.photos)
    sizes = [p.stat().st_size / 1e6 for p in paths]
    print(
        f"  6000 × 4000 JPEG q90 with EXIF and IPTC, {min(sizes):.1f}-{max(sizes):.1f} MB "
        f"(median {statistics.median(sizes):.1f} MB)"
    )

    floor_one(warm_up_photo())
    floor = [floor_one(p) for p in paths]
    rows: list[tuple[str, list[float], dict[int, float]]] = []
    rows.append(
        ("floor (Pillow + SHA-256)", floor, {n: throughput("floor", {}, paths, n) for n in counts})
    )

    setups: list[tuple[str, str | None, bool]] = [("BrandHub, local store", None, False)]
    if not args.no_brand:
        setups.append(("BrandHub, local + brand checks", None, True))
    stack = contextlib.ExitStack()
    s3 = None
    if not args.no_s3:
        os.environ.update(AWS_ENV)
        s3 = stack.enter_context(moto_server())
        setups.append(("BrandHub, S3 (moto)", s3, False))
    instrument()
    breakdown: dict[str, dict[str, float]] = {}
    with stack:
        for label, endpoint, brand in setups:
            base = Path(tempfile.mkdtemp(prefix="brandhub-bench-"))
            try:
                cfg1 = make_instance(base / "single", endpoint, brand)
                STEPS.clear()
                per_file = ingest_files(cfg1, paths, warm_up=0)
                steps = {k: statistics.median(v) for k, v in STEPS.items()}
                steps["row, commit, the rest"] = statistics.median(per_file) - sum(steps.values())
                breakdown[label] = steps
                rates = {}
                for n in counts:
                    cfg = make_instance(base / f"p{n}", endpoint, brand)
                    rates[n] = throughput("brandhub", cfg, paths, n)
                rows.append((label, per_file, rates))
            finally:
                shutil.rmtree(base, ignore_errors=True)

        print(
            f"\n{'':34}{'per photo (ms)':>16}{'ratio':>8}"
            + "".join(f"{f'{n} proc. /min':>15}" for n in counts)
        )
        base_ms = statistics.median(floor)
        for label, times, rates in rows:
            med = statistics.median(times)
            print(
                f"{label:34}{ms(med):>10} ±{statistics.pstdev(times) * 1000:4.0f}"
                f"{med / base_ms:>8.2f}" + "".join(f"{rates[n]:>15.0f}" for n in counts)
            )
        print("\nWhere BrandHub's time goes (median ms per photo):")
        labels = list(breakdown)
        steps = sorted(
            {s for b in breakdown.values() for s in b},
            key=lambda s: -max(b.get(s, 0) for b in breakdown.values()),
        )
        print(
            f"  {'step':26}"
            + "".join(f"{label.removeprefix('BrandHub, '):>26}" for label in labels)
        )
        for step in steps:
            print(
                f"  {step:26}"
                + "".join(f"{ms(breakdown[label].get(step, 0)):>26}" for label in labels)
            )

        if s3 is not None:
            raw = raw_s3_uploads(s3, paths)
            store_ms = breakdown["BrandHub, S3 (moto)"].get("store", 0)
            s3_med = statistics.median(rows[-1][1])
            print(
                f"\nS3 reference: boto3 upload_fileobj of the same photos to the same moto server"
                f" {ms(statistics.median(raw)).strip()} ms each (BrandHub's store step"
                f" {ms(store_ms).strip()} ms); floor + that upload"
                f" {ms(base_ms + statistics.median(raw)).strip()} ms, BrandHub on S3"
                f" {s3_med / (base_ms + statistics.median(raw)):.2f}× it"
            )

        if args.profile:
            profile(paths, s3)


def raw_s3_uploads(endpoint: str, paths: list[Path]) -> list[float]:
    """Seconds per photo for a plain boto3 upload (the part of S3 no app can avoid)."""
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="raw-reference")
    times = []
    for n, path in enumerate(paths):
        with path.open("rb") as fh:
            start = time.perf_counter()
            client.upload_fileobj(fh, "raw-reference", f"photo-{n}")
            times.append(time.perf_counter() - start)
    return times


def profile(paths: list[Path], s3: str | None) -> None:
    import cProfile
    import pstats

    base = Path(tempfile.mkdtemp(prefix="brandhub-bench-"))
    try:
        config = make_instance(base / "p", None, False)
        ingest_files(config, paths[:1])
        config = make_instance(base / "q", None, False)
        prof = cProfile.Profile()
        prof.enable()
        ingest_files(config, paths[: min(8, len(paths))])
        prof.disable()
        print("\ncProfile, local store, 8 photos (top 25 by cumulative time):")
        stats = pstats.Stats(prof, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
