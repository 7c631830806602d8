"""Benchmark: archiving a whole coverage with ``brandhub import``, then the event's ZIP.

Generates N photos once under ``bench/.cache/coverage/`` (git-ignored): JPEGs of
``--size`` (default 1600 × 1067, about what a newsroom sends after a first cull)
drawn with gradients and grain so they compress like photos, each with a
distinct EXIF capture time, in two sub-folders, plus a text file and a hidden
file that the import must skip. Then, in a fresh instance (SQLite, local
store, the default sqlite job queue without a worker), it times as separate
processes, the way a photographer runs them:

- ``brandhub import FOLDER --event TITLE --date … --credit …``: the first run
  (every photo through sniffing, metadata, renditions, brand checks, store,
  row, search index);
- the same command again: nothing new, every file a duplicate (what an
  interrupted import costs to resume);

and, in this process, the event's ZIP with the ``web`` preset made and then
read from the cache. It prints photos per minute and asserts nothing.

    .venv/bin/python bench/coverage_import.py [--photos 300] [--size 1600x1067]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.assets.media_factory import make_exif  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "coverage"


def _photo(n: int, width: int, height: int) -> bytes:
    rng = np.random.default_rng(n)
    x = np.linspace(0, 1, width, dtype=np.float32)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    base = rng.uniform(40, 200, size=3).astype(np.float32)
    pixels = np.empty((height, width, 3), dtype=np.float32)
    for c in range(3):
        pixels[..., c] = base[c] + 50 * np.sin(6 * x + c + n) * np.cos(4 * y + n / 7)
    pixels += rng.normal(0, 6, size=pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    minute, second = divmod(n * 11, 60)
    exif = make_exif(
        {
            "make": "Nikon",
            "model": "Z6",
            "artist": "Ana Pérez",
            "datetime_original": f"2026:05:25 {10 + minute // 60:02d}:"
            f"{minute % 60:02d}:{second:02d}",
        }
    )
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=88, exif=exif)
    return buf.getvalue()


def corpus(count: int, width: int, height: int) -> Path:
    folder = CACHE / f"{count}-{width}x{height}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    for n in range(count):
        sub = folder / ("manana" if n < count // 2 else "tarde")
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"DSC_{n:04d}.JPG").write_bytes(_photo(n, width, height))
    (folder / "orden-del-dia.txt").write_text("Acto de inauguración\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    marker.write_text("ok")
    return folder


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "brandhub", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"{args[0]} failed with {done.returncode}")
    summary = next((line for line in done.stdout.splitlines() if " · " in line), "")
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--size", default="1600x1067")
    options = parser.parse_args()
    width, height = (int(v) for v in options.size.split("x"))
    started = time.perf_counter()
    folder = corpus(options.photos, width, height)
    megabytes = sum(p.stat().st_size for p in folder.rglob("*.JPG")) / 1e6
    print(
        f"corpus: {options.photos} photos {width}x{height}, {megabytes:.0f} MB "
        f"(ready in {time.perf_counter() - started:.1f} s)"
    )

    with tempfile.TemporaryDirectory(prefix="brandhub-bench-") as instance:
        env = {
            **os.environ,
            "BRANDHUB_INSTANCE_PATH": instance,
            "BRANDHUB_SECRET_KEY": "bench",
            "PYTHONWARNINGS": "ignore",
        }
        env.pop("BRANDHUB_DATABASE_URL", None)
        _run(["init"], env)
        command = [
            "import",
            str(folder),
            "--event",
            "Inauguración del Hospital Regional",
            "--date",
            "2026-05-25T10:00",
            "--credit",
            "Ana Pérez / Prensa",
            "--copyright",
            "CC BY 4.0",
            "--tags",
            "hospital, inauguración",
        ]
        first, summary = _run(command, env)
        print(
            f"first import:  {first:6.1f} s  {options.photos * 60 / first:6.0f} photos/min"
            f"   [{summary}]"
        )
        again, summary = _run(command, env)
        print(
            f"run again:     {again:6.1f} s  {options.photos * 60 / again:6.0f} photos/min"
            f"   [{summary}]"
        )
        _zip(instance)


def _zip(instance: str) -> None:
    os.environ["BRANDHUB_INSTANCE_PATH"] = instance
    os.environ["BRANDHUB_SECRET_KEY"] = "bench"
    from brandhub import create_app
    from brandhub.db import get_session
    from brandhub.models import Event, User
    from brandhub.operations.sets import EVENTS
    from brandhub.sending import send_zip

    app = create_app()
    with app.test_request_context():
        db = get_session()
        admin = db.query(User).filter_by(role="admin").first()
        event = db.query(Event).first()
        assets = db.scalars(EVENTS.members(admin, event)).all()
        for label in ("made", "cached"):
            started = time.perf_counter()
            response = send_zip(assets, "web", event.title)
            chunks = iter(response.response)
            size = len(next(chunks))
            ready = time.perf_counter() - started
            size += sum(len(chunk) for chunk in chunks)
            total = time.perf_counter() - started
            print(
                f"ZIP 'web' ({label}): {len(assets)} files, {size / 1e6:.0f} MB, "
                f"first byte after {ready:.2f} s, all in {total:.2f} s"
            )


if __name__ == "__main__":
    main()
