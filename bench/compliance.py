"""Benchmark: how long ``check_piece`` takes on a 24 MP photo and a 4000 px logo.

Generates its corpus once under ``bench/.cache/`` (git-ignored): a 6000 × 4000
JPEG with credits, an sRGB profile and 300 ppp, drawn to look like a photo
(smooth colour fields and sharp edges), and the Gobierno Provincial de Ejemplo
logo drawn 4000 px wide as a transparent PNG. Each piece is checked against a
shipped brand's full rule set for its category; the script prints the median
of several runs and a per-check breakdown (the first check that needs pixels
pays for decoding them; later checks reuse that copy). It prints figures and
asserts nothing.

    .venv/bin/python bench/compliance.py [--runs 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import ImageCms

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import camera_picture  # noqa: E402
from guidelines import SHIPPED_BRANDS, check_piece, load_brands_dir  # noqa: E402
from guidelines.examples import draw_png  # noqa: E402
from guidelines.registry import CHECKS  # noqa: E402
from tests.assets.media_factory import iptc_block, splice_app13  # noqa: E402

CACHE = ROOT / "bench" / ".cache"


def photo_24mp(path: Path) -> Path:
    if path.exists():
        return path
    im = camera_picture(2024)
    buf = io.BytesIO()
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    im.save(buf, "JPEG", quality=90, dpi=(300, 300), icc_profile=srgb)
    credits = {
        "creator": "Fotografía Oficial",
        "copyright": "Gobierno Provincial de Ejemplo",
        "caption": "Acto de inauguración en la plaza central",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(splice_app13(buf.getvalue(), iptc_block(credits)))
    return path


def logo_4000(path: Path, brand: Any) -> Path:
    if path.exists():
        return path
    logo = brand.logo("principal")
    colors = {c.name: c.hex for c in brand.palette}
    probe = draw_png(logo.drawing, colors, height=100)
    height = round(4000 * probe.height / probe.width)
    im = draw_png(logo.drawing, colors, height=height)
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "PNG")
    return path


def instrument() -> dict[str, list[float]]:
    """Wrap every registered check so each call's time is recorded by check name."""
    times: dict[str, list[float]] = defaultdict(list)

    def timed(name: str, run: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return run(*args)
            finally:
                times[name].append(time.perf_counter() - start)

        return wrapper

    for name, spec in list(CHECKS.items()):
        CHECKS[name] = dataclasses.replace(spec, run=timed(name, spec.run))
    return times


def bench(
    label: str, path: Path, brand: Any, category: str, runs: int, times: dict[str, list[float]]
) -> None:
    rules = brand.rules_for(category)
    check_piece(path, brand, category)  # warm-up: imports, official logos, caches
    times.clear()
    totals = []
    report = None
    for _ in range(runs):
        start = time.perf_counter()
        report = check_piece(path, brand, category)
        totals.append(time.perf_counter() - start)
    assert report is not None
    size = path.stat().st_size / 1000
    print(
        f"\n{label}: {path.name} ({size:,.0f} KB), {brand.slug} / {category}, "
        f"{len(rules)} rules, {runs} runs"
    )
    print(
        f"  check_piece median {statistics.median(totals) * 1000:7.1f} ms"
        f"   (min {min(totals) * 1000:.1f}, max {max(totals) * 1000:.1f})"
    )
    accounted = 0.0
    for rule in rules:
        samples = times.get(rule.check, [])
        per_run = statistics.median(samples) if samples else 0.0
        # A check named by two rules runs twice per piece; split its samples evenly.
        accounted += per_run
        status = report.check(rule.id).status
        print(f"    {rule.id:<22} {rule.check:<18} {per_run * 1000:7.1f} ms  {status}")
    print(
        f"    {'(open, sniff, header)':<41} "
        f"{max(0.0, statistics.median(totals) - accounted) * 1000:7.1f} ms"
    )
    print(f"  verdict: {report.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    brands = load_brands_dir(SHIPPED_BRANDS)
    province = brands["gobierno-provincial"]
    photo = photo_24mp(CACHE / "photo-24mp.jpg")
    logo = logo_4000(CACHE / "logo-4000.png", province)
    times = instrument()
    bench("24 MP photo", photo, province, "photo", args.runs, times)
    bench("24 MP photo as a graphic piece (palette)", photo, province, "graphic", args.runs, times)
    bench("4000 px logo", logo, province, "logo", args.runs, times)


if __name__ == "__main__":
    main()
