"""Load: gunicorn with 4 workers, driven by concurrent uploaders, searchers and downloaders.

Starts a throwaway instance (local store, or a moto S3 server with ``--s3``) under
gunicorn, then, from this separate process, runs for a bounded time:

- 8 uploaders posting distinct ~5 MB JPEGs to ``POST /api/v1/assets``;
- 32 readers, each looping over a search (``/api/v1/search`` when the app has it,
  the listing otherwise), an asset's metadata, a thumbnail and a ranged read of
  an original.

Prints requests/s, p50/p95/p99 latency and the error count per endpoint, then
checks that every acknowledged upload is present with the right SHA-256, that
it is listed (and searchable when search exists) and that the search index and
the database agree. It asserts nothing about time.

    .venv/bin/python bench/load.py [--seconds 30] [--s3] [--uploaders 8] [--readers 32]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_photo(seed: int, megabytes: float = 5.0) -> bytes:
    """A JPEG of about ``megabytes`` (noise compresses badly, so it stays large)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    side = int((megabytes * 1_000_000 / 1.2) ** 0.5)
    pixels = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=85)
    return out.getvalue()


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}

    def record(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[name].append(seconds * 1000)
            if not ok:
                self.errors[name] += 1
                self.samples.setdefault(name, detail[:200])


def start_server(instance: Path, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    run = lambda *a: subprocess.run(a, env=env, check=True, capture_output=True)  # noqa: E731
    run(str(VENV_BIN / "brandhub"), "init")
    run(
        str(VENV_BIN / "brandhub"),
        "users",
        "create",
        "load@example.org",
        "--role",
        "admin",
        "--password",
        "load-test-password",
    )
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(instance / "gunicorn.log", "wb"),
    )
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--uploaders", type=int, default=8)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--s3", action="store_true", help="store the bytes in a moto S3 server")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="brandhub-load-"))
    instance = tmp / "instance"
    port = free_port()
    env = {**os.environ, "BRANDHUB_INSTANCE_PATH": str(instance), "FLASK_APP": "brandhub"}
    env["BRANDHUB_MAX_UPLOAD_MB"] = "64"
    moto = None
    if args.s3:
        moto_port = free_port()
        moto = subprocess.Popen(
            [str(VENV_BIN / "moto_server"), "-p", str(moto_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.5)
        env.update(
            BRANDHUB_STORAGE="s3",
            BRANDHUB_S3_BUCKET="load",
            AWS_ACCESS_KEY_ID="x",
            AWS_SECRET_ACCESS_KEY="x",
            BRANDHUB_S3_REGION="us-east-1",
            BRANDHUB_S3_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
        )
    # wsgi.py builds the app with create_app(); the instance folder comes from the environment.
    instance.mkdir(parents=True)
    server = start_server(instance, env, port)
    # As deployed: a background worker beside the web processes drains the search outbox.
    worker = subprocess.Popen(
        [str(VENV_BIN / "brandhub"), "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(instance / "worker.log", "wb"),
    )
    base = f"http://127.0.0.1:{port}"
    stats = Stats()
    acked: dict[int, str] = {}
    try:
        session = requests.Session()
        token = subprocess.run(
            [str(VENV_BIN / "brandhub"), "tokens", "create", "load@example.org"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        has_search = "/search" in session.get(f"{base}/api/v1/openapi.json").json()["paths"]
        print(f"generating {args.uploaders * 4} photos of ~5 MB…", flush=True)
        photos = [make_photo(i) for i in range(args.uploaders * 4)]
        seed_ids = []
        for i in range(4):  # something to read from the first second
            r = session.post(
                f"{base}/api/v1/assets",
                headers=headers,
                files={"file": (f"seed{i}.jpg", make_photo(1000 + i, 0.3))},
                data={"title": f"Semilla {i}"},
            )
            seed_ids.append(r.json()["id"])
        deadline = time.monotonic() + args.seconds
        counter = iter(range(10**9))
        lock = threading.Lock()

        def uploader(n: int) -> None:
            s = requests.Session()
            while time.monotonic() < deadline:
                with lock:
                    i = next(counter)
                data = photos[i % len(photos)]
                # Distinct bytes each time: a comment segment after SOI.
                unique = data[:2] + b"\xff\xfe\x00\x10" + i.to_bytes(12, "big") + data[2:]
                t0 = time.perf_counter()
                try:
                    r = s.post(
                        f"{base}/api/v1/assets",
                        headers=headers,
                        files={"file": (f"carga-{i}.jpg", unique)},
                        data={"title": f"Foto de carga {i}", "tags": "carga"},
                        timeout=120,
                    )
                    ok = r.status_code == 201
                    if ok:
                        with lock:
                            acked[r.json()["id"]] = hashlib.sha256(unique).hexdigest()
                    stats.record("POST /assets", time.perf_counter() - t0, ok, r.text)
                except requests.RequestException as exc:
                    stats.record("POST /assets", time.perf_counter() - t0, False, str(exc))

        def reader(n: int) -> None:
            s = requests.Session()
            rnd = random.Random(n)
            while time.monotonic() < deadline:
                with lock:
                    ids = list(acked) or seed_ids
                aid = rnd.choice(ids)
                calls = [
                    (
                        "GET /search" if has_search else "GET /assets",
                        f"/api/v1/search?q={rnd.choice(['foto', 'carga', 'semilla', 'acto'])}"
                        if has_search
                        else "/api/v1/assets?per_page=24",
                        {},
                    ),
                    ("GET /assets/<id>", f"/api/v1/assets/{aid}", {}),
                    ("GET thumb", f"/api/v1/assets/{aid}/renditions/thumb", {}),
                    ("GET file (range)", f"/api/v1/assets/{aid}/file", {"Range": "bytes=0-65535"}),
                ]
                for name, path, extra in calls:
                    t0 = time.perf_counter()
                    try:
                        r = s.get(base + path, headers={**headers, **extra}, timeout=60)
                        stats.record(
                            name,
                            time.perf_counter() - t0,
                            r.status_code in (200, 206),
                            r.text[:200],
                        )
                    except requests.RequestException as exc:
                        stats.record(name, time.perf_counter() - t0, False, str(exc))

        threads = [threading.Thread(target=uploader, args=(i,)) for i in range(args.uploaders)]
        threads += [threading.Thread(target=reader, args=(i,)) for i in range(args.readers)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started

        store = "S3 (moto)" if args.s3 else "local folder"
        print(
            f"\n{args.uploaders} uploaders + {args.readers} readers for {elapsed:.0f} s, "
            f"gunicorn -w 4, {store}"
        )
        print(
            f"{'endpoint':20} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
            f" {'p99 ms':>8} {'errors':>7}"
        )
        for name in sorted(stats.times):
            times = sorted(stats.times[name])
            p95, p99 = (times[min(len(times) - 1, int(len(times) * q))] for q in (0.95, 0.99))
            print(
                f"{name:20} {len(times):8d} {len(times) / elapsed:7.1f} "
                f"{statistics.median(times):8.1f} {p95:8.1f} {p99:8.1f}"
                f" {stats.errors[name]:7d}"
            )
        for name, sample in stats.samples.items():
            print(f"  first error on {name}: {sample}")

        # Every acknowledged upload is there, with its bytes.
        lost = 0
        for aid, sha in acked.items():
            body = session.get(f"{base}/api/v1/assets/{aid}/file", headers=headers).content
            if hashlib.sha256(body).hexdigest() != sha:
                lost += 1
        listed = session.get(f"{base}/api/v1/assets?per_page=1", headers=headers).json()["total"]
        print(
            f"\nacknowledged uploads: {len(acked)}; lost or wrong bytes: {lost}; "
            f"assets listed: {listed} (incl. {len(seed_ids)} seeds)"
        )
        if has_search:  # the worker indexes what was queued during the load
            waited = time.monotonic()
            while True:
                found = session.get(
                    f"{base}/api/v1/search?q=carga&per_page=1", headers=headers
                ).json()["total"]
                if found >= len(acked) or time.monotonic() - waited > 120:
                    break
                time.sleep(0.5)
            print(
                f"searchable as 'carga': {found} of {len(acked)}, "
                f"{time.monotonic() - waited:.1f} s after the load stopped"
            )
            check = subprocess.run(
                [str(VENV_BIN / "brandhub"), "check-index"], env=env, capture_output=True, text=True
            )
            print("check-index:", (check.stdout or check.stderr).strip().splitlines()[-1:])
    finally:
        server.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGINT)
        server.wait(30)
        worker.wait(30)
        if moto is not None:
            moto.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
