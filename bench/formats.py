"""Benchmark: camera raw ingest beside the JPEG floor, and the speed of a video's web proxy.

Generates once under ``bench/.cache/formats/`` (git-ignored):

- two 24-megapixel DNGs (6000 × 4000 Bayer pixels, 16-bit): one with the full-size JPEG
  preview modern cameras embed, one with only the small thumbnail the DNG specification
  asks for (so the preview is a demosaic), and a 6000 × 4000 JPEG of the same scene;
- one minute of 1080p25 MPEG-2 video with PCM stereo in MXF (as a camera or an edit
  suite delivers it).

Then it measures (median of ``--runs``):

- the JPEG floor: decode at the preview's scale (draft), write the 1600 px preview and
  the 320 px thumbnail as WebP, hash the bytes;
- ``assets.ingest.prepare`` of the JPEG and of each DNG (spool and hash, sniff,
  metadata, renditions, each in its budgeted child, as an upload does);
- ``assets.proxy.make_proxy`` of the minute of MXF: seconds, and times real time;
- an office upload under a brand (a 12-slide PPTX: ``prepare``, then the brand check as a
  graphic piece), with the check reading the PDF the upload made (LibreOffice runs once)
  beside converting the document again for the check (as uploads did before).

It prints figures and asserts nothing.

    .venv/bin/python bench/formats.py [--runs 3] [--seconds 60]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.ingest import OFFICE_PDF, prepare  # noqa: E402
from assets.proxy import make_proxy  # noqa: E402
from assets.settings import IngestSettings  # noqa: E402
from assets.sniff.broadcast import MXF  # noqa: E402
from guidelines import SHIPPED_BRANDS, check_piece, load_brands_dir  # noqa: E402
from tests.assets.media_factory.broadcast import _encode  # noqa: E402
from tests.assets.media_factory.office import make_pptx  # noqa: E402
from tests.assets.media_factory.raw import make_dng  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "formats"
W, H = 6000, 4000


def corpus(seconds: int) -> dict[str, Path]:
    CACHE.mkdir(parents=True, exist_ok=True)
    files = {
        "dng-embedded": CACHE / "embedded.dng",
        "dng-demosaic": CACHE / "mosaic.dng",
        "jpeg": CACHE / "floor.jpg",
        "mxf": CACHE / f"clip-{seconds}s-1080p.mxf",
    }
    if not files["dng-embedded"].exists():
        files["dng-embedded"].write_bytes(make_dng(W, H, preview=(W, H)))
    if not files["dng-demosaic"].exists():
        files["dng-demosaic"].write_bytes(make_dng(W, H))
    if not files["jpeg"].exists():
        # The same scene as the camera's own JPEG: the preview embedded in the DNG.
        files["jpeg"].write_bytes(_embedded_jpeg(files["dng-embedded"]))
    if not files["mxf"].exists():
        files["mxf"].write_bytes(
            _encode(
                "mxf",
                "mpeg2video",
                "yuv420p",
                seconds=seconds,
                w=1920,
                h=1080,
                fps=25,
                audio="pcm_s16le",
                options={"b": "25000000"},
                metadata={"timecode": "10:00:00:00"},
            )
        )
    return files


def _embedded_jpeg(path: Path) -> bytes:
    import rawpy

    with rawpy.imread(str(path)) as raw:
        return bytes(raw.extract_thumb().data)


def floor(path: Path) -> None:
    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", (1600, 1600 * H // W))
        im = im.convert("RGB")
        im.thumbnail((1600, 1600))
        im.save(io.BytesIO(), "WEBP", quality=80, method=2)
        im.thumbnail((320, 320))
        im.save(io.BytesIO(), "WEBP", quality=80, method=2)


def ingest(path: Path, settings: IngestSettings) -> None:
    with path.open("rb") as fh, prepare(fh, path.name, settings) as prepared:
        assert "preview" in prepared.renditions


def office_upload(path: Path, settings: IngestSettings, *, reuse: bool) -> None:
    """``prepare`` a document, then check it as a graphic piece of the provincial brand."""
    brand = load_brands_dir(SHIPPED_BRANDS)["gobierno-provincial"]
    with path.open("rb") as fh, prepare(fh, path.name, settings) as prepared:
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "document.pdf"
            pdf.write_bytes(prepared.renditions[OFFICE_PDF].data)
            check_piece(
                prepared.path,
                brand,
                "graphic",
                filename=path.name,
                settings=settings,
                document_pdf=pdf if reuse else None,
            )


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    files = corpus(args.seconds)
    settings = IngestSettings()
    base = median_ms(lambda: floor(files["jpeg"]), args.runs)
    print(f"24 MP ({W} × {H}), median of {args.runs}")
    print(f"  JPEG floor (decode at scale, 2 WebP, SHA-256): {base:8.0f} ms")
    for name in ("jpeg", "dng-embedded", "dng-demosaic"):
        ms = median_ms(lambda name=name: ingest(files[name], settings), args.runs)
        size = files[name].stat().st_size / 1e6
        print(f"  prepare {name:13} ({size:5.1f} MB): {ms:8.0f} ms  ({ms / base:4.1f} × floor)")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        made = make_proxy(files["mxf"], MXF, settings, Path(tmp) / "proxy.mp4")
        took = time.perf_counter() - start
    print(
        f"Proxy of {args.seconds} s of 1080p25 MPEG-2 MXF -> H.264/AAC MP4 "
        f"{made.width} × {made.height}, {made.size / 1e6:.1f} MB: {took:.1f} s "
        f"({args.seconds / took:.2f} × real time)"
    )
    deck = CACHE / "campaña.pptx"
    if not deck.exists():
        deck.write_bytes(make_pptx(slides=12))
    print("Office upload under a brand (12-slide PPTX, prepare + brand check):")
    ways = ((False, "converted again for the check"), (True, "PDF of the upload reused"))
    for reuse, label in ways:
        ms = median_ms(lambda reuse=reuse: office_upload(deck, settings, reuse=reuse), args.runs)
        print(f"  {label:30}: {ms:8.0f} ms")


if __name__ == "__main__":
    main()
