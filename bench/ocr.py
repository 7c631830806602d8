"""Benchmark: OCR quality and speed on generated A4 pages at 300 ppi.

Draws A4 pages (2480 × 3508 px, 300 ppi) of Spanish text with Pillow in Debian's fonts
(DejaVu Sans and Serif, Liberation Sans and Serif) at body sizes (10, 12 and 14 pt), on
a plain white background ("clean") and on busy ones (gradient, stripes, dots), reads each
with ``assets.text.extract_text`` exactly as the worker does (Tesseract, spa+eng, one
thread), and prints per page the character error rate against the text drawn and the
seconds it took, then the totals: the CER over the clean pages (target ≤ 3 %) and the
median time per A4 page. One page is also read as an image-only PDF (a scan).

    .venv/bin/python bench/ocr.py [--sizes 10 12 14] [--fonts dejavu liberation]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assets.sniff import sniff  # noqa: E402
from assets.text import extract_text, ocr_available  # noqa: E402
from tests.assets.media_factory.printed import LEGEND, make_poster, make_scanned_pdf  # noqa: E402
from tests.assets.text_corpus import error_rate  # noqa: E402

A4_300PPI = (2480, 3508)
TEXT = (
    "Campaña provincial de vacunación antigripal 2027. Del 1 de abril al 30 de junio, "
    "los centros de atención primaria de salud vacunan de lunes a viernes de 8 a 18 horas "
    "a personas mayores de 65 años, embarazadas, niñas y niños de 6 a 24 meses y personas "
    "con enfermedades crónicas. Llevá tu documento nacional de identidad y tu libreta de "
    "vacunación. Consultas: 0800-555-1234 o www.salud.ejemplo.gob.ar. La vacuna es gratuita "
    "y no requiere turno previo. Pedí información en tu escuela, tu club o tu centro "
    "comunitario más cercano; los equipos de salud también recorren los barrios casa por "
    "casa con la campaña «Vacunarse es cuidarnos». " + LEGEND
)
FONTS = {
    "dejavu": ("dejavu", "dejavu-serif"),
    "liberation": ("liberation", "liberation-serif"),
}


def read(data: bytes, name: str) -> tuple[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        started = time.perf_counter()
        text = extract_text(path, sniff(data[:4096], name), ocr=True)
        return text.text, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 12, 14], help="points")
    parser.add_argument("--fonts", nargs="+", default=sorted(FONTS), choices=sorted(FONTS))
    args = parser.parse_args()
    if not ocr_available():
        print("Tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-spa")
        return 1
    clean_rates: list[float] = []
    busy_rates: list[float] = []
    seconds: list[float] = []
    print(f"{'page':<40} {'CER':>7} {'seconds':>8}")
    for family in args.fonts:
        for font in FONTS[family]:
            for points in args.sizes:
                px = round(points * 300 / 72)
                for background in ("plain", "gradient", "stripes", "dots"):
                    poster = make_poster(
                        TEXT, size=A4_300PPI, font=font, font_px=px, background=background
                    )
                    text, took = read(poster.data, "pagina.png")
                    rate = error_rate(poster.text, text)
                    (clean_rates if background == "plain" else busy_rates).append(rate)
                    seconds.append(took)
                    label = f"{font} {points} pt {background}"
                    print(f"{label:<40} {rate:>7.2%} {took:>8.2f}")
    poster = make_poster(TEXT, size=A4_300PPI, font="dejavu", font_px=50)
    scan = make_scanned_pdf(poster.data, dpi=300)
    text, took = read(scan, "escaneo.pdf")
    rate = error_rate(poster.text, text)
    print(f"{'dejavu 12 pt, image-only PDF (scan)':<40} {rate:>7.2%} {took:>8.2f}")
    clean = sum(clean_rates) / len(clean_rates)
    print()
    print(f"CER on clean 300 ppi pages: {clean:.2%} (target ≤ 3 %) over {len(clean_rates)} pages")
    print(f"CER on busy backgrounds:     {sum(busy_rates) / len(busy_rates):.2%}")
    print(f"time per A4 page (median):   {statistics.median(seconds):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
