"""Benchmark: the worst one anonymous request can cost, surface by surface.

Builds a throwaway instance (SQLite, local storage, the shipped brands) with a
press kit and a share link holding a 12 MP photo and a vector logo, then sends
anonymous requests with a hostile corpus made by ``bench/costly.py``:

- the check desk, API (``POST /api/v1/compliance/check``) and page
  (``POST /verificar``, which also draws a preview): a normal 12 MP JPEG (the
  baseline), an SVG of 50 turbulence-and-blur filters, a flat PNG of
  13000 × 13000 pixels, a flat PNG just under Pillow's pixel limit, an hour
  of silence in FLAC;
- press kit downloads: free sizes in TIFF at five widths, a free size of the
  vector logo at 4000 px (the largest a visitor may ask for) and at 8000 px
  (refused), a preset (made once, then kept: presets are cached);
- share-link downloads (free sizes) and stored renditions.

For each request it prints the status, the wall time, the CPU seconds of this
process plus its children (``RUSAGE_CHILDREN``: the budgeted children are
waited for, so their time is counted), the peak growth of this process's
resident memory and of a budgeted child's (sampled every 5 ms from /proc),
and the bytes the request left in the store. Targets for any single
anonymous request: at most 5 s of CPU, 200 MB of growth, 0 bytes stored
beyond the response. It also times the check of a normal JPEG with the
budget and without it (the price of the fork). It asserts nothing.

    .venv/bin/python bench/abuse.py [--hours 1] [--quick]
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.datastructures import FileStorage  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from bench.costly import big_photo, flat_png, silent_flac, svg_filter_bomb  # noqa: E402
from bench.memory import RssSampler  # noqa: E402
from brandhub import create_app  # noqa: E402
from brandhub.db import upgrade  # noqa: E402
from brandhub.services import storage  # noqa: E402

BRAND = "gobierno-provincial"
MB = 1024 * 1024


@dataclass
class Row:
    surface: str
    case: str
    status: int
    wall: float
    cpu: float
    grown_mb: float
    child_mb: float
    stored: int
    note: str = ""


def stored_bytes(app: Any) -> int:
    with app.app_context():
        return sum(obj.size for obj in storage().iter_objects(""))


def measure(app: Any, surface: str, case: str, send: Callable[[], Any]) -> Row:
    before_store = stored_bytes(app)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time()
    started = time.perf_counter()
    with RssSampler(interval=0.005) as sampler:
        response = send()
        body = response.get_data()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu - sampler.own_cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    note = ""
    if response.status_code >= 400:
        note = response.get_json(silent=True) or {}
        note = note.get("error", {}).get("code", "") if isinstance(note, dict) else ""
    elif response.mimetype == "application/json":
        note = _loudness_note(response.get_json())
    else:
        note = f"{len(body) / MB:.1f} MB {response.mimetype}"
    del body
    child_growth = max(0, sampler.children_peak - sampler.base) if sampler.children_peak else 0
    return Row(
        surface,
        case,
        response.status_code,
        wall,
        cpu,
        (sampler.root_peak - sampler.base) / MB,
        child_growth / MB,
        stored_bytes(app) - before_store,
        str(note),
    )


def _loudness_note(report: dict[str, Any]) -> str:
    for check in report.get("checks", []):
        if check.get("rule") == "audio-volumen":
            return check["message"][:70]
    return report.get("status", "")


def _form(data: bytes, filename: str, category: str) -> dict[str, Any]:
    fields = {"file": FileStorage(io.BytesIO(data), filename), "brand": BRAND, "category": category}
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def build(folder: Path) -> tuple[Any, Any, str, str, dict[str, int]]:
    """The app, an editor's API client, the press kit and share paths, the asset ids."""
    from tests.factories import Api, add_token, add_user, approve

    config = {
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "JOBS_BACKEND": "immediate",
        "CHECK_DESK_LIMIT": 100_000,
        "RENDER_LIMIT": 100_000,
    }
    app = create_app(config)
    upgrade(app)
    assert app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    editor = Api(app.test_client(), add_token(app, add_user(app, "editor", "salud")))
    auth = {"Authorization": f"Bearer {editor.token}"}
    from guidelines import SHIPPED_BRANDS, load_brands_dir
    from guidelines.examples import write_logos

    brand = load_brands_dir(SHIPPED_BRANDS)[BRAND]
    logo = write_logos(brand, folder)["principal"]["svg"].read_bytes()
    ids = {}
    for name, data, filename in (
        ("photo", big_photo(), "foto-12mp.jpg"),
        ("logo", logo, "logo.svg"),
    ):
        r = editor.upload(data, filename, title=name)
        assert r.status_code == 201, r.get_json()
        ids[name] = r.get_json()["id"]
        approve(app, ids[name], public=True)
    event = editor.client.post(
        "/api/v1/events", json={"title": "Acto", "public": True}, headers=auth
    ).get_json()
    editor.client.post(
        f"/api/v1/events/{event['id']}/assets", json={"asset_ids": list(ids.values())}, headers=auth
    )
    link = editor.client.post(
        "/api/v1/share-links", json={"asset_id": ids["photo"]}, headers=auth
    ).get_json()
    share = "/s/" + link["url"].rsplit("/s/", 1)[1]
    return app, editor, f"/prensa/evento-{event['id']}-acto", share, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=1.0, help="length of the silent FLAC")
    parser.add_argument("--quick", action="store_true", help="skip the page twin of each check")
    args = parser.parse_args()
    made = time.perf_counter()
    corpus = {
        "jpeg 12 MP (baseline)": (big_photo(), "foto.jpg", "photo"),
        "svg 50 filters": (svg_filter_bomb(), "bomba.svg", "logo"),
        "png flat 13000x13000": (flat_png(13000, 13000), "plano.png", "photo"),
        "png flat 16000x11000": (flat_png(16000, 11000), "plano2.png", "photo"),
        f"flac {args.hours:g} h silence": (
            silent_flac(args.hours * 3600),
            "silencio.flac",
            "audio",
        ),
    }
    sizes = ", ".join(f"{k} {len(v[0]) / 1024:.0f} KB" for k, v in corpus.items())
    print(f"corpus made in {time.perf_counter() - made:.1f} s: {sizes}")
    with tempfile.TemporaryDirectory(prefix="brandhub-abuse-") as tmp:
        app, _editor, kit, share, ids = build(Path(tmp))
        settings = app.extensions["brandhub.ingest.anonymous"]
        print(f"anonymous budget: {settings.budget}")
        anon = app.test_client()
        rows: list[Row] = []
        surfaces = [("check API", "/api/v1/compliance/check")]
        if not args.quick:
            surfaces.append(("check page", "/verificar"))
        for case, (data, filename, category) in corpus.items():
            for surface, url in surfaces:
                rows.append(
                    measure(
                        app,
                        surface,
                        case,
                        lambda u=url, d=data, f=filename, c=category: anon.post(
                            u, **_form(d, f, c)
                        ),
                    )
                )
        photo, logo = ids["photo"], ids["logo"]
        for width in (3999, 3001, 2500, 2000, 1500):
            url = f"{kit}/a/{photo}/download?width={width}&format=tiff"
            rows.append(
                measure(app, "press kit", f"free width={width} tiff", lambda u=url: anon.get(u))
            )
        for width in (4000, 8000):
            url = f"{kit}/a/{logo}/download?width={width}&format=tiff"
            rows.append(
                measure(app, "press kit", f"svg free width={width} tiff", lambda u=url: anon.get(u))
            )
        url = f"{kit}/a/{photo}/download?preset=print-tiff"
        rows.append(measure(app, "press kit", "preset print-tiff (1st)", lambda: anon.get(url)))
        rows.append(measure(app, "press kit", "preset print-tiff (2nd)", lambda: anon.get(url)))
        for width in (3998, 1200):
            url = f"{share}/a/{photo}/download?width={width}&format=tiff"
            rows.append(
                measure(app, "share link", f"free width={width} tiff", lambda u=url: anon.get(u))
            )
        for name in ("preview", "thumb"):
            url = f"{share}/a/{photo}/r/{name}"
            rows.append(measure(app, "share link", f"rendition {name}", lambda u=url: anon.get(u)))
        _print(rows)
        _fork_price(app, corpus["jpeg 12 MP (baseline)"][0])


def _print(rows: list[Row]) -> None:
    head = (
        f"{'surface':<11} {'input':<26} {'st':>3} {'wall s':>7} {'CPU s':>6} "
        f"{'RSS+ MB':>8} {'child MB':>8} {'stored':>9}  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.surface:<11} {r.case:<26} {r.status:>3} {r.wall:>7.2f} {r.cpu:>6.2f} "
            f"{r.grown_mb:>8.0f} {r.child_mb:>8.0f} {r.stored:>9}  {r.note}"
        )
    anonymous = [r for r in rows if "(1st)" not in r.case]
    print(
        f"worst over anonymous requests: CPU {max(r.cpu for r in anonymous):.2f} s, "
        f"RSS growth {max(r.grown_mb for r in anonymous):.0f} MB (child "
        f"{max(r.child_mb for r in anonymous):.0f} MB), stored {max(r.stored for r in anonymous)} B"
        " (a preset's first request stores its derived file, kept for every later one)"
    )


def _fork_price(app: Any, jpeg: bytes) -> None:
    """The check of a normal JPEG with the budget's child and without it (CPU and wall)."""
    client = app.test_client()
    budgeted = app.extensions["brandhub.ingest.anonymous"]
    figures = []
    for label, enabled in (("in a budgeted child", True), ("in-process (no budget)", False)):
        app.extensions["brandhub.ingest.anonymous"] = replace(
            budgeted, budget=replace(budgeted.budget, enabled=enabled)
        )
        walls, cpus = [], []
        for _ in range(7):
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu, started = time.process_time(), time.perf_counter()
            r = client.post("/api/v1/compliance/check", **_form(jpeg, "foto.jpg", "photo"))
            assert r.status_code == 200
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            walls.append(time.perf_counter() - started)
            cpus.append(
                time.process_time()
                - cpu
                + (after.ru_utime + after.ru_stime)
                - (children.ru_utime + children.ru_stime)
            )
        figures.append(
            f"{label} {statistics.median(cpus) * 1000:.0f} ms CPU, "
            f"{statistics.median(walls) * 1000:.0f} ms wall"
        )
    app.extensions["brandhub.ingest.anonymous"] = budgeted
    print("check of a 12 MP JPEG, median of 7: " + "; ".join(figures))


if __name__ == "__main__":
    main()
